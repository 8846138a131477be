import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Secrets
import SigilTestSupport
import Testing
import WebhookSignature

/// wisp.place's `token` on create (and Sigil's on rotate): the caller registers a token its receiving system
/// already generated.
@Suite("Registered tokens")
struct RegisteredTokenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let token: String
        var testDescription: String { label }
    }

    static let accepted: [Case] = [
        Case(label: "32 characters", token: String(repeating: "k", count: 32)),
        Case(label: "256 characters", token: String(repeating: "k", count: 256)),
        Case(label: "every printable ASCII punctuation", token: ##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~0123456789abc"##),
        Case(label: "a Standard Webhooks secret", token: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()),
    ]

    /// Each with the part of the rule it breaks, as the error names it.
    static let refused: [(Case, String)] = [
        (Case(label: "31 characters", token: String(repeating: "k", count: 31)), "shorter than 32"),
        (Case(label: "257 characters", token: String(repeating: "k", count: 257)), "longer than 256"),
        (Case(label: "a space", token: String(repeating: "k", count: 20) + " " + String(repeating: "k", count: 20)), "printable ASCII"),
        (Case(label: "a tab", token: String(repeating: "k", count: 20) + "\t" + String(repeating: "k", count: 20)), "printable ASCII"),
        (Case(label: "a newline at the end", token: String(repeating: "k", count: 40) + "\n"), "printable ASCII"),
        (Case(label: "DEL", token: String(repeating: "k", count: 40) + "\u{7F}"), "printable ASCII"),
        (Case(label: "NUL", token: String(repeating: "k", count: 40) + "\u{0}"), "printable ASCII"),
        (Case(label: "non-ASCII (32 characters, 64 bytes)", token: String(repeating: "é", count: 32)), "printable ASCII"),
        (Case(label: "whsec_ and no base64", token: "whsec_" + String(repeating: "-", count: 40)), "whsec_ + standard base64"),
        (Case(label: "whsec_ and too few bytes", token: "whsec_" + Data(repeating: 7, count: 23).base64EncodedString()), "whsec_ + standard base64"),
    ]

    @Test(arguments: accepted)
    func aTokenFollowingWispsRuleIsRegistered(_ example: Case) async throws {
        try await withSecretsClient { client, secrets in
            let input = JSONValue.object(["name": "hook", "token": .string(example.token)]).jsonString
            let (status, created, _) = try await client.call("create", as: alice, input)
            #expect(status == .ok, "\(created)")
            #expect(created["token"]?.stringValue == example.token, "the token registered is the one returned")
            #expect(try await secrets.currentToken(owner: alice, name: "hook").token.text == example.token)
            let (_, listed, _) = try await client.call("list", as: alice)
            #expect(!listed.jsonString.contains(example.token))
        }
    }

    @Test(arguments: refused)
    func aTokenBreakingTheRuleIsRefusedByName(_ example: Case, _ rule: String) async throws {
        try await withSecretsClient { client, _ in
            for (method, input) in [
                ("create", JSONValue.object(["name": "hook", "token": .string(example.token)])),
                ("rotate", JSONValue.object(["name": "existing", "token": .string(example.token)])),
            ] {
                if method == "rotate" { _ = try await client.call("create", as: alice, #"{"name":"existing"}"#) }
                let (status, body, _) = try await client.call(method, as: alice, input.jsonString)
                #expect(status == .badRequest && body["error"] == "InvalidRequest", "\(method): \(body)")
                let message = body["message"]?.stringValue ?? ""
                #expect(message.contains(rule), "\(method): \(message)")
                #expect(!message.contains(example.token.trimmingCharacters(in: .whitespacesAndNewlines)), "the message never repeats the token")
            }
            let (_, listed, _) = try await client.call("list", as: alice)
            #expect(listed["secrets"]?.arrayValue?.map { $0["name"] } == ["existing"], "nothing was created")
        }
    }

    /// A token is never used twice: not a secret's own earlier or current token, not another secret's live one
    /// (another account's included, without saying whose), not a deleted secret's. Nothing changes on a refusal.
    @Test func aTokenSigilHeldBeforeIsRefused() async throws {
        try await withSecretsClient { client, secrets in
            let mine = "receiver-generated-" + String(repeating: "a1", count: 10)
            func expectRefused(_ method: String, as did: String, _ input: JSONValue, _ label: String) async throws {
                let before = try? await secrets.currentToken(owner: alice, name: "hook")
                let (status, body, _) = try await client.call(method, as: did, input.jsonString)
                #expect(status == .badRequest && body["error"] == "InvalidRequest", "\(label): \(body)")
                let message = body["message"]?.stringValue ?? ""
                #expect(message.contains("held it before") && !message.contains("hook") && !message.contains(alice), "\(label): \(message)")
                let after = try? await secrets.currentToken(owner: alice, name: "hook")
                #expect(before?.version == after?.version && before?.token == after?.token, "\(label): alice's secret is unchanged")
            }
            let (created, _, _) = try await client.call("create", as: alice, JSONValue.object(["name": "hook", "token": .string(mine)]).jsonString)
            #expect(created == .ok)
            try await expectRefused("rotate", as: alice, ["name": "hook", "token": .string(mine)], "its own current token")
            try await expectRefused("create", as: alice, ["name": "other", "token": .string(mine)], "another secret, the same live token")
            try await expectRefused("create", as: bob, ["name": "bobs", "token": .string(mine)], "another account, alice's live token")

            let (_, rotated, _) = try await client.call("rotate", as: alice, #"{"name":"hook"}"#)
            let generated = try #require(rotated["token"]?.stringValue)
            try await expectRefused("rotate", as: alice, ["name": "hook", "token": .string(mine)], "its earlier token")
            try await expectRefused("create", as: bob, ["name": "bobs", "token": .string(generated)], "a generated live token")

            // With an overlap both tokens are live: neither may be registered again.
            let fresh = "another-receiver-token-" + String(repeating: "b2", count: 10)
            let (overlapStatus, overlapped, _) = try await client.xrpc(
                "dev.sigil.secret.rotate", authorization: "Test \(alice)",
                JSONValue.object(["name": "hook", "token": .string(fresh), "overlapSeconds": 600]).jsonString)
            #expect(overlapStatus == .ok && overlapped["token"]?.stringValue == fresh, "\(overlapped)")
            try await expectRefused("create", as: bob, ["name": "bobs", "token": .string(generated)], "the previous token, live in the overlap")

            let (deleted, _, _) = try await client.call("delete", as: alice, #"{"name":"hook"}"#)
            #expect(deleted == .ok)
            let (status, body, _) = try await client.call(
                "create", as: alice, JSONValue.object(["name": "hook", "token": .string(fresh)]).jsonString)
            #expect(status == .badRequest && body["error"] == "InvalidRequest", "a deleted secret's token: \(body)")
            let (_, listed, _) = try await client.call("list", as: alice)
            #expect(listed == ["secrets": []])
        }
    }

    /// Two creations racing with the same token: exactly one registers it.
    @Test func racingRegistrationsOfOneTokenRegisterItOnce() async throws {
        try await withSecretsClient { client, _ in
            let token = "raced-token-" + String(repeating: "c3", count: 16)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        try await client.call(
                            "create", as: i % 2 == 0 ? alice : bob, JSONValue.object(["name": .string("h\(i)"), "token": .string(token)]).jsonString
                        ).0
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .badRequest }.count == 7, "\(statuses)")
        }
    }

    /// `dev.sigil.secret.rotateWithToken` takes a registered token as its bearer.
    @Test func aRegisteredTokenRotatesItself() async throws {
        try await withSecretsClient { client, secrets in
            let token = "self-rotating-" + String(repeating: "d4", count: 12)
            _ = try await client.call("create", as: alice, JSONValue.object(["name": "hook", "token": .string(token)]).jsonString)
            let (status, rotated, _) = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(token)", "{}")
            #expect(status == .ok, "\(rotated)")
            let next = try #require(rotated["token"]?.stringValue)
            #expect(next.hasPrefix("whsec_") && next != token)
            #expect(try await secrets.currentToken(owner: alice, name: "hook").token.text == next)
            let (again, _, _) = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(token)", "{}")
            #expect(again == .unauthorized, "the old token no longer rotates")
        }
    }
}
