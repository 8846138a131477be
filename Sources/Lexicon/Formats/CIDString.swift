/// A CID in multibase string form, checked by syntax only (the bytes are not decoded).
///
/// Rule: 8–256 chars of `A-Za-z0-9+=`, starting with a multibase prefix; prefix-less
/// CIDv0 strings (`Qm…`) are not accepted.
public struct CIDString: Sendable, Hashable, CustomStringConvertible {
    /// The validated CID string.
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid CID string.
    public init?(_ string: String) {
        guard CIDString.isValid(string) else { return nil }
        rawValue = string
    }

    /// The CID string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid CID string (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let minLength = 8
    static let maxLength = 256

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        guard p.count >= minLength, p.count <= maxLength, isMultibasePrefix(p[0]) else { return false }
        let allowed = allowed
        for b in p {
            guard allowed.contains(b) else { return false }
        }
        return true
    }

    static let allowed = FormatBytes.alnum(plus: "+=")

    /// Multibase prefix codes spellable in that set: base2 `0`, base8 `7`, base10 `9`,
    /// base16 `fF`, base32 `bBcCvVtTh`, base36 `kK`, base45 `R`, base58 `zZ`, base64 `mMuU`,
    /// proquint `p`.
    @inline(__always)
    static func isMultibasePrefix(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0"), UInt8(ascii: "7"), UInt8(ascii: "9"),
            UInt8(ascii: "f"), UInt8(ascii: "F"),
            UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "c"), UInt8(ascii: "C"),
            UInt8(ascii: "v"), UInt8(ascii: "V"), UInt8(ascii: "t"), UInt8(ascii: "T"),
            UInt8(ascii: "h"), UInt8(ascii: "k"), UInt8(ascii: "K"), UInt8(ascii: "R"),
            UInt8(ascii: "z"), UInt8(ascii: "Z"),
            UInt8(ascii: "m"), UInt8(ascii: "M"), UInt8(ascii: "u"), UInt8(ascii: "U"),
            UInt8(ascii: "p"):
            return true
        default:
            return false
        }
    }
}
