import ATData
import Foundation
import Lexicon
import OwnerClient
import SigilTestSupport
import Testing

@testable import LexiconNetwork

/// `publish`: every preflight failure refuses with its name and writes nothing; a clean run publishes new and
/// changed schemas only, and a second run publishes nothing.
@Suite struct LexiconPublishTests {
    static let author = LexiconResolutionTests.author
    static let other = LexiconResolutionTests.other
    static let txt = LexiconResolutionTests.txt

    /// The author has published `com.example.feed.post` (v1); `files` are the local directory.
    func withPublisher(
        files: [JSONValue], txt: [String]? = ["did=\(author)"],
        _ body: @Sendable @escaping (LexiconWorld, LexiconPublisher, String) async throws -> Void
    ) async throws {
        let world = try LexiconWorld()
        let directory = temporaryDirectory("lexicon-publish")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in files {
            let path = LexiconLock.path(of: file["id"]?.stringValue ?? "x", in: directory)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(file.prettyJSON.utf8).write(to: URL(fileURLWithPath: path))
        }
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema("com.example.feed.post")])
            try await world.publish(Self.other, seed: 12, schemas: [])
            await world.setTXT(Self.txt, txt)
            await world.clearPuts()
            try await world.withResolver { resolver in try await body(world, LexiconPublisher(resolver: resolver, did: Self.author), directory) }
        }
    }

    static func permissionSet(_ permissions: [JSONValue]) -> JSONValue {
        [
            "lexicon": 1, "id": "com.example.feed.auth",
            "defs": ["main": ["type": "permission-set", "title": "Feed", "permissions": .array(permissions)]],
        ]
    }

    /// Each preflight failure, the files that cause it, and a phrase its refusal must contain.
    static let refusals: [(scene: String, files: [JSONValue], txt: [String]?, phrase: String)] = [
        ("txt-missing", [recordSchema("com.example.feed.post")], nil, "dns: no TXT record did=… at _lexicon.feed.example.com"),
        ("txt-other-account", [recordSchema("com.example.feed.post")], ["did=\(other)"], "names \(other), not the signed-in \(author)"),
        ("does-not-load", [["lexicon": 1, "id": "com.example.feed.post", "defs": ["main": ["type": "nonsense"]]]], ["did=\(author)"], "load:"),
        (
            "lint-error",
            [
                [
                    "lexicon": 1, "id": "com.example.feed.post",
                    "defs": [
                        "main": [
                            "type": "record", "key": "tid",
                            "record": [
                                "type": "object",
                                "properties": ["kind": ["type": "string", "maxLength": 10, "knownValues": ["com.example.feed.post"]]],
                            ],
                        ]
                    ],
                ]
            ], ["did=\(author)"], "lint:"
        ),
        ("breaking", [recordSchema("com.example.feed.post", maxLength: 100)], ["did=\(author)"], "breaking:"),
        (
            "permission-outside-namespace",
            [
                recordSchema("com.example.feed.post"),
                permissionSet([["type": "permission", "resource": "repo", "collection": ["com.example.actor.profile"]]]),
            ], ["did=\(author)"], "outside the set's namespace authority"
        ),
        (
            "permission-unresolvable",
            [
                recordSchema("com.example.feed.post"),
                permissionSet([["type": "permission", "resource": "repo", "collection": ["com.example.feed.ghost"]]]),
            ], ["did=\(author)"], "names com.example.feed.ghost, which is not in the directory and does not resolve"
        ),
    ]

    @Test(arguments: refusals.indices)
    func eachPreflightFailureRefusesByName(_ index: Int) async throws {
        let (scene, files, txt, phrase) = Self.refusals[index]
        try await withPublisher(files: files, txt: txt) { world, publisher, directory in
            let plan = await publisher.preflight(directory: directory, allowBreaking: false)
            #expect(plan.problems.contains { $0.contains(phrase) }, "\(scene): \(plan.problems)")
            #expect(await world.puts.isEmpty)
        }
    }

    /// `--allow-breaking` turns the breaking change into a warning, and nothing else.
    @Test func allowBreakingLetsABreakingChangeThrough() async throws {
        try await withPublisher(files: [recordSchema("com.example.feed.post", maxLength: 100)]) { _, publisher, directory in
            let plan = await publisher.preflight(directory: directory, allowBreaking: true)
            #expect(plan.problems == [])
            #expect(plan.warnings.contains { $0.hasPrefix("breaking (allowed):") })
            #expect(plan.changed.map(\.nsid) == ["com.example.feed.post"])
        }
    }

    @Test func onlyNewAndChangedSchemasArePublishedAndASecondRunPublishesNothing() async throws {
        let files = [
            recordSchema("com.example.feed.post", maxLength: 300, description: "A post, now described."),  // changed, not breaking
            recordSchema("com.example.feed.like"),  // new
            Self.permissionSet([
                ["type": "permission", "resource": "repo", "collection": ["com.example.feed.post", "com.example.feed.like"]]
            ]),  // new
        ]
        try await withPublisher(files: files) { world, publisher, directory in
            let client = PDSClient(pds: await world.base)
            let session = try await client.createSession(identifier: Self.author, password: "app-password", handle: nil)
            let put: (String, JSONValue) async throws -> String = { nsid, record in
                try await client.putRecord(session, collection: "com.atproto.lexicon.schema", rkey: nsid, record: record)
            }
            let plan = await publisher.preflight(directory: directory, allowBreaking: false)
            #expect(plan.problems == [], "\(plan.problems)")
            #expect(plan.new.map(\.nsid) == ["com.example.feed.auth", "com.example.feed.like"])
            #expect(plan.changed.map(\.nsid) == ["com.example.feed.post"])
            _ = try await publisher.publish(plan, put: put)
            #expect(await world.puts == ["com.example.feed.auth", "com.example.feed.like", "com.example.feed.post"])

            await world.clearPuts()
            let second = await publisher.preflight(directory: directory, allowBreaking: false)
            #expect(second.problems == [])
            #expect(second.toPublish.isEmpty)
            #expect(second.unchanged == ["com.example.feed.auth", "com.example.feed.like", "com.example.feed.post"])
            _ = try await publisher.publish(second, put: put)
            #expect(await world.puts.isEmpty)
        }
    }
}
