import Foundation
import Lexicon
import Secrets
import Testing
import WebhookSignature

@testable import Webhooks

/// A clock the test moves by hand, starting now (milliseconds since the Unix epoch).
final class MovableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64 = 0
    var read: @Sendable () -> Int64 { { [self] in Int64(Date().timeIntervalSince1970 * 1000) + lock.withLock { offset } } }
    func advance(seconds: Int64) { lock.withLock { offset += seconds * 1000 } }
}

@Suite("Deliveries during an overlap", .serialized)
struct OverlapDeliveryTests {
    /// Verifies `delivery` with the stock Python library and with Sigil's verifier, for each token.
    func verifies(_ delivery: StandInNetwork.Received, _ token: SigningToken) async throws -> (python: Bool, sigil: Bool) {
        let python = try await verifiedByPython(token: token.text, headers: delivery.headers, body: delivery.body)
        let sigil = (try? WebhookVerifier(token: token.text).verify(body: delivery.body, headers: delivery.headers)) != nil
        return (python, sigil)
    }

    @Test func everyLiveTokenSignsUntilTheOverlapEndsOrIsRevoked() async throws {
        let network = StandInNetwork()
        let clock = MovableClock()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network, clock: clock.read)
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                var time: Int64 = 1_700_000_000_000_000
                func next() -> Int64 {
                    time += 1_000
                    return time
                }
                func post(_ rkey: String) async {
                    await network.emit(
                        commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: rkey, record: [:]))
                }

                let first = try await pipeline.secrets.create(owner: alice, name: "deploy").token
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", events: ["create"], secretId: "deploy")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
                #expect(try await eventually { pipeline.registry.index.count == 1 })

                // In the overlap: two v1 signatures, newest first; either token verifies, with the stock library too.
                let second = try await pipeline.secrets.rotate(
                    owner: alice, name: "deploy", request: RotationRequest(overlapSeconds: 600, by: .account)
                ).token
                await post("p1")
                #expect(try await eventually { await network.received.count == 1 })
                let overlapping = await network.received[0]
                let entries = overlapping.headers["webhook-signature"]?.split(separator: " ") ?? []
                #expect(entries.count == 2 && entries.allSatisfy { $0.hasPrefix("v1,") })
                #expect(try await verifies(overlapping, second) == (true, true))
                let old = try await verifies(overlapping, first)
                #expect(old == (true, true), "\(old)")
                // wisp's header carries one signature, the new token's.
                #expect(overlapping.headers["x-webhook-signature"] == (try WebhookSigner(token: second.text)).wispSignature(body: overlapping.body))

                // Revoked: only the new token verifies from then on.
                _ = try await pipeline.secrets.revokePrevious(owner: alice, name: "deploy")
                await post("p2")
                #expect(try await eventually { await network.received.count == 2 })
                let revoked = await network.received[1]
                #expect(revoked.headers["webhook-signature"]?.split(separator: " ").count == 1)
                #expect(try await verifies(revoked, second) == (true, true))
                #expect(try await verifies(revoked, first) == (false, false))

                // A window that runs out: the same.
                let third = try await pipeline.secrets.rotate(
                    owner: alice, name: "deploy", request: RotationRequest(overlapSeconds: 60, by: .account)
                ).token
                clock.advance(seconds: 60)
                await post("p3")
                #expect(try await eventually { await network.received.count == 3 })
                let ended = await network.received[2]
                #expect(try await verifies(ended, third) == (true, true))
                #expect(try await verifies(ended, second) == (false, false))

                // Expired: nothing goes out (never unsigned); the delivery waits with the reason, and goes out signed
                // by the new token once the account rotates.
                _ = try await pipeline.secrets.setPolicy(owner: alice, name: "deploy", RotationPolicy(rotationPeriodSeconds: 3_600))
                clock.advance(seconds: 3_600)
                await post("p4")
                #expect(
                    try await eventually {
                        try await pipeline.store.deliveries(status: .pending, limit: 10).contains {
                            $0.lastError?.contains("rotation period") == true
                        }
                    })
                #expect(await network.received.count == 3)
                let fourth = try await pipeline.secrets.rotate(owner: alice, name: "deploy").token
                #expect(try await eventually { await network.received.count == 4 })
                let revived = await network.received[3]
                #expect(try await verifies(revived, fourth) == (true, true))
                #expect(try await verifies(revived, third) == (false, false))
            }
            await pipeline.cleanUp()
        }
    }
}
