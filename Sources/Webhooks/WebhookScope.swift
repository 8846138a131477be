import Lexicon

/// What a webhook watches: `at://DID` (every collection), `at://DID/COLLECTION` or `at://DID/COLLECTION/RKEY`.
/// The collection may be a glob, as wisp.place's matcher allows: `*` matches any run of characters, dots
/// included (`app.bsky.feed.*`, `*.post`, `*`); everything else is literal.
public struct WebhookScope: Sendable, Hashable {
    public let did: String
    public let collection: String?
    public let rkey: String?

    /// Parses a scope; `nil` for anything else (handles as authority, query strings, fragments, bad parts).
    public init?(_ aturi: String) {
        guard aturi.hasPrefix("at://"), aturi.utf8.count <= 2_048 else { return nil }
        let parts = aturi.dropFirst("at://".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let authority = parts.first, DID.isValid(String(authority)), parts.count <= 3 else { return nil }
        did = String(authority)
        collection = parts.count > 1 ? String(parts[1]) : nil
        rkey = parts.count > 2 ? String(parts[2]) : nil
        if let collection {
            if collection.contains("*") {
                // A glob: wisp's character set, 1–253 of [A-Za-z0-9.*-].
                guard (1...253).contains(collection.utf8.count), collection.utf8.allSatisfy(Self.isGlobCharacter) else { return nil }
            } else if !NSID.isValid(collection) {
                return nil
            }
        }
        if let rkey, !RecordKey.isValid(rkey) { return nil }
        if collection.map({ !$0.contains("*") }) ?? true, !ATURI.isValid(aturi) { return nil }
    }

    /// Whether a record event at `did/collection/rkey` is in scope.
    public func matches(did: String, collection: String, rkey: String) -> Bool {
        did == self.did && (self.collection.map { Self.glob($0, matches: collection) } ?? true) && (self.rkey == nil || self.rkey == rkey)
    }

    /// Whether a reference found in a record (`at://DID[/COLLECTION[/RKEY]]`) points into this scope: the same
    /// DID; if the scope names a collection, the reference names one that matches; if it names a record key,
    /// the same one.
    public func contains(reference: WebhookScope) -> Bool {
        guard reference.did == did else { return false }
        guard let collection else { return true }
        guard let referenced = reference.collection, Self.glob(collection, matches: referenced) else { return false }
        return rkey == nil || reference.rkey == rkey
    }

    /// Whether `value` matches `pattern`, where `*` is any run of characters (greedy with backtracking, linear in
    /// practice: patterns are at most 253 bytes).
    package static func glob(_ pattern: String, matches value: String) -> Bool {
        guard pattern.contains("*") else { return pattern == value }
        let p = Array(pattern.utf8)
        let v = Array(value.utf8)
        var (i, j) = (0, 0)
        var star: Int? = nil
        var resume = 0
        while j < v.count {
            if i < p.count, p[i] == UInt8(ascii: "*") {
                star = i
                resume = j
                i += 1
            } else if i < p.count, p[i] == v[j] {
                i += 1
                j += 1
            } else if let s = star {
                i = s + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }

    static func isGlobCharacter(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2A || c == 0x2D
    }
}
