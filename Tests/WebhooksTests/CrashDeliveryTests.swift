import Foundation
import Lexicon
import Secrets
import SigilTestSupport
import Testing
import WebhookSignature

@Suite("Delivery queue survives SIGKILL", .serialized, .tags(.process, .slow), .kinds(.process, .slow))
struct CrashDeliveryTests {
    /// Events flow in, `sigil serve` is killed mid-queue, restarted. The promise is at-least-once with stable ids:
    /// every accepted event arrives, each under one id only (a receiver that dedupes by `webhook-id` sees it
    /// exactly once), each copy correctly signed; the only repeats are the attempts in flight at the kill (at
    /// most the attempts in flight then: 32, the worker's concurrency).
    @Test(.tags(.process, .slow), .kinds(.process, .slow))
    func everyAcceptedEventIsDeliveredAfterARestart() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let base = await network.base
            let port = await network.port
            let token = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: token)
            await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-queue-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let arguments = [
                "--port", "0", "--data-dir", directory, "--log-level", "trace", "--insecure-loopback",
                "--jetstream-url", "ws://127.0.0.1:\(port)/subscribe", "--plc-url", base + "/plc",
            ]
            var server = try ServeProcess(arguments)
            let url = "http://127.0.0.1:\(try await server.waitUntilListening())"
            #expect(try await eventually { await network.subscriberCount == 1 })

            var time: Int64 = 1_700_000_000_000_000
            await network.emit(commitEvent(did: alice, time: time, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
            // The webhook is read back in the background: wait until it is active, then a probe gets delivered.
            #expect(try await webhooksActive(url, 1))
            time += 1_000
            await network.emit(commitEvent(did: alice, time: time, operation: "create", collection: "app.bsky.feed.post", rkey: "probe", record: [:]))
            #expect(try await eventually(.seconds(15)) { await network.received.count >= 1 })

            // A slow receiver, a burst of events, and a kill while the queue is half done.
            await network.setReceiverDelay(.milliseconds(40))
            let total = 120
            for i in 0..<total {
                time += 1_000
                await network.emit(
                    commitEvent(
                        did: alice, time: time, operation: "create", collection: "app.bsky.feed.post", rkey: "p\(i)",
                        record: ["n": .integer(Int64(i))]))
            }
            let midway = try await network.waitForUniqueDeliveries(20, timeout: .seconds(30))
            #expect(midway)
            kill(server.process.processIdentifier, SIGKILL)
            _ = try await server.waitForExit()
            let beforeRestart = await network.uniqueDeliveries.count
            #expect(beforeRestart < total + 1, "the kill came too late to test anything")

            await network.setReceiverDelay(.zero)
            server = try ServeProcess(arguments)
            let restarted = "http://127.0.0.1:\(try await server.waitUntilListening())"
            let complete = try await network.waitForUniqueDeliveries(total + 1, timeout: .seconds(30))
            let delivered = await network.uniqueDeliveries.count
            #expect(complete, "delivered \(delivered) of \(total + 1)")
            // Settled: the queue reports nothing pending (no attempt is left to repeat anything).
            #expect(try await metric(restarted, "webhook_deliveries_queued", is: 0))
            #expect(await network.uniqueDeliveries.count == total + 1)

            // Every event arrived, and every copy is correctly signed.
            let received = await network.received
            print(
                "kill-mid-queue: \(beforeRestart) of \(total + 1) delivered before SIGKILL; \(received.count) copies received for \(total + 1) events"
            )
            var idsByRKey: [String: Set<String>] = [:]
            for delivery in received {
                guard let rkey = (try? JSONValue(parsing: delivery.body))?["rkey"]?.stringValue else {
                    Issue.record("a body without rkey")
                    continue
                }
                idsByRKey[rkey, default: []].insert(delivery.id)
            }
            #expect(Set(idsByRKey.keys) == Set((0..<total).map { "p\($0)" } + ["probe"]))
            #expect(idsByRKey.values.allSatisfy { $0.count == 1 }, "an event was delivered under two ids")
            #expect(received.count - (total + 1) <= 32, "\(received.count - (total + 1)) repeats; at most the 32 in flight at the kill may repeat")
            let verifier = try WebhookVerifier(token: token)
            for delivery in received { #expect((try? verifier.verify(body: delivery.body, headers: delivery.headers)) != nil) }
            // The restarted consumer resumed from its stored cursor.
            let resumedWithCursor = await network.cursors.last??.isEmpty == false
            #expect(resumedWithCursor)

            kill(server.process.processIdentifier, SIGTERM)
            _ = try await server.waitForExit()
            // The inline token never reaches the logs.
            #expect(!server.stderr.contains(token))
        }
    }
}
