/// A record key naming a record within a repository collection.
///
/// Rule: 1–512 chars of `A-Za-z0-9` and `.-_:~`; the values `.` and `..` are not allowed.
public struct RecordKey: Sendable, Hashable, CustomStringConvertible {
    /// The validated record key string.
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid record key.
    public init?(_ string: String) {
        guard RecordKey.isValid(string) else { return nil }
        rawValue = string
    }

    /// The record key string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid record key (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 512

    /// Byte-level check shared with `ATURI`.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 1, n <= maxLength else { return false }
        let allowed = allowed
        for b in p {
            guard allowed.contains(b) else { return false }
        }
        // "." and ".." are not allowed
        return !(p[0] == UInt8(ascii: ".") && (n == 1 || (n == 2 && p[1] == UInt8(ascii: "."))))
    }

    static let allowed = FormatBytes.alnum(plus: "._:~-")
}
