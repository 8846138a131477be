import Foundation
import Jetstream
import Lexicon
import SigilFuzz
import Testing

@testable import Webhooks

/// `scope.backlinks` and collection globs, matched as wisp.place's webhook service does.
@Suite("Backlinks and collection globs")
struct BacklinkTests {
    static let target = "did:plc:targetaaaaaaaaaaaaaaaaaa"
    static let other = "did:plc:otheraaaaaaaaaaaaaaaaaaaa"

    func webhook(_ rkey: String, scope: String, backlinks: Bool = false, events: [String]? = nil) throws -> ActiveWebhook {
        var record: [String: JSONValue] = ["url": "https://example.com/h", "scope": ["aturi": .string(scope), "backlinks": .bool(backlinks)]]
        if let events { record["events"] = .array(events.map(JSONValue.string)) }
        return try ActiveWebhook(owner: Self.target, rkey: rkey, record: .object(record))
    }

    @Test(arguments: [
        ("app.bsky.feed.*", "app.bsky.feed.post", true), ("app.bsky.feed.*", "app.bsky.feed.like", true),
        ("app.bsky.feed.*", "app.bsky.graph.follow", false), ("*.post", "app.bsky.feed.post", true), ("*", "anything.at.all", true),
        ("app.*.post", "app.bsky.feed.post", true), ("app.*.post", "app.bsky.feed.like", false), ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false), ("app.bsky.feed.post", "app.bsky.feed.post", true), ("app.bsky.feed.post", "app.bsky.feed.posts", false),
    ])
    func collectionGlobs(_ pattern: String, _ collection: String, _ expected: Bool) throws {
        let scope = try #require(WebhookScope("at://\(Self.target)/\(pattern)"))
        #expect(scope.matches(did: Self.target, collection: collection, rkey: "r") == expected)
        #expect(!scope.matches(did: Self.other, collection: collection, rkey: "r"))
    }

    @Test(arguments: [
        "at://did:plc:x/app.bsky.feed.?", "at://did:plc:x/app bsky", "at://did:plc:x/" + String(repeating: "*", count: 254),
        "at://handle.example/app.bsky.feed.*", "at://did:plc:x/app.*/r/extra", "https://did:plc:x/*",
    ])
    func badScopesAreRefused(_ aturi: String) {
        #expect(WebhookScope(aturi) == nil, "\(aturi)")
    }

    /// The adversarial patterns for a backtracking matcher (`*a*a*…*b` against `aaa…`, and their kin) run within
    /// the stated bound, counted in steps, not timed.
    @Test(arguments: [
        (String(repeating: "a*", count: 126) + "b", String(repeating: "a", count: 317)),
        ("*" + String(repeating: "a", count: 120) + "b*", String(repeating: "a", count: 317)),
        (String(repeating: "*aab", count: 63), String(repeating: "aaba", count: 79)),
        (String(repeating: "a*", count: 2_000) + "b", String(repeating: "a", count: 4_000)),
    ])
    func globsRunWithinTheirStatedBound(_ pattern: String, _ value: String) {
        var steps = 0
        let matched = WebhookScope.glob(pattern, matches: value, steps: &steps)
        #expect(matched == Self.globModel(Array(pattern.utf8), Array(value.utf8)))
        #expect(steps <= WebhookScope.stepBound(pattern: pattern.utf8.count, value: value.utf8.count), "\(steps) steps")
    }

    /// Agrees with a dynamic-programming model on every pattern and value over a small alphabet, up to length 6.
    @Test func globAgreesWithAModel() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let pattern = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in "ab*.".randomElement(using: &generator)! })
            let value = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in "ab.".randomElement(using: &generator)! })
            #expect(WebhookScope.glob(pattern, matches: value) == Self.globModel(Array(pattern.utf8), Array(value.utf8)), "\(pattern) \(value)")
        }
    }

    /// The fuzz target's model: the textbook table, O(pattern × value).
    static func globModel(_ p: [UInt8], _ v: [UInt8]) -> Bool { WebhookScopeTargets.globModel(p, v) }

    @Test func referencesAreWholeStringValuesNeverProse() {
        let record: JSONValue = [
            "subject": ["uri": .string("at://\(Self.target)/app.bsky.feed.post/3k1")],
            "text": .string("see at://\(Self.target)/app.bsky.feed.post/3k2 for more"),
            "list": [.string("at://\(Self.other)/app.bsky.graph.list/l1)."), "not a uri", .integer(5)],
            "again": .string("at://\(Self.target)/app.bsky.feed.post/3k1"),
            "glob": .string("at://\(Self.target)/app.*"),
        ]
        let found = BacklinkReferences.of(record).map { "at://\($0.did)/\($0.collection ?? "")/\($0.rkey ?? "")" }
        #expect(Set(found) == ["at://\(Self.other)/app.bsky.graph.list/l1", "at://\(Self.target)/app.bsky.feed.post/3k1"])
        #expect(found.count == 2, "duplicates are counted once")
    }

    @Test func theWalkIsBounded() {
        // Deeper than 32 levels: not looked at.
        var deep: JSONValue = .string("at://\(Self.target)")
        for _ in 0..<40 { deep = .array([deep]) }
        #expect(BacklinkReferences.of(deep).isEmpty)
        // More than 256 references: the first 256.
        let many = JSONValue.array((0..<1_000).map { .string("at://\(Self.target)/app.bsky.feed.post/r\($0)") })
        #expect(BacklinkReferences.of(many).count == BacklinkReferences.maxReferences)
        // Past 256 KiB of strings: stops.
        let big = JSONValue.array([.string(String(repeating: "x", count: 300_000)), .string("at://\(Self.target)")])
        #expect(BacklinkReferences.of(big).isEmpty)
        // A huge flat record: at most 2,048 values are looked at.
        let wide = JSONValue.array(Array(repeating: .integer(1), count: 5_000) + [.string("at://\(Self.target)")])
        #expect(BacklinkReferences.of(wide).isEmpty)
    }

    @Test func backlinkWebhooksFireForRecordsThatReferToTheirScope() throws {
        let index = WebhookIndex()
        index.put(try webhook("posts", scope: "at://\(Self.target)/app.bsky.feed.post", backlinks: true, events: ["create"]))
        index.put(try webhook("one", scope: "at://\(Self.target)/app.bsky.feed.post/3k1", backlinks: true))
        index.put(try webhook("all", scope: "at://\(Self.target)", backlinks: true))
        index.put(try webhook("direct", scope: "at://\(Self.target)"))
        func names(_ operation: RecordOperation, by did: String = Self.other, _ record: JSONValue?) -> Set<String> {
            Set(index.matching(operation, did: did, collection: "app.bsky.feed.like", rkey: "l1", record: record).map(\.rkey))
        }
        let like: JSONValue = ["subject": ["uri": .string("at://\(Self.target)/app.bsky.feed.post/3k1")]]
        #expect(names(.create, like) == ["posts", "one", "all"])
        #expect(names(.update, like) == ["one", "all"], "events still filter")
        let otherPost: JSONValue = ["subject": ["uri": .string("at://\(Self.target)/app.bsky.feed.post/3k9")]]
        #expect(names(.create, otherPost) == ["posts", "all"])
        let profile: JSONValue = ["subject": .string("at://\(Self.target)")]
        #expect(names(.create, profile) == ["all"], "a reference without a collection is only in a scope without one")
        #expect(names(.create, nil).isEmpty, "deletes carry no record: no backlinks")
        #expect(names(.create, ["text": .string("at://\(Self.target)/app.bsky.feed.post/3k1 is great")]).isEmpty)
        // The target's own record: the direct scope and the backlink scope both match, once each.
        #expect(names(.create, by: Self.target, like) == ["direct", "all", "posts", "one"])
        index.remove(owner: Self.target, rkey: "all")
        #expect(names(.create, profile).isEmpty)
    }
}
