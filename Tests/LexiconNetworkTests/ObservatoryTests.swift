import Foundation
import Jetstream
import Lexicon
import LexiconNetwork
import Logging
import SigilTestSupport
import Testing

@testable import Observatory

/// The observatory's counts, exactly, for a mix of valid records, each kind of invalid one, an unresolvable
/// collection and a lexicon published mid-stream; a restart that counts nothing twice; what-if drafts; bounded
/// memory.
@Suite struct ObservatoryTests {
    static let author = LexiconResolutionTests.author
    static let writer = "did:plc:writeraaaaaaaaaaaaaaaaaa"
    static let post = "com.example.feed.post"
    static let like = "com.example.feed.like"

    /// A world where the author publishes `com.example.feed.post`; an observatory on a fresh store.
    func withObservatory(
        local: [LexiconSource] = [], limits: ObservatoryLimits = Self.testLimits, deadline: Duration = .seconds(15),
        _ body: @Sendable @escaping (LexiconWorld, LexiconResolver, String) async throws -> Void
    ) async throws {
        let world = try LexiconWorld()
        let directory = temporaryDirectory("observatory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema(Self.post)])
            await world.setTXT(LexiconResolutionTests.txt, ["did=\(Self.author)"])
            var resolverLimits = LexiconResolver.Limits.roomy
            resolverLimits.failureTTL = .zero
            // Long enough for a loaded machine (a full parallel test run); the hanging-PDS tests pass a short one.
            resolverLimits.deadline = deadline
            try await world.withResolver(limits: resolverLimits) { resolver in try await body(world, resolver, directory + "/observatory.sqlite") }
        }
    }

    static var testLimits: ObservatoryLimits {
        var limits = ObservatoryLimits()
        limits.firstRetry = .zero
        return limits
    }

    static func event(_ time: Int64, _ collection: String, _ record: JSONValue?, operation: String = "create", rkey: String? = nil) -> JSONValue {
        // Records carry their $type, as on the network.
        var typed = record
        if case .object(var fields)? = record, fields["$type"] == nil {
            fields["$type"] = .string(collection)
            typed = .object(fields)
        }
        return commitEvent(did: writer, time: time, operation: operation, collection: collection, rkey: rkey ?? "3k\(time)", record: typed)
    }

    /// The mix: 3 valid posts, 3 invalid ones (too long, missing text, not a string), a delete, a record of a
    /// collection nobody publishes, and likes before and after the like lexicon is published.
    static var mix: [JSONValue] {
        [
            event(1_000, post, ["text": "hello"]),
            event(1_001, post, ["text": .string(String(repeating: "x", count: 301))]),
            event(1_002, post, ["text": "again"]),
            event(1_003, post, [:]),
            event(1_004, post, ["text": 42]),
            event(1_005, post, nil, operation: "delete"),
            event(1_006, "org.nowhere.app.thing", ["a": 1]),
            event(1_007, post, ["text": "third"]),
            event(1_008, like, ["text": "early"]),
        ]
    }

    func feed(_ observatory: Observatory, _ events: [JSONValue]) async throws {
        for event in events { try await observatory.process(event) }
        await observatory.settle()
    }

