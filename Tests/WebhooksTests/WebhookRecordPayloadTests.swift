import Foundation
import Lexicon
import Secrets
import SigilTestSupport
import Testing

@testable import Webhooks

/// A webhook that watches `place.wisp.v2.wh` records (its owner's own webhooks) is told about a new webhook, but
/// never about its plaintext `secret`: not in the record, not anywhere in the body, created or updated.
@Suite("A webhook record's secret is never delivered")
struct WebhookRecordPayloadTests {
    @Test func aWatchedWebhookRecordArrivesWithoutItsSecret() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network)
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
                // The watcher: alice's webhook on her own webhook records.
                let watcher = webhookRecord(url: base + "/hook", scope: "at://\(alice)/place.wisp.v2.wh", secretId: "deploy")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "watcher", watcher)
                await network.emit(
                    commitEvent(
                        did: alice, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "watcher",
                        record: watcher))
                #expect(try await eventually { pipeline.registry.index.count == 1 })

                // Another webhook with an inline plaintext secret, created and then updated.
                let plaintext = ["plaintext-hook-secret-9f1c2e", "plaintext-hook-secret-updated-77ab"]
                for (index, secret) in plaintext.enumerated() {
                    let inline = webhookRecord(url: base + "/other", scope: "at://\(alice)/app.bsky.feed.post", secret: secret)
                    await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "inline", inline)
                    await network.emit(
                        commitEvent(
                            did: alice, time: 2_000 + Int64(index), operation: index == 0 ? "create" : "update",
                            collection: "place.wisp.v2.wh", rkey: "inline", record: inline))
                    #expect(try await eventually { await network.received.count == index + 1 })
                }
                let received = await network.received
                #expect(received.count == 2)
                for delivery in received {
                    let payload = try JSONValue(parsing: delivery.body)
                    let record = try #require(payload["record"]?.objectValue, "\(String(decoding: delivery.body, as: UTF8.self))")
                    #expect(payload["collection"] == "place.wisp.v2.wh" && payload["rkey"] == "inline")
                    #expect(record["url"] == .string(base + "/other"), "the rest of the record is delivered")
                    #expect(record["secret"] == nil, "the record carries its secret")
                    let text = String(decoding: delivery.body, as: UTF8.self)
                    for secret in plaintext { #expect(!text.contains(secret), "the body carries a webhook's plaintext secret") }
                }
            }
        }
    }
}
