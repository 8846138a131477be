/// Text that came from the network, made safe to show, store or embed: C0 and C1 control characters (terminal
/// escapes, NUL, which PostgreSQL text cannot hold) become U+FFFD.
public enum ControlCharacters {
    /// Whether `scalar` is a C0 or C1 control character.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with every control character (but a newline, if `keepingNewlines`) replaced by U+FFFD.
    public static func replaced(in text: some StringProtocol, keepingNewlines: Bool = false) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { isControl($0) && !(keepingNewlines && $0 == "\n") ? "\u{FFFD}" : $0 }))
    }
}
