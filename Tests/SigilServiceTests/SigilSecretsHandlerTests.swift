import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import SQLiteStore
import Secrets
import SigilAPI
import SigilService
import Testing
import XRPC

extension TestClientProtocol {
    /// Calls `nsid` (full) with `authorization` as given.
    func xrpc(_ nsid: String, authorization: String?, _ body: String? = nil, query: String = "") async throws -> (
        HTTPResponse.Status, JSONValue, String
    ) {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await execute(
            uri: "/xrpc/\(nsid)\(query)", method: body == nil ? .get : .post, headers: headers,
            body: body.map { ByteBuffer(string: $0) })
        let bytes = Array(response.body.readableBytesView)
        return (response.status, (try? JSONValue(parsing: bytes)) ?? .null, String(decoding: bytes, as: UTF8.self))
    }
}

@Suite("dev.sigil.secret.* handlers")
struct SigilSecretsHandlerTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"
    static let asAlice = "Test \(alice)"

    @Test func overlapRevokeAndForceOverXRPC() async throws {
        let clock = ManualClock()
        try await withSecretsClient(clock: clock.read) { client, secrets in
            let created = try await client.call("create", as: Self.alice, #"{"name":"deploy"}"#)
            let first = try #require(created.1["token"]?.stringValue)

            let rotated = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"deploy","overlapSeconds":600}"#)
            #expect(rotated.0 == .ok, "\(rotated.2)")
            let second = try #require(rotated.1["token"]?.stringValue)
            #expect(rotated.1["previousValidUntil"]?.stringValue == Timestamp.iso8601(milliseconds: clock.now + 600_000))
            #expect(try await secrets.withSigningToken(owner: Self.alice, name: "deploy") { $0.all.map(\.text) } == [second, first])

            let again = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"deploy"}"#)
            #expect(again.0 == .badRequest && again.1["error"] == "RotationInProgress", "\(again.2)")
            #expect(again.1["message"]?.stringValue?.contains("force") == true)
            let forced = try await client.xrpc(
                "dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"deploy","overlapSeconds":60,"force":true}"#)
            #expect(forced.0 == .ok)
            let third = try #require(forced.1["token"]?.stringValue)
            #expect(try await secrets.withSigningToken(owner: Self.alice, name: "deploy") { $0.all.map(\.text) } == [third, second])

            let revoked = try await client.xrpc("dev.sigil.secret.revokePrevious", authorization: Self.asAlice, #"{"name":"deploy"}"#)
            #expect(revoked.0 == .ok && revoked.1["revokedAt"]?.stringValue == Timestamp.iso8601(milliseconds: clock.now))
            #expect(try await secrets.withSigningToken(owner: Self.alice, name: "deploy") { $0.all.map(\.text) } == [third])
            let none = try await client.xrpc("dev.sigil.secret.revokePrevious", authorization: Self.asAlice, #"{"name":"deploy"}"#)
            #expect(none.0 == .badRequest && none.1["error"] == "NoPreviousToken")

            // Out of range and malformed: named, nothing changed.
            for body in [
                #"{"name":"deploy","overlapSeconds":86401}"#, #"{"name":"deploy","overlapSeconds":-1}"#,
                #"{"name":"deploy","overlapSeconds":1.5}"#, #"{"name":"deploy","force":"yes"}"#,
            ] {
                let refused = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, body)
                #expect(refused.0 == .badRequest && refused.1["error"] == "InvalidRequest", "\(body): \(refused.2)")
            }
            let missing = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"nope"}"#)
            #expect(missing.0 == .badRequest && missing.1["error"] == "NotFound")
            let bobs = try await client.xrpc("dev.sigil.secret.revokePrevious", authorization: "Test \(Self.bob)", #"{"name":"deploy"}"#)
            #expect(bobs.1["error"] == "NotFound", "another account's secret is not found")
            let anonymous = try await client.xrpc("dev.sigil.secret.rotate", authorization: nil, #"{"name":"deploy"}"#)
            #expect(anonymous.0 == .unauthorized)
            #expect(try await secrets.state(owner: Self.alice, name: "deploy").secret.version == 3)
        }
    }

    @Test func policyGetAndHistoryNeverShowATokenOverXRPC() async throws {
        let clock = ManualClock()
        try await withSecretsClient(clock: clock.read) { client, _ in
            _ = try await client.call("create", as: Self.alice, #"{"name":"deploy"}"#)
            let expiry = Timestamp.iso8601(milliseconds: clock.now + 30 * 86_400_000)
            let set = try await client.xrpc(
                "dev.sigil.secret.setPolicy", authorization: Self.asAlice,
                #"{"name":"deploy","overlapSeconds":300,"rotationPeriodSeconds":86400,"expiresAt":"\#(expiry)"}"#)
            #expect(set.0 == .ok, "\(set.2)")
            #expect(set.1["policy"] == ["overlapSeconds": 300, "rotationPeriodSeconds": 86400, "expiresAt": .string(expiry)])
            for (body, message) in [
                (#"{"name":"deploy","rotationPeriodSeconds":59}"#, ""),
                (#"{"name":"deploy","expiresAt":"2001-01-01T00:00:00Z"}"#, "expiresAt must be in the future"),
                (#"{"name":"deploy","expiresAt":"tomorrow"}"#, ""),
            ] {
                let refused = try await client.xrpc("dev.sigil.secret.setPolicy", authorization: Self.asAlice, body)
                #expect(refused.0 == .badRequest && refused.1["error"] == "InvalidRequest", "\(body): \(refused.2)")
                if !message.isEmpty { #expect(refused.1["message"]?.stringValue == message) }
            }

            let rotated = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"deploy"}"#)
            #expect(rotated.1["previousValidUntil"]?.stringValue == Timestamp.iso8601(milliseconds: clock.now + 300_000), "the policy's overlap")
            let got = try await client.xrpc("dev.sigil.secret.get", authorization: Self.asAlice, query: "?name=deploy")
            #expect(got.0 == .ok, "\(got.2)")
            #expect(got.1["status"] == "overlapping" && got.1["version"] == 2 && got.1["lastRotationBy"] == "account")
            #expect(got.1["lastRotationManual"] == true && got.1["expiresAt"]?.stringValue == Timestamp.iso8601(milliseconds: clock.now + 86_400_000))
            #expect(got.1["rotationDueAt"]?.stringValue == Timestamp.iso8601(milliseconds: clock.now + 86_400_000))
            #expect(!got.2.contains("whsec_"))

            clock.advance(milliseconds: 86_400_000)
            let expired = try await client.xrpc("dev.sigil.secret.get", authorization: Self.asAlice, query: "?name=deploy")
            #expect(expired.1["status"] == "expired")
            #expect(expired.1["lastMessage"]?.stringValue?.contains("not rotated within its rotation period of 86400 s") == true)

            let history = try await client.xrpc("dev.sigil.secret.history", authorization: Self.asAlice, query: "?name=deploy&limit=2")
            #expect(history.0 == .ok, "\(history.2)")
            let actions = history.1["events"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["expired", "overlapEnded"], "\(history.2)")
            #expect(history.1["events"]?.arrayValue?.first?["by"] == "schedule")
            let cursor = try #require(history.1["cursor"]?.stringValue)
            let older = try await client.xrpc("dev.sigil.secret.history", authorization: Self.asAlice, query: "?name=deploy&limit=2&cursor=\(cursor)")
            #expect(older.1["events"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["rotated", "policySet"])
            let oldestCursor = try #require(older.1["cursor"]?.stringValue)
            let oldest = try await client.xrpc(
                "dev.sigil.secret.history", authorization: Self.asAlice, query: "?name=deploy&limit=2&cursor=\(oldestCursor)")
            #expect(oldest.1["events"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["created"])
            #expect(oldest.1["cursor"] == nil)
            #expect(!history.2.contains("whsec_") && !older.2.contains("whsec_") && !oldest.2.contains("whsec_"))
            let junk = try await client.xrpc("dev.sigil.secret.history", authorization: Self.asAlice, query: "?name=deploy&cursor=abc")
            #expect(junk.0 == .badRequest && junk.1["error"] == "InvalidRequest")
        }
    }

    @Test func rotationByPresentingTheTokenOverXRPC() async throws {
        let clock = ManualClock()
        try await withSecretsClient(rateLimit: 4, clock: clock.read) { client, secrets in
            let first = try #require(try await client.call("create", as: Self.alice, #"{"name":"deploy"}"#).1["token"]?.stringValue)
            let bobs = try #require(try await client.call("create", as: Self.bob, #"{"name":"deploy"}"#).1["token"]?.stringValue)

            let rotated = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(first)", "{}")
            #expect(rotated.0 == .ok, "\(rotated.2)")
            let second = try #require(rotated.1["token"]?.stringValue)
            #expect(rotated.1["name"] == "deploy" && second != first)
            #expect(try await secrets.state(owner: Self.alice, name: "deploy").secret.lastRotationBy == .token)

            // Every wrong bearer: one and the same 401.
            var near = Array(second)
            near[10] = near[10] == "A" ? "B" : "A"
            var answers: Set<String> = []
            for bearer in [
                "Bearer \(first)", "Bearer \(String(near))", "Bearer whsec_" + Data(repeating: 1, count: 32).base64EncodedString(),
                "Bearer whsec_", "Bearer " + String(repeating: "x", count: 5_000),
            ] {
                let refused = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: bearer, "{}")
                #expect(refused.0 == .unauthorized, "\(bearer.prefix(20)): \(refused.2)")
                if bearer.hasPrefix("Bearer whsec_") { answers.insert(refused.2) }
            }
            #expect(answers.count == 1, "\(answers)")
            // A service credential is not the token.
            let account = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: Self.asAlice, "{}")
            #expect(account.0 == .unauthorized)
            #expect(try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: nil, "{}").0 == .unauthorized)
            // The token is not a credential for any other method.
            let other = try await client.xrpc("dev.sigil.secret.rotate", authorization: "Bearer \(second)", #"{"name":"deploy"}"#)
            #expect(other.0 == .unauthorized)

            // Bob's token rotates bob's secret.
            let bobRotated = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(bobs)", "{}")
            #expect(bobRotated.0 == .ok)
            #expect(try await secrets.currentToken(owner: Self.alice, name: "deploy").token.text == second)

            // Inside an overlap the current token gets RotationInProgress; after it, it rotates.
            _ = try await client.xrpc("dev.sigil.secret.setPolicy", authorization: Self.asAlice, #"{"name":"deploy","overlapSeconds":60}"#)
            let third = try #require(
                try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(second)", "{}").1["token"]?.stringValue)
            let busy = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(third)", "{}")
            #expect(busy.0 == .badRequest && busy.1["error"] == "RotationInProgress", "\(busy.2)")
            // Rate-limited like the other mutations (4 a minute), the secret's token in a bucket of its own: so far
            // 3 calls by token (2 rotations, the busy one) and 2 by the account (create, policy); refused bearers
            // never reached the limiter.
            #expect(try await client.xrpc("dev.sigil.secret.revokePrevious", authorization: Self.asAlice, #"{"name":"deploy"}"#).0 == .ok)
            let fourth = try #require(
                try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(third)", "{}").1["token"]?.stringValue)
            let limited = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(fourth)", "{}")
            #expect(limited.0 == .tooManyRequests, "\(limited.2)")
            // The account is not locked out by whoever holds the token: its 4th mutation goes through.
            let byAccount = try await client.xrpc("dev.sigil.secret.rotate", authorization: Self.asAlice, #"{"name":"deploy","force":true}"#)
            #expect(byAccount.0 == .ok, "\(byAccount.2)")
        }
    }
}
