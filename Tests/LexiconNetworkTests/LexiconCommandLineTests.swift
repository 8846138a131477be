import Foundation
import Lexicon
import SigilTestSupport
import Testing

@testable import LexiconNetwork

/// The network commands as an author runs them: `sigil lexicon resolve`, `pull`, `pull --check`, `check`,
/// `check-dns` and `publish`, each a child `sigil` against the stand-in world.
@Suite(.serialized, .tags(.process), .kinds(.process)) struct LexiconCommandLineTests {
    static let author = LexiconResolutionTests.author
    static let other = LexiconResolutionTests.other

    @Test func anAuthorResolvesPullsChecksAndPublishes() async throws {
        let world = try LexiconWorld()
        let scratch = temporaryDirectory("lexicon-cli")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema("com.example.feed.post"), recordSchema("com.example.feed.like")])
            await world.setTXT(LexiconResolutionTests.txt, ["did=\(Self.author)"])
            let environment = [
                "SIGIL_DNS_SERVER": world.dns.server, "SIGIL_PLC_URL": await world.base + "/plc", "SIGIL_CONFIG_DIR": scratch + "/config",
                "SIGIL_APP_PASSWORD": "app-password",
            ]
            func sigil(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
                try await runSigil(["lexicon"] + arguments + ["--insecure-loopback"], environment: environment)
            }

            // resolve: the schema and where it came from; a missing one is the named refusal, exit 1.
            let resolved = try await sigil(["resolve", "com.example.feed.post", "--json"])
            #expect(resolved.status == 0, "\(resolved.stderr)")
            let json = try JSONValue(parsing: Array(resolved.stdout.utf8))
            #expect(json["did"] == .string(Self.author))
            #expect(json["cid"] == .string(try LexiconLock.recordCID(of: recordSchema("com.example.feed.post")).description))
            #expect(json["schema"] == recordSchema("com.example.feed.post"))
            let missing = try await sigil(["resolve", "com.example.feed.ghost", "--json"])
            #expect(missing.status == 1)
            #expect(try JSONValue(parsing: Array(missing.stdout.utf8))["error"] == "record-absent")

            // pull, then --check holds; the author republishes: --check exits 1 naming the NSID.
            let directory = scratch + "/lexicons"
            let pulled = try await sigil(["pull", "com.example.feed.*", "--dir", directory])
            #expect(pulled.status == 0, "\(pulled.stderr)")
            #expect(pulled.stdout.contains("com.example.feed.like\tnew") && pulled.stdout.contains("com.example.feed.post\tnew"), "\(pulled.stdout)")
            #expect(try await sigil(["pull", "--check", "--dir", directory]).status == 0)
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema("com.example.feed.post", maxLength: 50)])
            let red = try await sigil(["pull", "--check", "--dir", directory])
            #expect(red.status == 1)
            #expect(red.stdout.hasPrefix("com.example.feed.post: the published schema is now"), "\(red.stdout)")

            // A file edited after the pull: loading the directory names it.
            let like = LexiconLock.path(of: "com.example.feed.like", in: directory)
            try Data(recordSchema("com.example.feed.like", maxLength: 7).prettyJSON.utf8).write(to: URL(fileURLWithPath: like))
            let check = try await runSigil(["lexicon", "check", directory], environment: environment)
            #expect(check.status != 0)
            #expect((check.stdout + check.stderr).contains("com.example.feed.like differs from its pin"), "\(check.stdout) \(check.stderr)")

            // check-dns: the record names the author; asked for another DID it fails.
            #expect(try await sigil(["check-dns", "com.example.feed", "--did", Self.author]).status == 0)
            let wrong = try await sigil(["check-dns", "com.example.feed", "--did", Self.other])
            #expect(wrong.status == 1)
            #expect(wrong.stdout.contains("FAIL: names \(Self.author), not \(Self.other)"))

            // scope --resolve: a login's include: of a permission set published on the network, expanded.
            try await world.publish(
                Self.author, seed: 11,
                schemas: [LexiconPublishTests.permissionSet([["type": "permission", "resource": "repo", "collection": ["com.example.feed.post"]]])])
            let scope = try await sigil(["scope", "include:com.example.feed.auth", "--resolve"])
            #expect(scope.status == 0, "\(scope.stderr)")
            #expect(scope.stdout.contains("write com.example.feed.post create"), "\(scope.stdout)")
            let unresolved = try await sigil(["scope", "include:com.example.feed.nothing", "--resolve"])
            #expect(unresolved.status == 2)
            #expect(unresolved.stderr.contains("include:com.example.feed.nothing does not resolve"), "\(unresolved.stderr)")

            // publish: a breaking change is refused with nothing written; a compatible set goes out once.
            let drafts = scratch + "/drafts"
            func write(_ schema: JSONValue) throws {
                let path = LexiconLock.path(of: schema["id"]?.stringValue ?? "", in: drafts)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(schema.prettyJSON.utf8).write(to: URL(fileURLWithPath: path))
            }
            try write(recordSchema("com.example.feed.post", maxLength: 10))
            let refused = try await sigil(["publish", drafts, "--account", Self.author])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("refused: breaking:"), "\(refused.stderr)")
            try write(recordSchema("com.example.feed.post", maxLength: 50, description: "Posts."))
            try write(recordSchema("com.example.feed.repost"))
            let dry = try await sigil(["publish", drafts, "--account", Self.author, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("preflight passed: 2 to publish"), "\(dry.stdout)")
            #expect(await world.puts.isEmpty)
            let published = try await sigil(["publish", drafts, "--account", Self.author])
            #expect(published.status == 0, "\(published.stderr)")
            #expect(await world.puts == ["com.example.feed.post", "com.example.feed.repost"])
            let again = try await sigil(["publish", drafts, "--account", Self.author])
            #expect(again.status == 0)
            #expect(again.stdout.contains("published 0 schemas"), "\(again.stdout)")
            #expect(await world.puts.count == 2)
        }
    }
}
