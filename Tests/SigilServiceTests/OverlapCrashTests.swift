import Foundation
import Lexicon
import SigilService
import SigilTestSupport
import Testing
import WebhookSignature

/// A real `sigil serve` killed with SIGKILL in the middle of an overlap, after a revocation and after a window's
/// end: a restart never ends a live overlap early and never brings back an ended token. What signs is read
/// through the delivery worker's signing path (`sigil secrets sign --format standard`, another process on the
/// same store).
@Suite("Overlaps across crashes", .serialized, .tags(.process), .kinds(.process))
struct OverlapCrashTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-overlap-\(UUID().uuidString)").path
    static let body = #"{"event":"create"}"#

    func start() async throws -> (ServeProcess, String) {
        let server = try ServeProcess(["--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0"])
        return (server, "http://127.0.0.1:\(try await server.waitUntilListening())")
    }

    func crash(_ server: ServeProcess) async throws {
        kill(server.process.processIdentifier, SIGKILL)
        _ = try await server.waitForExit()
    }

    func call(_ base: String, _ identity: DevelopmentIdentity, _ nsid: String, _ body: String? = nil, query: String = "") async throws -> (
        Int, JSONValue
    ) {
        let jwt = try identity.token(audience: "did:web:localhost#sigil", lxm: nsid)
        let answer = try await fetch(
            "\(base)/xrpc/\(nsid)\(query)", method: body == nil ? .GET : .POST, body: body,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + jwt)])
        return (answer.status, (try? JSONValue(parsing: Array(answer.body.utf8))) ?? .null)
    }

    /// The tokens among `candidates` that the signing path signs with now (in the order of the header's entries),
    /// or nil when it signs nothing (the message on stderr).
    func signingTokens(_ identity: DevelopmentIdentity, _ candidates: [String]) async throws -> [String]? {
        let result = try await runSigil(
            [
                "secrets", "sign", "--did", identity.did, "--name", "hook", "--data-dir", directory,
                "--format", "standard", "--id", "msg_1", "--timestamp", "1700000000",
            ], stdin: Self.body)
        guard result.status == 0 else {
            #expect(result.stderr.contains("expired at"), "signs nothing for another reason: \(result.stderr)")
            return nil
        }
        let entries = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        return try entries.map { entry in
            try candidates.first {
                try WebhookSigner(token: $0).standardSignature(body: Array(Self.body.utf8), id: "msg_1", timestamp: 1_700_000_000) == entry
            }
                ?? "unknown"
        }
    }

    @Test func aCrashNeverEndsAnOverlapEarlyNorResurrectsAnEndedToken() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        var (server, base) = try await start()
        var logs = ""

        let created = try await call(base, identity, "place.wisp.v2.secret.create", #"{"name":"hook"}"#)
        let first = try #require(created.1["token"]?.stringValue)
        let rotated = try await call(base, identity, "dev.sigil.secret.rotate", #"{"name":"hook","overlapSeconds":3600}"#)
        #expect(rotated.0 == 200, "\(rotated.1)")
        let second = try #require(rotated.1["token"]?.stringValue)

        // Killed in the middle of the overlap: after the restart both still sign, newest first.
        try await crash(server)
        logs += server.stderr
        (server, base) = try await start()
        #expect(try await signingTokens(identity, [first, second]) == [second, first])
        #expect(try await call(base, identity, "dev.sigil.secret.get", query: "?name=hook").1["status"] == "overlapping")

        // Revoked, then killed at once: the previous token never comes back.
        #expect(try await call(base, identity, "dev.sigil.secret.revokePrevious", #"{"name":"hook"}"#).0 == 200)
        try await crash(server)
        logs += server.stderr
        #expect(try await signingTokens(identity, [first, second]) == [second])
        (server, base) = try await start()
        #expect(try await signingTokens(identity, [first, second]) == [second])

        // A short window that runs out while the server is down: ended for good.
        let short = try await call(base, identity, "dev.sigil.secret.rotate", #"{"name":"hook","overlapSeconds":1}"#)
        let third = try #require(short.1["token"]?.stringValue)
        try await crash(server)
        logs += server.stderr
        #expect(try await eventually(.seconds(10)) { try await signingTokens(identity, [second, third]) == [third] })
        (server, base) = try await start()
        #expect(try await signingTokens(identity, [second, third]) == [third])
        #expect(try await call(base, identity, "dev.sigil.secret.get", query: "?name=hook").1["status"] == "active")

        // Rotation by the token itself, through the real authenticator: once; the spent token is then a 401,
        // and a service JWT is no credential for it.
        func byToken(_ bearer: String) async throws -> (Int, JSONValue) {
            let answer = try await fetch(
                "\(base)/xrpc/dev.sigil.secret.rotateWithToken", method: .POST, body: "{}",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + bearer)])
            return (answer.status, (try? JSONValue(parsing: Array(answer.body.utf8))) ?? .null)
        }
        let byItself = try await byToken(third)
        #expect(byItself.0 == 200, "\(byItself.1)")
        let fourth = try #require(byItself.1["token"]?.stringValue)
        #expect(try await byToken(third).0 == 401)
        #expect(try await byToken(try identity.token(audience: "did:web:localhost#sigil", lxm: "dev.sigil.secret.rotateWithToken")).0 == 401)
        #expect(try await signingTokens(identity, [third, fourth]) == [fourth])

        // An absolute expiry that passes: nothing signs, and a restart does not change that.
        let soon = Timestamp.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 1_500)
        #expect(try await call(base, identity, "dev.sigil.secret.setPolicy", #"{"name":"hook","expiresAt":"\#(soon)"}"#).0 == 200)
        #expect(try await eventually(.seconds(10)) { try await signingTokens(identity, [fourth]) == nil })
        try await crash(server)
        logs += server.stderr
        (server, base) = try await start()
        #expect(try await signingTokens(identity, [fourth]) == nil)
        let expired = try await call(base, identity, "dev.sigil.secret.get", query: "?name=hook")
        #expect(expired.1["status"] == "expired" && expired.1["lastMessage"]?.stringValue?.contains("absolute expiry") == true, "\(expired.1)")
        #expect(try await byToken(fourth).0 == 401)

        kill(server.process.processIdentifier, SIGTERM)
        _ = try await server.waitForExit()
        logs += server.stderr
        for token in [first, second, third, fourth] { #expect(!logs.contains(token), "a token was logged") }
    }
}
