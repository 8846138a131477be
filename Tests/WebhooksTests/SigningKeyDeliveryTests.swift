import Foundation
import Lexicon
import Testing
import WebhookSignature

@testable import Secrets
@testable import Webhooks

/// A webhook whose `secretId` names a signing key gets Standard Webhooks `v1a` deliveries (no HMAC, no
/// `X-Webhook-Signature`), which verify with the published public keys, through a rotation's overlap and after it.
@Suite("Deliveries signed with a signing key (v1a)", .serialized)
struct SigningKeyDeliveryTests {
    /// The published keys as a receiver holds them (`listPublic`), and a verifier over them at the delivery's time.
    static func receiver(_ pipeline: Pipeline) async throws -> WebhookKeyVerifier {
        let published = try await pipeline.signingKeys.published(owner: alice, name: "deploy")
        return try WebhookKeyVerifier(publicKeys: published.map { try WebhookPublicKey(bytes: $0.publicKey).text })
    }

    static func verifies(_ verifier: WebhookKeyVerifier, _ delivery: StandInNetwork.Received) -> Bool {
        (try? verifier.verify(body: delivery.body, headers: delivery.headers)) != nil
    }

    static func only(_ key: [UInt8]) throws -> WebhookKeyVerifier {
        try WebhookKeyVerifier(publicKeys: [try WebhookPublicKey(bytes: key).text])
    }

    @Test(arguments: StoreKind.enabled)
    func v1aDeliveriesVerifyWithThePublishedKeysThroughARotation(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        let clock = MovableClock()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network, store: kind, clock: clock.read)
            let base = await network.base
            do {
                try await pipeline.run(network: network) { () async throws -> Void in
                    try await exercise(pipeline, network, base, clock)
                }
            } catch {
                await pipeline.cleanUp()
                throw error
            }
            await pipeline.cleanUp()
        }
    }

    func exercise(_ pipeline: Pipeline, _ network: StandInNetwork, _ base: String, _ clock: MovableClock) async throws {
        var time: Int64 = 1_700_000_000_000_000
        func next() -> Int64 {
            time += 1_000
            return time
        }
        func post(_ rkey: String) async {
            await network.emit(commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: rkey, record: [:]))
        }
        let first = try await pipeline.signingKeys.create(owner: alice, name: "deploy")
        let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", events: ["create"], secretId: "deploy")
        await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
        await network.emit(commitEvent(did: alice, time: next(), operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
        #expect(try await eventually { pipeline.registry.index.count == 1 })

        await post("p1")
        #expect(try await eventually { await network.received.count == 1 })
        let plain = await network.received[0]
        #expect(plain.headers["x-webhook-signature"] == nil, "no HMAC header for a signing key")
        let entries = plain.headers["webhook-signature"]?.split(separator: " ") ?? []
        #expect(entries.count == 1 && entries.allSatisfy { $0.hasPrefix("v1a,") }, "\(entries)")
        #expect(Self.verifies(try await Self.receiver(pipeline), plain))
        #expect(Self.verifies(try Self.only(first.publicKey), plain))

        // Rotated with an overlap: both keys sign (newest first); a receiver holding either verifies.
        let second = try await pipeline.signingKeys.rotate(owner: alice, name: "deploy", overlapSeconds: 600)
        await post("p2")
        #expect(try await eventually { await network.received.count == 2 })
        let overlapping = await network.received[1]
        #expect(overlapping.headers["webhook-signature"]?.split(separator: " ").count == 2)
        #expect(Self.verifies(try Self.only(first.publicKey), overlapping), "a receiver that has not refreshed yet")
        #expect(Self.verifies(try Self.only(second.publicKey), overlapping))
        #expect(Self.verifies(try await Self.receiver(pipeline), overlapping))

        // After the overlap only the new key signs: a receiver that refreshed its list (now the new key alone)
        // rejects a signature by the retired key, and verifies the new deliveries.
        let stale = try Self.only(first.publicKey)
        clock.advance(seconds: 601)
        await post("p3")
        #expect(try await eventually { await network.received.count == 3 })
        let after = await network.received[2]
        #expect(after.headers["webhook-signature"]?.split(separator: " ").count == 1)
        let refreshed = try await Self.receiver(pipeline)
        #expect(
            refreshed.publicKeys.first?.bytes == second.publicKey && !refreshed.publicKeys.contains { $0.bytes == first.publicKey },
            "the new key and the announced next one, not the retired one")
        #expect(Self.verifies(refreshed, after))
        #expect(!Self.verifies(stale, after), "the retired key's holder does not verify new deliveries")
        let retiredSignature = try WebhookSigningKey(seed: try #require(try await oldSeed(pipeline, first)))
            .signature(body: after.body, id: after.id, timestamp: Int64(after.headers["webhook-timestamp"] ?? "0") ?? 0)
        var forged = after.headers
        forged["webhook-signature"] = retiredSignature
        #expect((try? refreshed.verify(body: after.body, headers: forged)) == nil, "a retired key's signature is rejected after a refresh")

        // Deleted: nothing is sent unsigned.
        try await pipeline.signingKeys.delete(owner: alice, name: "deploy")
        await post("p4")
        #expect(
            try await eventually {
                try await pipeline.store.deliveries(status: .dead, limit: 5).contains { $0.lastError?.contains("not sent unsigned") == true }
            })
        #expect(await network.received.count == 3)

        // The name now a token secret: deliveries are HMAC-signed with it (a name once a key is not stuck as one).
        let token = try await pipeline.secrets.create(owner: alice, name: "deploy").token
        await post("p5")
        #expect(try await eventually { await network.received.count == 4 })
        let hmac = await network.received[3]
        #expect(try WebhookVerifier(token: token.text).verify(body: hmac.body, headers: hmac.headers).count == 2)
    }

    /// The first key's seed, as the test's stand-in for a key that leaked after it was retired.
    func oldSeed(_ pipeline: Pipeline, _ first: StoredSigningKey) async throws -> [UInt8]? {
        let service = pipeline.signingKeys
        return service.open(first.sealed, owner: alice, name: "deploy", version: 1)
    }
}