    @Test func everyRecordIsCountedExactlyAndALexiconPublishedMidStreamIsPickedUp() async throws {
        try await withObservatory { world, resolver, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            try await feed(observatory, Self.mix)
            let post = try #require(observatory.collection(Self.post))
            #expect(post.total == Tally(seen: 6, valid: 3, invalid: 3, unresolvable: 0))
            #expect(post.lexicon?.did == Self.author && post.lexicon?.source == "network")
            #expect(post.violations.count == 3, "\(post.violations.keys)")
            // Too long, and not a string: two rules at one path; the missing property at the root.
            #expect(post.topViolations.filter { $0.path == "/text" }.count == 2, "\(post.topViolations.map { ($0.rule, $0.path) })")
            #expect(post.topViolations.filter { $0.path == "" }.count == 1, "\(post.topViolations.map { ($0.rule, $0.path) })")
            #expect(
                post.violations.values.allSatisfy { $0.examples.count == 1 && $0.examples[0].uri.hasPrefix("at://\(Self.writer)/\(Self.post)/3k") })
            let tooLong = try #require(post.violations.values.first { $0.examples[0].uri.hasSuffix("3k1001") })
            #expect(tooLong.examples[0].value.hasSuffix("…") && tooLong.examples[0].value.count == 121)
            let nowhere = try #require(observatory.collection("org.nowhere.app.thing"))
            #expect(nowhere.total == Tally(seen: 1, unresolvable: 1))
            #expect(nowhere.reasons["no-txt"]?.count == 1)
            let earlyLike = try #require(observatory.collection(Self.like))
            #expect(earlyLike.total == Tally(seen: 1, unresolvable: 1))
            #expect(earlyLike.reasons["record-absent"]?.count == 1)

            // The author publishes the like lexicon: the next like is resolved again and validated.
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema(Self.like)])
            try await feed(observatory, [Self.event(1_009, Self.like, ["text": "late"]), Self.event(1_010, Self.like, ["nope": 1])])
            let like = try #require(observatory.collection(Self.like))
            #expect(like.total == Tally(seen: 3, valid: 1, invalid: 1, unresolvable: 1))
            #expect(like.lexicon?.did == Self.author)
        }
    }

    /// Half the stream, a flush, a new process on the same store fed the whole stream again (a reconnect's
    /// rewind from the start): the counts are those of one pass. A record held while its lexicon was being
    /// resolved survives the restart and is counted once.
    @Test func aRestartResumesFromTheCursorWithoutCountingTwice() async throws {
        try await withObservatory { world, resolver, path in
            let once = try await Observatory(
                store: try ObservatoryStore(path: path + ".once"), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            try await feed(once, Self.mix)

            let first = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            try await feed(first, Array(Self.mix.prefix(5)))
            // A record whose lexicon resolution hangs is held when the flush comes.
            await world.plant("com.example.feed.slow", status: 0, body: [])
            try await first.process(Self.event(1_005, "com.example.feed.slow", ["text": "held"]))
            #expect(first.heldCount == 1)
            try await first.flush()

            await world.plant("com.example.feed.slow", status: 400, body: Array(#"{"error":"RecordNotFound"}"#.utf8))
            let second = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            #expect(try await second.cursor() == 1_005)
            try await feed(second, Self.mix)
            #expect(second.collection(Self.post) == once.collection(Self.post))
            #expect(second.collection("org.nowhere.app.thing")?.total == once.collection("org.nowhere.app.thing")?.total)
            #expect(second.collection(Self.like)?.total == once.collection(Self.like)?.total)
            #expect(second.collection("com.example.feed.slow")?.total == Tally(seen: 1, unresolvable: 1))
            #expect(second.heldCount == 0)
            try await second.flush()
            let third = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            #expect(third.collection(Self.post) == once.collection(Self.post))
        }
    }

    /// What-if: a draft with a tighter limit, given locally, is what the records are checked against.
    @Test func draftsGivenLocallyReplaceThePublishedSchema() async throws {
        let draft = recordSchema(Self.post, maxLength: 4)
        let source = LexiconSource(name: "drafts/post.json", bytes: draft.serialized(), expectedID: Self.post)
        try await withObservatory { _, resolver, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(local: [source], resolver: resolver), limits: Self.testLimits)
            try await feed(observatory, Self.mix)
            let post = try #require(observatory.collection(Self.post))
            #expect(post.lexicon?.source == "local")
            // hello (5), again (5) and third (5) are now too long as well.
            #expect(post.total == Tally(seen: 6, valid: 0, invalid: 6, unresolvable: 0))
        }
    }

    /// 10,000 collections no one publishes, one record each: every record counted, memory bounded by the limits
    /// (collections past the cap share one row; held records never exceed their cap).
    @Test func tenThousandCollectionsStayWithinTheLimits() async throws {
        var tight = Self.testLimits
        tight.maxCollections = 5_000
        tight.pendingTotal = 500
        let limits = tight
        try await withObservatory(limits: limits) { _, _, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: nil), limits: limits)
            for index in 0..<10_000 {
                try await observatory.process(Self.event(Int64(10_000 + index), "org.crowd.n\(index).thing", ["i": .integer(Int64(index))]))
                #expect(observatory.heldCount <= 500)
            }
            await observatory.settle()
            let collections = observatory.snapshot()
            #expect(collections.count == 5_001)
            #expect(collections.reduce(0) { $0 + $1.total.seen } == 10_000)
            #expect(observatory.collection(ObservatoryLimits.overflowCollection)?.total.seen == 5_000)
            try await observatory.flush()
        }
    }
}

extension ObservatoryTests {
    /// A collection whose lexicon's PDS hangs does not hold up the stream: records of other collections are
    /// counted while its record waits, and it is counted once the PDS answers.
    @Test func aHangingResolutionNeverSlowsTheStream() async throws {
        try await withObservatory { world, resolver, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            try await feed(observatory, [Self.event(1, Self.post, ["text": "warm"])])
            await world.plant("com.example.feed.slow", status: 0, body: [])
            try await observatory.process(Self.event(2, "com.example.feed.slow", ["text": "waits"]))
            for time in 3...5 { try await observatory.process(Self.event(Int64(time), Self.post, ["text": "flows"])) }
            #expect(observatory.collection(Self.post)?.total.valid == 4)
            #expect(observatory.heldCount == 1)
            #expect(observatory.collection("com.example.feed.slow")?.pending == 1)
            // The PDS answers at last (the record is absent): the held record is counted.
            await world.unplant("com.example.feed.slow")
            await observatory.settle()
            #expect(observatory.heldCount == 0)
            #expect(observatory.collection("com.example.feed.slow")?.total == Tally(seen: 1, unresolvable: 1))
            #expect(observatory.collection("com.example.feed.slow")?.reasons["record-absent"]?.count == 1)
        }
    }
}

