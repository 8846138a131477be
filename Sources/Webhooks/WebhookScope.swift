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

    /// Whether `value` matches `pattern`, where `*` is any run of characters. Linear: see ``glob(_:matches:steps:)``.
    package static func glob(_ pattern: String, matches value: String) -> Bool {
        var steps = 0
        return glob(pattern, matches: value, steps: &steps)
    }

    /// The most steps one glob match takes: `4 × (pattern bytes + value bytes)` (the pattern split at its stars,
    /// each literal piece found by Knuth–Morris–Pratt, leftmost first, which is exact for `*`-only globs). For a
    /// scope's collection (at most 253 bytes) against an NSID (at most 317), at most 2,280 steps, whatever the
    /// pattern: no backtracking.
    package static func stepBound(pattern: Int, value: Int) -> Int { 4 * (pattern + value) }

    /// ``glob(_:matches:)``, counting its steps (tests hold the count to ``stepBound(pattern:value:)``).
    package static func glob(_ pattern: String, matches value: String, steps: inout Int) -> Bool {
        guard pattern.utf8.contains(UInt8(ascii: "*")) else {
            steps += min(pattern.utf8.count, value.utf8.count)
            return pattern == value
        }
        let p = Array(pattern.utf8)
        let v = Array(value.utf8)
        let pieces = p.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
        // pieces.first must start the value, pieces.last must end it; the rest are found in order between them.
        let head = pieces.first!
        let tail = pieces.last!
        guard head.count + tail.count <= v.count else { return false }
        steps += head.count + tail.count
        guard v.starts(with: head), v[(v.count - tail.count)...].elementsEqual(tail) else { return false }
        var position = head.count
        let end = v.count - tail.count
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = Self.find(piece, in: v, from: position, to: end, steps: &steps) else { return false }
            position = found + piece.count
        }
        return true
    }

    /// The first index ≥ `from` where `needle` occurs entirely before `to` (Knuth–Morris–Pratt: at most
    /// `2 × needle + 2 × (to − from)` steps).
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, to: Int, steps: inout Int) -> Int? {
        guard to - from >= needle.count else { return nil }
        var failure = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<max(1, needle.count) {
            while k > 0 && needle[i] != needle[k] {
                k = failure[k - 1]
                steps += 1
            }
            if needle[i] == needle[k] { k += 1 }
            failure[i] = k
            steps += 1
        }
        var matched = 0
        var i = from
        while i < to {
            while matched > 0 && haystack[i] != needle[matched] {
                matched = failure[matched - 1]
                steps += 1
            }
            if haystack[i] == needle[matched] { matched += 1 }
            steps += 1
            if matched == needle.count { return i - needle.count + 1 }
            i += 1
        }
        return nil
    }

    static func isGlobCharacter(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2A || c == 0x2D
    }
}
