/// One entry of a blob's `accept` list: `type/subtype`, `type/*` or `*/*`.
public struct MIMEPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written in the lexicon.
    public let rawValue: String
    private let type: Substring
    private let subtype: Substring

    /// Parses a pattern; `nil` for anything else (a lone `*`, a partial glob like `text/ht*`, no slash).
    public init?(_ string: String) {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts.allSatisfy(Self.isToken(_:))
        else { return nil }
        if parts[0] == "*" && parts[1] != "*" { return nil }
        if parts[0].contains("*") && parts[0] != "*" { return nil }
        if parts[1].contains("*") && parts[1] != "*" { return nil }
        rawValue = string
        type = parts[0]
        subtype = parts[1]
    }

    /// Whether a concrete MIME type (parameters like `;charset=…` ignored, case-insensitive) matches.
    public func matches(_ mimeType: String) -> Bool {
        let essence = mimeType.split(separator: ";", maxSplits: 1).first ?? ""
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let t = parts[0].trimmingSpaces()
        let s = parts[1].trimmingSpaces()
        guard !t.isEmpty, !s.isEmpty else { return false }
        if type == "*" { return true }
        guard t.lowercased() == type.lowercased() else { return false }
        return subtype == "*" || s.lowercased() == subtype.lowercased()
    }

    public var description: String { rawValue }

    /// Whether every MIME type `other` matches is matched by this pattern (`image/*` covers `image/png`).
    public func covers(_ other: MIMEPattern) -> Bool {
        if rawValue == "*/*" { return true }
        if rawValue.hasSuffix("/*") {
            let prefix = rawValue.dropLast(1).lowercased()
            return other.rawValue != "*/*" && other.rawValue.lowercased().hasPrefix(prefix)
        }
        return !other.rawValue.contains("*") && matches(other.rawValue)
    }

    private static func isToken(_ part: Substring) -> Bool {
        part.utf8.allSatisfy { byte in
            // RFC 6838 restricted-name characters, plus the glob star.
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "!#$&-^_.+*".utf8.contains(byte)
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP optional whitespace).
    public func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}
