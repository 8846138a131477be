import Foundation
import SQLiteStore
import Secrets
import SigilTestSupport
import Storage
import Testing
import WebhookSignature
import Webhooks

@Suite("sigil webhook CLI", .tags(.process), .kinds(.process))
struct WebhookCLITests {
    @Test func verifyExitCodes() async throws {
        let token = SigningToken.generate().text
        let body = #"{"event":"create"}"#
        let now = Int64(Date().timeIntervalSince1970)
        let headers = try WebhookSigner(token: token).headers(body: Array(body.utf8), id: "msg_1", timestamp: now)
        let flags = headers.flatMap { ["--header", "\($0.name): \($0.value)"] }

        let valid = try await runSigil(["webhook", "verify", "--secret", token] + flags, stdin: body)
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.hasPrefix("valid"))

        let tampered = try await runSigil(["webhook", "verify", "--secret", token] + flags, stdin: body + " ")
        #expect(tampered.status == 1)
        #expect(!tampered.stderr.isEmpty && !tampered.stderr.contains(token))

        let otherSecret = try await runSigil(["webhook", "verify", "--secret", SigningToken.generate().text] + flags, stdin: body)
        #expect(otherSecret.status == 1)

        let noHeaders = try await runSigil(["webhook", "verify", "--secret", token], stdin: body)
        #expect(noHeaders.status == 2)
        let badHeader = try await runSigil(["webhook", "verify", "--secret", token, "--header", "no colon"], stdin: body)
        #expect(badHeader.status == 2)
    }

    /// keygen → sign → verify with the public key: 0; another key, a changed body: 1; no key, a bad key, both a
    /// secret and a key: 2. The secret key never shows in an error.
    @Test func v1aSignAndVerifyWithPublicKeys() async throws {
        let generated = try await runSigil(["webhook", "keygen"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let pair = try JSONDecoder().decode([String: String].self, from: Data(generated.stdout.utf8))
        let (publicKey, secretKey) = (try #require(pair["publicKey"]), try #require(pair["secretKey"]))
        #expect(publicKey.hasPrefix("whpk_") && secretKey.hasPrefix("whsk_"))
        let body = #"{"event":"create"}"#
        let signed = try await runSigil(["webhook", "sign", "--secret-key", secretKey, "--id", "msg_1"], stdin: body)
        #expect(signed.status == 0, "\(signed.stderr)")
        let lines = signed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("webhook-") }, "\(lines)")
        let flags = lines.flatMap { ["--header", $0] }
        let other = WebhookSigningKey.generate().publicKey.text

        let valid = try await runSigil(["webhook", "verify", "--public-key", other, "--public-key", publicKey] + flags, stdin: body)
        #expect(valid.status == 0 && valid.stdout.contains("v1a"), "\(valid.stdout) \(valid.stderr)")
        let wrongKey = try await runSigil(["webhook", "verify", "--public-key", other] + flags, stdin: body)
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains("does not verify"), "\(wrongKey.stderr)")
        let tampered = try await runSigil(["webhook", "verify", "--public-key", publicKey] + flags, stdin: body + " ")
        #expect(tampered.status == 1)
        let badKey = try await runSigil(["webhook", "verify", "--public-key", "whpk_nope"] + flags, stdin: body)
        #expect(badKey.status == 2 && badKey.stderr.contains("--public-key"), "\(badKey.stderr)")
        let both = try await runSigil(
            ["webhook", "verify", "--public-key", publicKey, "--secret", SigningToken.generate().text] + flags, stdin: body)
        #expect(both.status == 2)
        let badSecretKey = try await runSigil(["webhook", "sign", "--secret-key", secretKey.dropLast(4) + "AAA="], stdin: body)
        #expect(badSecretKey.status == 2 && !badSecretKey.stderr.contains(String(secretKey.dropFirst(5).prefix(16))), "\(badSecretKey.stderr)")
    }

    /// `--keys-url`: the published list is fetched (through the SSRF guard) and used as the public keys.
    @Test func v1aVerifyWithAKeysURL() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let key = WebhookSigningKey.generate()
            let other = WebhookSigningKey.generate()
            let body = #"{"event":"create"}"#
            let now = Int64(Date().timeIntervalSince1970)
            let flags = WebhookSigningKey.headers(body: Array(body.utf8), id: "msg_1", timestamp: now, keys: [key]).flatMap {
                ["--header", "\($0.name): \($0.value)"]
            }
            let url = await network.base + "/keys"
            func verify(_ extra: [String] = ["--insecure-loopback"]) async throws -> (status: Int32, stdout: String, stderr: String) {
                try await runSigil(["webhook", "verify", "--keys-url", url] + extra + flags, stdin: body)
            }
            func list(_ keys: [WebhookSigningKey]) -> String {
                #"{"keys":["# + keys.map { #"{"publicKey":"\#($0.publicKey.text)","validFrom":"2026-12-01T10:00:00.000Z"}"# }.joined(separator: ",")
                    + "]}"
            }
            await network.publishKeys(list([other, key]))
            let valid = try await verify()
            #expect(valid.status == 0 && valid.stdout.contains("v1a"), "\(valid.stderr)")
            await network.publishKeys(list([other]))
            let retired = try await verify()
            #expect(retired.status == 1, "a list without the signing key: \(retired.stderr)")
            let notLoopback = try await verify([])
            #expect(notLoopback.status == 2 && notLoopback.stderr.contains("--keys-url"), "\(notLoopback.stderr)")
            for (status, answer, reason) in [
                (404, "", "answered 404"), (200, "nope", "not a"), (200, #"{"keys":[]}"#, "no public keys"),
                (200, #"{"keys":[{"publicKey":"whpk_short"}]}"#, "--keys-url"),
            ] {
                await network.publishKeys(status: status, answer)
                let refused = try await verify()
                #expect(refused.status == 2 && refused.stderr.contains(reason), "\(answer): \(refused.stderr)")
            }
        }
    }

    /// A keys server that drips its answer (a byte a second for a minute) is cut off at the one 10 s deadline for
    /// head and body, and the verification exits 2 naming why.
    @Test(.tags(.slow)) func aDrippingKeysURLIsCutOffAtItsDeadline() async throws {
        let drip = DrippingServer()
        try await drip.serve { base in
            let started = ContinuousClock.now
            let result = try await runSigil(
                [
                    "webhook", "verify", "--keys-url", base + "/xrpc/com.atproto.repo.getRecord", "--insecure-loopback", "--header",
                    "webhook-id: msg_1", "--header", "webhook-timestamp: \(Int64(Date().timeIntervalSince1970))", "--header",
                    "webhook-signature: v1a,AAAA",
                ], stdin: "{}")
            let took = ContinuousClock.now - started
            #expect(result.status == 2 && result.stderr.contains("no complete answer within"), "\(result.stderr)")
            #expect(took < .seconds(20), "took \(took)")
        }
    }

    @Test func deliveriesListsTheQueue() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-cli-queue-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
        try await store.migrate()
        try await store.enqueue(
            [
                NewDelivery(
                    id: "d1", owner: alice, webhookRKey: "w", url: "https://example.com/h", secretName: "s",
                    inlineSecret: nil, body: Array("{}".utf8), createdAt: 1_000)
            ], cursor: nil)
        try await store.enqueue(
            [
                NewDelivery(
                    id: "d2", owner: bob, webhookRKey: "w", url: "https://example.com/b", secretName: "s",
                    inlineSecret: nil, body: Array("{}".utf8), createdAt: 1_100)
            ], cursor: nil)
        _ = try await store.claimDue(now: 1_000, limit: 1, leaseUntil: 1_500)
        try await store.recordAttempt(
            id: "d1", DeliveryAttempt(at: 1_900, durationMilliseconds: 3, status: nil, error: "secret s was deleted; not sent unsigned"))
        #expect(try await store.markDead(id: "d1", lease: 1_500, attempts: 1, error: "secret s was deleted; not sent unsigned", at: 2_000))
        await store.close()

        // Filters: by owner, by owner's webhook, with the attempt log.
        let alices = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", alice])
        #expect(alices.status == 0 && alices.stdout.contains(#""id":"d1""#) && !alices.stdout.contains(#""id":"d2""#), "\(alices.stdout)")
        let bobs = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", bob, "--webhook", "w", "--attempts"])
        #expect(bobs.status == 0 && bobs.stdout.contains(#""id":"d2""#) && !bobs.stdout.contains(#""id":"d1""#), "\(bobs.stdout)")
        #expect(bobs.stdout.contains(#""attemptLog":[]"#))
        let logged = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", alice, "--webhook", "w", "--attempts"])
        #expect(logged.stdout.contains(#""attemptLog":[{"#) && logged.stdout.contains(#""durationMs":3"#), "\(logged.stdout)")
        #expect(try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--webhook", "w"]).status == 2, "--webhook needs --owner")
        #expect(try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--limit", "0"]).status == 2)

        let listed = try await runSigil(["webhook", "deliveries", "--data-dir", directory])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(#""id":"d1""#) && listed.stdout.contains(#""status":"dead""#))
        #expect(listed.stdout.contains("secret s was deleted"))
        #expect(listed.stderr.contains("dead: 1"))
        let filtered = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--status", "cancelled"])
        #expect(filtered.status == 0 && filtered.stdout.isEmpty)
        let bad = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--status", "lost"])
        #expect(bad.status == 2)
    }
}
