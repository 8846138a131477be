/// A timestamp identifier: a 64-bit integer in base32-sortable, e.g. `3jzfcijpj2z2a`.
///
/// Rule: exactly 13 chars of `234567a-z`, the first in `234567a-j` (top bit clear).
public struct TID: Sendable, Hashable, CustomStringConvertible {
    /// The validated TID string.
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid TID.
    public init?(_ string: String) {
        guard TID.isValid(string) else { return nil }
        rawValue = string
    }

    /// The TID string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid TID (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        guard p.count == 13 else { return false }
        let first = p[0]
        guard first &- UInt8(ascii: "2") < 6 || first &- UInt8(ascii: "a") < 10 else { return false }
        for b in p {
            guard b &- UInt8(ascii: "2") < 6 || FormatBytes.isLower(b) else { return false }
        }
        return true
    }
}
