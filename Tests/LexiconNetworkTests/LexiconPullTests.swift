import ATData
import Foundation
import Lexicon
import SigilTestSupport
import Testing

@testable import LexiconNetwork

/// `pull` writes verified schemas and pins them; `check` names every pin that no longer holds.
@Suite struct LexiconPullTests {
    static let author = LexiconResolutionTests.author
    static let other = LexiconResolutionTests.other
    static let txt = LexiconResolutionTests.txt

    func withPuller(_ body: @Sendable @escaping (LexiconWorld, LexiconPuller) async throws -> Void) async throws {
        let world = try LexiconWorld()
        let directory = temporaryDirectory("lexicon-pull")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema("com.example.feed.post"), recordSchema("com.example.feed.like")])
            await world.setTXT(Self.txt, ["did=\(Self.author)"])
            try await world.withResolver { resolver in try await body(world, LexiconPuller(resolver: resolver, directory: directory)) }
        }
    }

    @Test func aPullPinsEverySchemaAndTheCheckGoesRedWhenOneIsRepublished() async throws {
        try await withPuller { world, puller in
            let pulled = try await puller.pull(["com.example.feed.*"])
            #expect(pulled.map(\.lexicon.nsid).sorted() == ["com.example.feed.like", "com.example.feed.post"])
            let lock = try #require(try LexiconLock.read(directory: puller.directory))
            #expect(lock.pins.count == 2)
            #expect(
                lock.pins["com.example.feed.post"]
                    == .init(did: Self.author, cid: try LexiconLock.recordCID(of: recordSchema("com.example.feed.post"))))
            // The files load, and match their pins.
            let sources = try LexiconCatalog.sources(inDirectory: puller.directory)
            #expect(sources.count == 2)
            #expect(lock.problems(in: sources, directory: puller.directory).isEmpty)
            #expect(try await puller.check() == [])

            // The author republishes one schema: the check names it, and only it.
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema("com.example.feed.post", maxLength: 500)])
            let problems = try await puller.check()
            #expect(problems.count == 1)
            #expect(problems.first?.hasPrefix("com.example.feed.post: the published schema is now") == true, "\(problems)")

            // A pull takes the new version; the check holds again. Then a local edit is named.
            let again = try await puller.pull(["com.example.feed.post"])
            #expect(again.first?.changed == true)
            #expect(try await puller.check() == [])
            let path = LexiconLock.path(of: "com.example.feed.like", in: puller.directory)
            try Data((recordSchema("com.example.feed.like", maxLength: 10).prettyJSON).utf8).write(to: URL(fileURLWithPath: path))
            let edited = try await puller.check()
            #expect(edited.count == 1)
            #expect(edited.first?.contains("com.example.feed.like differs from its pin") == true, "\(edited)")
        }
    }

    /// One NSID that does not resolve: nothing is written, and the refusal names it.
    @Test func aPullWritesNothingUnlessEverySchemaResolves() async throws {
        try await withPuller { _, puller in
            do {
                _ = try await puller.pull(["com.example.feed.post", "com.example.feed.ghost"])
                Issue.record("the pull succeeded")
            } catch let error as LexiconPuller.Failure {
                #expect(error.refusals.map { $0.nsid } == ["com.example.feed.ghost"])
            }
            #expect(!FileManager.default.fileExists(atPath: LexiconLock.path(of: "com.example.feed.post", in: puller.directory)))
            #expect(try LexiconLock.read(directory: puller.directory) == nil)
        }
    }

    /// The authority's TXT record moves to another account that publishes the same NSID: the pin refuses it, on
    /// pull and on check, and the pinned file stays.
    @Test func aPinnedSchemaMustStillComeFromItsAccount() async throws {
        try await withPuller { world, puller in
            _ = try await puller.pull(["com.example.feed.post"])
            try await world.publish(Self.other, seed: 12, schemas: [recordSchema("com.example.feed.post", maxLength: 5)])
            await world.setTXT(Self.txt, ["did=\(Self.other)"])
            do {
                _ = try await puller.pull(["com.example.feed.post"])
                Issue.record("the pull took another account's schema")
            } catch let error as LexiconPuller.Failure {
                #expect(error.description.contains("names \(Self.other), not \(Self.author)"), "\(error)")
            }
            let problems = try await puller.check()
            #expect(problems.count == 1 && problems[0].contains("names \(Self.other), not \(Self.author)"), "\(problems)")
            let file = try JSONValue(
                parsing: [UInt8](
                    try #require(FileManager.default.contents(atPath: LexiconLock.path(of: "com.example.feed.post", in: puller.directory)))))
            #expect(file == recordSchema("com.example.feed.post"))
        }
    }
}
