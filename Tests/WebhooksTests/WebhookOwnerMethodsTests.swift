import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Secrets
import SigilAPI
import SigilService
import Testing
import WebhookSignature
import XRPC

@testable import Webhooks

/// Through the assembled server (``SigilServer``): callers sign real service JWTs with keys the stand-in PLC
/// publishes, checked by the real authenticator.
@Suite("dev.sigil.webhook.* for webhook owners", .serialized)
struct WebhookOwnerMethodsTests {
    static let accounts = [alice: TestAccount(alice), bob: TestAccount(bob)]

    func call(_ client: any TestClientProtocol, _ method: String, as did: String, _ body: String? = nil, query: String = "") async throws -> (
        HTTPResponse.Status, JSONValue, String
    ) {
        let account = try #require(Self.accounts[did])
        var headers: HTTPFields = [.authorization: "Bearer " + (try account.token(lxm: "dev.sigil.webhook.\(method)"))]
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: "/xrpc/dev.sigil.webhook.\(method)\(query)", method: body == nil ? .get : .post, headers: headers,
            body: body.map { ByteBuffer(string: $0) })
        let bytes = Array(response.body.readableBytesView)
        return (response.status, (try? JSONValue(parsing: bytes)) ?? .null, String(decoding: bytes, as: UTF8.self))
    }

    @Test(arguments: StoreKind.enabled)
    func ownersSeeTheirDeliveriesRedeliverTestAndPause(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            for (did, account) in Self.accounts { await network.publishDID(did, key: account.multikey) }
            let pipeline = try await Pipeline.make(network: network, store: kind)
            let base = await network.base
            let app = pipeline.server.application
            // The application's own services (delivery worker, Jetstream consumer, key scheduler) run with it.
            do {
                try await app.test(.router) { client in
                    #expect(try await eventually { await network.subscriberCount > 0 })
                    try await self.exercise(client, pipeline, network, base)
                }
            } catch {
                await pipeline.cleanUp()
                throw error
            }
            await pipeline.cleanUp()
        }
    }

    func exercise(_ client: any TestClientProtocol, _ pipeline: Pipeline, _ network: StandInNetwork, _ base: String) async throws {
        var time: Int64 = 1_700_000_000_000_000
        func next() -> Int64 {
            time += 1_000
            return time
        }
        let first = try await pipeline.secrets.create(owner: alice, name: "deploy").token
        let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy")
        await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
        await network.emit(commitEvent(did: alice, time: next(), operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
        #expect(try await eventually { pipeline.registry.index.count == 1 })

        // A delivery that fails once, then succeeds.
        await network.script(statuses: [503])
        await network.emit(
            commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: ["text": "hi"]))
        #expect(try await eventually { try await pipeline.store.deliveries(status: .delivered, limit: 1).count == 1 })

        let listed = try await call(client, "listDeliveries", as: alice, query: "?webhook=w1")
        #expect(listed.0 == .ok, "\(listed.2)")
        let entry = try #require(listed.1["deliveries"]?.arrayValue?.first)
        #expect(entry["status"] == "delivered" && entry["attempts"] == 2 && entry["lastStatus"] == 200, "\(listed.2)")
        #expect(entry["event"] == "create" && entry["collection"] == "app.bsky.feed.post" && entry["rkey"] == "p1" && entry["webhook"] == "w1")
        #expect(!listed.2.contains("whsec_") && !listed.2.contains("v1,") && !listed.2.contains("sha256="))
        let id = try #require(entry["id"]?.stringValue)

        let got = try await call(client, "getDelivery", as: alice, query: "?id=\(id)")
        #expect(got.0 == .ok, "\(got.2)")
        #expect(got.1["attempts"]?.arrayValue?.map { $0["status"] } == [503, 200])
        #expect(got.1["attempts"]?.arrayValue?.first?["error"] == "HTTP 503")
        #expect(got.1["payload"]?.stringValue == String(decoding: await network.received[1].body, as: UTF8.self))

        // Another account sees none of it.
        #expect(try await call(client, "listDeliveries", as: bob, query: "?webhook=w1").1["error"] == "NotFound")
        #expect(try await call(client, "getDelivery", as: bob, query: "?id=\(id)").1["error"] == "NotFound")
        #expect(try await call(client, "redeliver", as: bob, #"{"id":"\#(id)"}"#).1["error"] == "NotFound")
        #expect(try await call(client, "sendTest", as: bob, #"{"webhook":"w1"}"#).1["error"] == "NotFound")
        #expect(try await call(client, "setEnabled", as: bob, #"{"webhook":"w1","enabled":false}"#).1["error"] == "NotFound")

        // Redeliver after a rotation: the same webhook-id, signed with the current token only.
        let second = try await pipeline.secrets.rotate(owner: alice, name: "deploy").token
        let redelivered = try await call(client, "redeliver", as: alice, #"{"id":"\#(id)"}"#)
        #expect(redelivered.0 == .ok && redelivered.1["status"] == "pending", "\(redelivered.2)")
        #expect(try await eventually { await network.received.count == 3 })
        let again = await network.received[2]
        #expect(again.id == id)
        #expect((try? WebhookVerifier(token: second.text).verify(body: again.body, headers: again.headers)) != nil)
        #expect((try? WebhookVerifier(token: first.text).verify(body: again.body, headers: again.headers)) == nil)
        #expect(try await eventually { try await call(client, "getDelivery", as: alice, query: "?id=\(id)").1["attempts"]?.arrayValue?.count == 3 })

        // A test ping, answered synchronously; then one the receiver refuses.
        let ping = try await call(client, "sendTest", as: alice, #"{"webhook":"w1"}"#)
        #expect(ping.0 == .ok && ping.1["ok"] == true && ping.1["status"] == 200, "\(ping.2)")
        let pinged = await network.received[3]
        #expect((try? JSONValue(parsing: pinged.body))?["event"] == "ping")
        #expect((try? WebhookVerifier(token: second.text).verify(body: pinged.body, headers: pinged.headers)) != nil)
        await network.script(statuses: [500])
        let refused = try await call(client, "sendTest", as: alice, #"{"webhook":"w1"}"#)
        #expect(refused.1["ok"] == false && refused.1["status"] == 500 && refused.1["error"] == "HTTP 500", "\(refused.2)")
        #expect(try await pipeline.queued() == 1, "test pings are not queued")
        // Every attempt (the first, its retry, the redelivery, both pings) carries Idempotency-Key = webhook-id, as
        // wisp.place's deliveries do; a delivery's stays the same across its attempts.
        let sent = await network.received
        #expect(sent.count >= 5)
        for attempt in sent {
            #expect(
                attempt.headers["idempotency-key"] != nil && attempt.headers["idempotency-key"] == attempt.headers["webhook-id"], "\(attempt.headers)"
            )
        }
        #expect(Set(sent.filter { $0.id == id }.compactMap { $0.headers["idempotency-key"] }) == [id])

        // Pause and resume without touching the record.
        let paused = try await call(client, "setEnabled", as: alice, #"{"webhook":"w1","enabled":false}"#)
        #expect(paused.0 == .ok && paused.1["enabled"] == false, "\(paused.2)")
        #expect(pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.disabledReason == "paused by its owner")
        #expect(try await call(client, "redeliver", as: alice, #"{"id":"\#(id)"}"#).1["error"] == "InvalidRequest")
        await network.emit(commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p2", record: [:]))
        #expect(try await pipeline.settled(at: time))
        #expect(try await pipeline.queued() == 1, "a paused webhook queued a delivery")
        let resumed = try await call(client, "setEnabled", as: alice, #"{"webhook":"w1","enabled":true}"#)
        #expect(resumed.0 == .ok && resumed.1["enabled"] == true)
        await network.emit(commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p3", record: [:]))
        #expect(try await eventually { try await pipeline.store.deliveries(status: .delivered, limit: 10).count == 2 })

        // Pages, filters and bad parameters.
        let one = try await call(client, "listDeliveries", as: alice, query: "?webhook=w1&limit=1")
        #expect(one.1["deliveries"]?.arrayValue?.first?["rkey"] == "p3")
        let cursor = try #require(one.1["cursor"]?.stringValue)
        let older = try await call(client, "listDeliveries", as: alice, query: "?webhook=w1&limit=1&cursor=\(cursor)")
        #expect(older.1["deliveries"]?.arrayValue?.first?["rkey"] == "p1" && older.1["cursor"] == nil, "\(older.2)")
        #expect(try await call(client, "listDeliveries", as: alice, query: "?webhook=w1&status=dead").1["deliveries"] == [])
        #expect(try await call(client, "listDeliveries", as: alice, query: "?webhook=w1&status=paused").1["error"] == "InvalidRequest")
        #expect(try await call(client, "listDeliveries", as: alice, query: "?webhook=w1&cursor=junk").1["error"] == "InvalidRequest")
        #expect(try await call(client, "getDelivery", as: alice, query: "?id=nope").1["error"] == "NotFound")
    }
}
