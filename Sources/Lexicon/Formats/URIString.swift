/// A generic URI, as used by Lexicon `uri` fields (any scheme: `https`, `at`, `did`, `dns`, …).
///
/// Rule: at most 8 KiB; an RFC 3986 scheme (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`), `:`,
/// an optional `//`, then a non-empty rest that does not start with `/` and contains no
/// whitespace or control characters.
public struct URIString: Sendable, Hashable, CustomStringConvertible {
    /// The validated URI string.
    public let rawValue: String

    /// Wraps `string` if it is a valid URI.
    public init?(_ string: String) {
        guard URIString.isValid(string) else { return nil }
        rawValue = string
    }

    /// The URI scheme, e.g. `https`.
    public var scheme: Substring { rawValue[..<rawValue.utf8.firstIndex(of: UInt8(ascii: ":"))!] }

    /// The URI string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a valid URI (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 8 * 1024
    static let schemeBytes = FormatBytes.alnum(plus: "+-.")

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 3, n <= maxLength, FormatBytes.isAlpha(p[0]) else { return false }
        var i = 1
        let schemeBytes = schemeBytes
        while i < n, schemeBytes.contains(p[i]) { i += 1 }
        guard i < n, p[i] == UInt8(ascii: ":") else { return false }
        i += 1
        if i + 1 < n, p[i] == UInt8(ascii: "/"), p[i + 1] == UInt8(ascii: "/") { i += 2 }
        guard i < n, p[i] != UInt8(ascii: "/") else { return false }
        for j in i..<n {
            let b = p[j]
            if b < 0x80 {
                guard b > 0x20, b != 0x7F else { return false }  // ASCII space or control
            } else if isUnicodeSpaceOrControl(p, at: j) {
                return false
            }
        }
        return true
    }

    /// Whether a non-ASCII whitespace or C1 control scalar starts at byte `i`: U+0080–U+00A0,
    /// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 or U+FEFF.
    static func isUnicodeSpaceOrControl(_ p: FormatBytes.Buffer, at i: Int) -> Bool {
        let n = p.count
        switch p[i] {
        case 0xC2:
            guard i + 1 < n else { return false }
            return p[i + 1] <= 0xA0
        case 0xE1:
            guard i + 2 < n else { return false }
            return p[i + 1] == 0x9A && p[i + 2] == 0x80
        case 0xE2:
            guard i + 2 < n else { return false }
            let b1 = p[i + 1]
            let b2 = p[i + 2]
            if b1 == 0x80 { return b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF }
            return b1 == 0x81 && b2 == 0x9F
        case 0xE3:
            guard i + 2 < n else { return false }
            return p[i + 1] == 0x80 && p[i + 2] == 0x80
        case 0xEF:
            guard i + 2 < n else { return false }
            return p[i + 1] == 0xBB && p[i + 2] == 0xBF
        default:
            return false
        }
    }
}
