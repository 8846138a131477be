/// An account identifier that is either a DID or a handle.
///
/// Rule: valid as a `DID` or as a `Handle`; the two never overlap (handles contain no `:`).
public struct ATIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The validated identifier string.
    public let rawValue: String

    /// Wraps `string` if it is a valid DID or handle.
    public init?(_ string: String) {
        guard ATIdentifier.isValid(string) else { return nil }
        rawValue = string
    }

    /// Whether this identifier is a DID (otherwise it is a handle).
    public var isDID: Bool { rawValue.utf8.starts(with: "did:".utf8) }

    /// The identifier as a DID, if it is one.
    public var did: DID? { isDID ? DID(rawValue) : nil }

    /// The identifier as a handle, if it is one.
    public var handle: Handle? { isDID ? nil : Handle(rawValue) }

    /// The identifier string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a valid DID or handle.
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    /// Byte-level check shared with `ATURI`.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        if p.count >= 4, p[0] == UInt8(ascii: "d"), p[1] == UInt8(ascii: "i"),
            p[2] == UInt8(ascii: "d"), p[3] == UInt8(ascii: ":")
        {
            return DID.isValid(bytes: p)
        }
        return Handle.isValid(bytes: p)
    }
}
