/// A decentralized identifier, syntax-checked per the atproto DID spec.
///
/// Rule: `did:` + lowercase method + `:` + identifier of `A-Za-z0-9._:%-`,
/// not ending in `:` or `%`, at most 2048 chars. Percent-encoding is not decoded.
public struct DID: Sendable, Hashable, CustomStringConvertible {
    /// The validated DID string.
    public let rawValue: String

    /// Wraps `string` if it is a syntactically valid DID.
    public init?(_ string: String) {
        guard DID.isValid(string) else { return nil }
        rawValue = string
    }

    /// The DID method, e.g. `plc` for `did:plc:…`.
    public var method: Substring {
        let rest = rawValue.utf8.dropFirst(4)
        let end = rest.firstIndex(of: UInt8(ascii: ":"))!
        return rawValue[rest.startIndex..<end]
    }

    /// The DID string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a syntactically valid DID (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 2048
    static let identifierBytes = FormatBytes.alnum(plus: "._:%-")

    /// Byte-level check shared with `ATIdentifier` and `ATURI`.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n >= 7, n <= maxLength,
            p[0] == UInt8(ascii: "d"), p[1] == UInt8(ascii: "i"),
            p[2] == UInt8(ascii: "d"), p[3] == UInt8(ascii: ":")
        else { return false }
        var i = 4
        while i < n, FormatBytes.isLower(p[i]) { i += 1 }
        // Method is non-empty and followed by ':' and a non-empty identifier.
        guard i > 4, i + 1 < n, p[i] == UInt8(ascii: ":") else { return false }
        i += 1
        let allowed = identifierBytes
        while i < n {
            guard allowed.contains(p[i]) else { return false }
            i += 1
        }
        let last = p[n - 1]
        return last != UInt8(ascii: ":") && last != UInt8(ascii: "%")
    }
}
