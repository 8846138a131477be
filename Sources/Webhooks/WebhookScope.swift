import Lexicon

/// What a webhook watches: `at://DID` (every collection), `at://DID/COLLECTION` or `at://DID/COLLECTION/RKEY`.
public struct WebhookScope: Sendable, Hashable {
    public let did: String
    public let collection: String?
    public let rkey: String?

    /// Parses a scope; `nil` for anything else (handles as authority, query strings, fragments, bad parts).
    public init?(_ aturi: String) {
        guard aturi.hasPrefix("at://"), ATURI.isValid(aturi) else { return nil }
        let parts = aturi.dropFirst("at://".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let authority = parts.first, DID.isValid(String(authority)), parts.count <= 3 else { return nil }
        did = String(authority)
        collection = parts.count > 1 ? String(parts[1]) : nil
        rkey = parts.count > 2 ? String(parts[2]) : nil
        if let collection, !NSID.isValid(collection) { return nil }
        if let rkey, !RecordKey.isValid(rkey) { return nil }
    }

    /// Whether a record event at `did/collection/rkey` is in scope.
    public func matches(did: String, collection: String, rkey: String) -> Bool {
        did == self.did && (self.collection == nil || self.collection == collection) && (self.rkey == nil || self.rkey == rkey)
    }
}
