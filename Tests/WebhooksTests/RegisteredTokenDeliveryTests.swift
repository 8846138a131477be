import Foundation
import Lexicon
import Secrets
import SigilTestSupport
import Sodium
import Testing
import WebhookSignature

@Suite("Deliveries signed with a registered token")
struct RegisteredTokenDeliveryTests {
    /// A token the receiver generated signs wisp's header with its text and Standard Webhooks' `v1` with its
    /// bytes: the stock Python library verifies with `whsec_` + base64 of the token, `sigil webhook verify`
    /// with the token as it is. Every delivery carries `Idempotency-Key`, the same as `webhook-id`.
    @Test func aRegisteredTokenSignsBothFormats() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let pipeline = try await Pipeline.make(network: network)
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                let registered = "receiver-made:" + String(repeating: "Zz9!", count: 10)
                let created = try await pipeline.secrets.create(owner: alice, name: "hook", token: SigningToken.supplied(registered))
                #expect(created.token.text == registered)
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "hook")
                try await pipeline.registry.activate(owner: alice, rkey: "w1", record: record, now: 1, logger: pipeline.registry.logger)
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: ["text": "hi"]))
                #expect(try await network.waitForUniqueDeliveries(1, timeout: .seconds(20)))
                let delivery = try #require(await network.received.first)
                #expect(wispSigned(delivery, by: registered), "X-Webhook-Signature keyed by the token's text")
                #expect(
                    try WebhookVerifier(anyToken: registered).verify(body: delivery.body, headers: delivery.headers) == [.standardWebhooks, .wisp])
                let stock = RegisteredToken.standardWebhooksSecret(for: registered)
                #expect(
                    try await verifiedByPython(token: stock, headers: delivery.headers, body: delivery.body),
                    "the stock library, given whsec_ + base64(token)")
                #expect(delivery.headers["idempotency-key"] == delivery.id)

                let file = FileManager.default.temporaryDirectory.appendingPathComponent("registered-\(UUID().uuidString)")
                try Data(delivery.body).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let headers = delivery.headers.filter { $0.key.hasPrefix("webhook-") || $0.key == "x-webhook-signature" }.flatMap {
                    ["--header", "\($0.key): \($0.value)"]
                }
                let verified = try await runSigil(["webhook", "verify", "--secret", registered] + headers + [file.path])
                #expect(verified.status == 0, "\(verified.stderr)")
                let wrong = try await runSigil(["webhook", "verify", "--secret", registered + "x"] + headers + [file.path])
                #expect(wrong.status == 1, "another token: \(wrong.stderr)")
            }
        }
    }

    /// A receiver written for wisp.place, unchanged: it checks `X-Webhook-Signature` as HMAC-SHA256 of the body keyed
    /// by its own token's text, and dedupes on `Idempotency-Key`. It registered the token itself; its first answer is
    /// a 500 (say it processed the event and then failed to answer), so Sigil retries: the retry verifies too, carries
    /// the same key, and is processed no second time.
    @Test func aReceiverWrittenForWispWorksUnchanged() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let pipeline = try await Pipeline.make(network: network)
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                let own = "wisp-receiver-" + String(repeating: "Q7", count: 12)
                _ = try await pipeline.secrets.create(owner: alice, name: "hook", token: SigningToken.supplied(own))
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "hook")
                try await pipeline.registry.activate(owner: alice, rkey: "w1", record: record, now: 1, logger: pipeline.registry.logger)
                await network.script(statuses: [500])
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: ["text": "hi"]))
                #expect(try await eventually(.seconds(20)) { await network.received.count >= 2 })
                var processed: Set<String> = []
                var handled = 0
                for delivery in await network.received {
                    // The receiver's whole check, as wisp.place documents it.
                    let expected =
                        "sha256=" + Sodium.hmacSHA256(key: Array(own.utf8), message: delivery.body).map { String(format: "%02x", $0) }.joined()
                    #expect(delivery.headers["x-webhook-signature"] == expected)
                    let key = try #require(delivery.headers["idempotency-key"])
                    if processed.insert(key).inserted { handled += 1 }
                }
                #expect(handled == 1, "the retry carries the same Idempotency-Key")
            }
        }
    }
}
