/// An AT URI in the restricted form used by Lexicon `at-uri` fields.
///
/// Rule: `at://AUTHORITY[/COLLECTION[/RKEY]]`, at most 8 KiB, where AUTHORITY is a DID or handle,
/// COLLECTION an NSID and RKEY a record key; no query, fragment, or trailing slash.
public struct ATURI: Sendable, Hashable, CustomStringConvertible {
    /// The validated AT URI string.
    public let rawValue: String

    /// Wraps `string` if it is a valid restricted AT URI.
    public init?(_ string: String) {
        guard ATURI.isValid(string) else { return nil }
        rawValue = string
    }

    /// The authority (a DID or handle), e.g. `did:plc:…`.
    public var authority: Substring { pathSegments.first! }

    /// The collection NSID, if the URI has a path.
    public var collection: Substring? { pathSegments.dropFirst().first }

    /// The record key, if the URI names a record.
    public var recordKey: Substring? { pathSegments.dropFirst(2).first }

    private var pathSegments: [Substring] {
        rawValue.dropFirst(5).split(separator: "/", omittingEmptySubsequences: false)
    }

    /// The AT URI string itself.
    public var description: String { rawValue }

    /// Returns whether `string` is a valid restricted AT URI (see the type's rule).
    public static func isValid(_ string: String) -> Bool {
        FormatBytes.withUTF8(string, isValid(bytes:))
    }

    static let maxLength = 8 * 1024

    /// Byte-level check.
    static func isValid(bytes p: FormatBytes.Buffer) -> Bool {
        let n = p.count
        guard n > 5, n <= maxLength,
            p[0] == UInt8(ascii: "a"), p[1] == UInt8(ascii: "t"), p[2] == UInt8(ascii: ":"),
            p[3] == UInt8(ascii: "/"), p[4] == UInt8(ascii: "/")
        else { return false }
        // Split at the last two '/' (searching from the end keeps the scan to the short path).
        // The sub-validators reject every byte that may not appear in their part, including
        // '?', '#', whitespace, and any further '/' (which would be left in the authority).
        guard let last = lastSlash(p, before: n) else {
            return ATIdentifier.isValid(bytes: FormatBytes.slice(p, 5, n))
        }
        guard let previous = lastSlash(p, before: last) else {
            return ATIdentifier.isValid(bytes: FormatBytes.slice(p, 5, last))
                && NSID.isValid(bytes: FormatBytes.slice(p, last + 1, n))
        }
        return ATIdentifier.isValid(bytes: FormatBytes.slice(p, 5, previous))
            && NSID.isValid(bytes: FormatBytes.slice(p, previous + 1, last))
            && RecordKey.isValid(bytes: FormatBytes.slice(p, last + 1, n))
    }

    /// Index of the last '/' in `p[5..<end]`, if any.
    @inline(__always)
    private static func lastSlash(_ p: FormatBytes.Buffer, before end: Int) -> Int? {
        var i = end - 1
        while i >= 5 {
            if p[i] == UInt8(ascii: "/") { return i }
            i -= 1
        }
        return nil
    }
}
