/// A handle: a DNS hostname used as a human-friendly account identifier.
///
/// Rule: at most 253 ASCII chars; two or more `.`-separated labels of 1–63 `A-Za-z0-9-`,
/// no label starting or ending with `-`, and the last label (TLD) starting with a letter.
public struct Handle: Sendable, Hashable, CustomStringConvertible {
    /// The validated handle string (case preserved; handles compare case-insensitively).
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid handle.
    public init?(_ string: String) {
        guard Handle.isValid(string) else { return nil }
        rawValue = string
    }

    /// The handle string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid handle (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 253

    /// Byte-level check shared with `ATIdentifier` and `ATURI`.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 3, n <= maxLength else { return false }
        let labelBytes = FormatBytes.labelBytes
        var labels = 0
        var start = 0  // start of the current label
        for i in 0...n {
            if i == n || p[i] == UInt8(ascii: ".") {
                let length = i - start
                guard length >= 1, length <= 63,
                    p[start] != UInt8(ascii: "-"), p[i - 1] != UInt8(ascii: "-")
                else { return false }
                labels += 1
                if i == n { return labels >= 2 && FormatBytes.isAlpha(p[start]) }
                start = i + 1
            } else {
                guard labelBytes.contains(p[i]) else { return false }
            }
        }
        return false  // unreachable: the loop returns at i == n
    }
}