/// Several observers sharing one view in PostgreSQL: each adds what it counted; a restart of one resumes from its
/// own cursor and adds nothing twice.
@Suite(.tags(.postgres), .enabled(if: ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] != "1"))
struct ObservatorySharedViewTests {
    @Test func twoObserversBuildOneViewAndARestartAddsNothingTwice() async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"],
            "SIGIL_TEST_DATABASE_URL is not set: run through .ci/test, or SIGIL_SKIP_POSTGRES=1")
        let schema = "observatory_" + UUID().uuidString.prefix(8).lowercased()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let tests = ObservatoryTests()
        try await tests.withObservatory { _, resolver, _ in
            func observatory(_ name: String) async throws -> Observatory {
                try await Observatory(
                    store: try await ObservatoryPostgresStore(url: url, schema: schema, observer: name, logger: logger),
                    lexicons: ObservatoryLexicons(resolver: resolver), limits: ObservatoryTests.testLimits)
            }
            let post = ObservatoryTests.post
            let a = try await observatory("a")
            try await tests.feed(a, ObservatoryTests.mix)
            try await a.flush()
            let b = try await observatory("b")
            let more = [
                ObservatoryTests.event(5_000, post, ["text": "from b"]), ObservatoryTests.event(5_001, post, ["text": 7]),
            ]
            try await tests.feed(b, more)
            try await b.flush()
            try await a.refreshView()
            let shared = try #require(a.snapshot().first { $0.nsid == post })
            #expect(shared.total == Tally(seen: 8, valid: 4, invalid: 4, unresolvable: 0), "\(shared.reasons)")
            let notString = try #require(shared.violations.values.first { $0.rule.contains("string") })
            #expect(notString.count == 2 && notString.examples.count == 2, "\(notString)")

            // a restarts: its own cursor; the whole stream again adds nothing.
            let again = try await observatory("a")
            #expect(try await again.cursor() == 1_008)
            try await tests.feed(again, ObservatoryTests.mix)
            try await again.flush()
            try await again.refreshView()
            #expect(again.snapshot().first { $0.nsid == post }?.total == shared.total)
            #expect(again.snapshot().first { $0.nsid == "org.nowhere.app.thing" }?.total == Tally(seen: 1, unresolvable: 1))
        }
    }
}

extension ObservatoryTests {
    /// More collections of one authority than resolutions may run at once: every one is resolved in turn, none
    /// is left pending (a refused slot once left a collection held for good).
    @Test func manyCollectionsOfOneAuthorityAreAllResolved() async throws {
        var few = Self.testLimits
        few.resolutionConcurrency = 2
        let limits = few
        try await withObservatory(limits: limits) { _, resolver, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: limits)
            let names = [Self.post] + (0..<7).map { "com.example.feed.other\($0)" }
            try await feed(observatory, names.enumerated().map { Self.event(Int64(100 + $0.offset), $0.element, ["text": "x"]) })
            #expect(observatory.heldCount == 0)
            #expect(observatory.collection(Self.post)?.total == Tally(seen: 1, valid: 1))
            for name in names.dropFirst() { #expect(observatory.collection(name)?.total == Tally(seen: 1, unresolvable: 1), "\(name)") }
        }
    }

    /// What a record chooses (undeclared keys with NUL, control characters, megabytes of combining marks) is
    /// cleaned and capped before it becomes a violation's path, an example or a stored row.
    @Test func hostileRecordTextIsCleanedAndCapped() async throws {
        try await withObservatory { _, resolver, path in
            let observatory = try await Observatory(
                store: try ObservatoryStore(path: path), lexicons: ObservatoryLexicons(resolver: resolver), limits: Self.testLimits)
            let longKey = String(repeating: "k", count: 5_000) + "\u{0}\u{1B}[31m"
            let heavy = "a" + String(repeating: "\u{301}", count: 100_000) + String(repeating: "b", count: 400)
            try await feed(observatory, [Self.event(1, Self.post, ["text": .string(heavy)])])
            var post = try #require(observatory.collection(Self.post))
            #expect(post.total == Tally(seen: 1, invalid: 1))
            // A validator path through keys the record chose (as a union member's or a map's would be).
            post.record(
                ValidationError(path: "Record/" + longKey + "/x", reason: "must be \u{0}fine"), record: ["x": 1],
                uri: "at://did:plc:x/" + longKey, hour: 1, limits: Self.testLimits)
            for violation in post.violations.values {
                let texts = [violation.rule, violation.path] + violation.examples.flatMap { [$0.pointer, $0.value, $0.uri] }
                for text in texts {
                    #expect(!text.unicodeScalars.contains { $0.value < 0x20 }, "\(text.prefix(80))")
                    #expect(text.utf8.count <= 1_024, "\(text.utf8.count) bytes")
                }
            }
            try await observatory.flush()
        }
    }
}
