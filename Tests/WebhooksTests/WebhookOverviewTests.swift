import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Secrets
import SigilTestSupport
import Storage
import Testing

/// `dev.sigil.webhook.list` and `.recover` through the assembled server, with real service JWTs.
@Suite("dev.sigil.webhook.list and recover", .serialized)
struct WebhookOverviewTests {
    let owners = WebhookOwnerMethodsTests()

    /// Runs `body` with a client of `pipeline`'s application (its services running) against `network`.
    func withOwnerClient(
        _ kind: StoreKind, retries: Int = 3,
        _ body: @escaping @Sendable (any TestClientProtocol, Pipeline, StandInNetwork, String) async throws -> Void
    ) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            for (did, account) in WebhookOwnerMethodsTests.accounts { await network.publishDID(did, key: account.multikey) }
            let pipeline = try await Pipeline.make(network: network, store: kind, retries: retries)
            let base = await network.base
            do {
                try await pipeline.server.application.test(.router) { client in
                    #expect(try await eventually { await network.subscriberCount > 0 })
                    try await body(client, pipeline, network, base)
                }
            } catch {
                await pipeline.cleanUp()
                throw error
            }
            await pipeline.cleanUp()
        }
    }

    static func publish(_ network: StandInNetwork, _ owner: String, _ rkey: String, _ record: JSONValue, time: Int64) async {
        await network.putRecord(did: owner, collection: "place.wisp.v2.wh", rkey: rkey, record)
        await network.emit(commitEvent(did: owner, time: time, operation: "create", collection: "place.wisp.v2.wh", rkey: rkey, record: record))
    }

    /// Each account sees its own webhooks as Sigil runs them: what signs them, paused or not and why, a change
    /// whose read-back keeps failing, pending deliveries, the last attempt, the last day's success rate and
    /// median latency. Never a token or an inline secret.
    @Test(arguments: StoreKind.enabled)
    func ownersSeeTheirWebhooksAsSigilRunsThem(_ kind: StoreKind) async throws {
        try await withOwnerClient(kind) { client, pipeline, network, base in
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            let inline = "an-inline-secret-of-the-record-itself"
            await Self.publish(
                network, alice, "w1", webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy"), time: 1_000)
            await Self.publish(
                network, alice, "w2", webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.like", secret: inline), time: 1_001)
            await Self.publish(
                network, bob, "b1", webhookRecord(url: base + "/hook", scope: "at://\(bob)/app.bsky.feed.post", secret: "b"), time: 1_002)
            #expect(try await eventually { pipeline.registry.index.count == 3 })

            // w1: one delivery refused once (503), then delivered.
            await network.script(statuses: [503])
            await network.emit(commitEvent(did: alice, time: 2_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
            #expect(try await eventually { try await pipeline.store.deliveries(status: .delivered, limit: 5).count == 1 })
            // w2: a change whose read-back fails (its PDS answers 503): the old state runs, the failure shows.
            await network.failRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w2")
            await network.emit(
                commitEvent(
                    did: alice, time: 3_000, operation: "update", collection: "place.wisp.v2.wh", rkey: "w2",
                    record: webhookRecord(url: base + "/elsewhere", scope: "at://\(alice)/app.bsky.feed.like", secret: inline)))
            #expect(try await eventually { try await !pipeline.store.pendingReadbacks(owner: alice, dueAt: nil, limit: 5).isEmpty })

            let (status, listed, text) = try await owners.call(client, "list", as: alice)
            #expect(status == .ok, "\(text)")
            let views = try #require(listed["webhooks"]?.arrayValue)
            #expect(views.map { $0["webhook"] } == ["w1", "w2"], "alice's two, not bob's")
            let w1 = views[0]
            #expect(w1["url"] == .string(base + "/hook") && w1["signedWith"] == "deploy" && w1["inlineSecret"] == nil)
            #expect(w1["enabled"] == true && w1["recordEnabled"] == true && w1["pausedReason"] == nil && w1["readback"] == nil)
            #expect(w1["pending"] == 0)
            #expect(w1["lastAttempt"]?["status"] == 200, "\(w1)")
            #expect(w1["last24h"]?["attempts"] == 2 && w1["last24h"]?["succeeded"] == 1 && w1["last24h"]?["successPercent"] == 50, "\(w1)")
            #expect(w1["last24h"]?["medianLatencyMs"]?.integerValue != nil)
            #expect(Datetime.isValid(w1["recordReadAt"]?.stringValue ?? ""))
            let w2 = views[1]
            #expect(w2["inlineSecret"] == true && w2["signedWith"] == nil && w2["url"] == .string(base + "/hook"), "the state that runs: \(w2)")
            #expect(w2["readback"]?["attempts"]?.integerValue ?? 0 >= 1 && w2["readback"]?["lastError"]?.stringValue?.isEmpty == false, "\(w2)")
            #expect(w2["last24h"] == ["attempts": 0, "succeeded": 0] && w2["lastAttempt"] == nil)
            #expect(!text.contains(inline) && !text.contains("whsec_"), "never a secret")

            // Paused by its owner: the list says so, and why.
            _ = try await owners.call(client, "setEnabled", as: alice, #"{"webhook":"w1","enabled":false}"#)
            let paused = try await owners.call(client, "list", as: alice).1["webhooks"]?.arrayValue?.first
            #expect(paused?["enabled"] == false && paused?["pausedReason"] == "paused by its owner", "\(String(describing: paused))")

            let bobs = try await owners.call(client, "list", as: bob).1["webhooks"]?.arrayValue
            #expect(bobs?.map { $0["webhook"] } == ["b1"])
        }
    }

    /// Deliveries that died while the receiver was down are queued again for a window: each once, with its
    /// original id (webhook-id), signed with the token that signs now; a second call queues nothing more.
    @Test(arguments: StoreKind.enabled)
    func recoverQueuesTheWindowsDeadDeliveriesOnce(_ kind: StoreKind) async throws {
        try await withOwnerClient(kind, retries: 0) { client, pipeline, network, base in
            _ = try await pipeline.secrets.create(owner: alice, name: "deploy")
            await Self.publish(
                network, alice, "w1", webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secretId: "deploy"), time: 1_000)
            #expect(try await eventually { pipeline.registry.index.count == 1 })
            let start = Timestamp.iso8601(milliseconds: SystemClock.milliseconds() - 60_000)
            await network.script(statuses: [500, 500, 500])
            for i in 0..<3 {
                await network.emit(
                    commitEvent(did: alice, time: 2_000 + Int64(i), operation: "create", collection: "app.bsky.feed.post", rkey: "p\(i)", record: [:])
                )
            }
            #expect(try await eventually { try await pipeline.store.deliveries(status: .dead, limit: 5).count == 3 })
            let deadIDs = Set(await network.received.map(\.id))
            #expect(deadIDs.count == 3)

            for (label, input, error) in [
                ("another account's webhook", #"{"webhook":"w1","since":"\#(start)"}"#, "NotFound"),
                ("a missing webhook", #"{"webhook":"nope","since":"\#(start)"}"#, "NotFound"),
                ("an empty window", #"{"webhook":"w1","since":"\#(start)","until":"\#(start)"}"#, "InvalidRequest"),
                ("since without a timezone", #"{"webhook":"w1","since":"2026-12-05T00:00:00"}"#, "InvalidRequest"),
            ] {
                let caller = label == "another account's webhook" ? bob : alice
                let (status, body, _) = try await owners.call(client, "recover", as: caller, input)
                #expect(status == .badRequest && body["error"] == .string(error), "\(label): \(body)")
            }
            // Before the deliveries were made: nothing to recover.
            let before = Timestamp.iso8601(milliseconds: SystemClock.milliseconds() - 3_600_000)
            let none = try await owners.call(client, "recover", as: alice, #"{"webhook":"w1","since":"\#(before)","until":"\#(start)"}"#)
            #expect(none.1 == ["queued": 0, "more": false], "\(none.2)")

            let rotated = try await pipeline.secrets.rotate(owner: alice, name: "deploy").token
            let (status, recovered, text) = try await owners.call(client, "recover", as: alice, #"{"webhook":"w1","since":"\#(start)"}"#)
            #expect(status == .ok && recovered == ["queued": 3, "more": false], "\(text)")
            let again = try await owners.call(client, "recover", as: alice, #"{"webhook":"w1","since":"\#(start)"}"#)
            #expect(again.1["queued"] == 0, "already queued (or delivered): not twice")
            #expect(try await eventually { try await pipeline.store.deliveries(status: .delivered, limit: 5).count == 3 })
            let resent = await network.received.dropFirst(3)
            #expect(resent.count == 3 && Set(resent.map(\.id)) == deadIDs, "each with its original id, once")
            #expect(resent.allSatisfy { wispSigned($0, by: rotated.text) }, "signed with the token that signs now")
        }
    }

    /// What `recover` queues again: a webhook's dead and cancelled deliveries created in `[from, until)` that kept
    /// a body, oldest first; never a pending or delivered one (their chains are live or done), never one stored
    /// without a body, never another webhook's or account's; never past the webhook's pending cap; and calls racing
    /// for one window queue each delivery once.
    @Test(arguments: StoreKind.enabled)
    func recoverQueuesOnlyDeadAndCancelledDeliveriesWithABody(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.deliveries
            func delivery(_ id: String, owner: String = alice, webhook: String = "w1", at: Int64, notQueued: String? = nil) -> NewDelivery {
                NewDelivery(
                    id: id, owner: owner, webhookRKey: webhook, url: "https://example.com/h", secretName: "s", inlineSecret: nil,
                    body: notQueued == nil ? Array(#"{"id":"\#(id)"}"#.utf8) : [], createdAt: at, notQueued: notQueued)
            }
            try await store.enqueue(
                [
                    delivery("00-pending", at: 100), delivery("01-delivered", at: 101), delivery("02-dead", at: 102),
                    delivery("03-cancelled", at: 103),
                    delivery("04-dead-late", at: 200), delivery("05-bobs", owner: bob, at: 102), delivery("06-other", webhook: "w2", at: 102),
                ] + (0..<20).map { delivery("1\(String(format: "%02d", $0))-dead", at: 300 + Int64($0)) }, cursor: nil)
            try await store.enqueue([delivery("07-bodiless", at: 104, notQueued: "not queued: over the cap")], cursor: nil)
            let claimed = try await store.claimDue(now: 1_000, limit: 100, leaseUntil: 60_000)
            for item in claimed {
                switch item.delivery.id {
                case "01-delivered": #expect(try await store.markDelivered(id: item.delivery.id, lease: 60_000, attempts: 1, at: 1_001))
                case "03-cancelled": #expect(try await store.markCancelled(id: item.delivery.id, lease: 60_000, error: "gone", at: 1_001))
                case "00-pending":
                    #expect(
                        try await store.markRetry(id: item.delivery.id, lease: 60_000, attempts: 1, nextAttemptAt: 99_000, error: "503", at: 1_001))
                default: #expect(try await store.markDead(id: item.delivery.id, lease: 60_000, attempts: 1, error: "500", at: 1_001))
                }
            }
            let log = stores.deliveryLog
            func recover(from: Int64, until: Int64, limit: Int = 1_000, maxPending: Int = 10_000) async throws -> (queued: Int, more: Bool) {
                try await log.recover(
                    owner: alice, webhookRKey: "w1", from: from, until: until, limit: limit, maxPending: maxPending, url: "https://example.com/new",
                    secretName: "s", inlineSecretFingerprint: nil, at: 2_000)
            }
            func status(_ id: String) async throws -> DeliveryStatus? {
                try await log.delivery(owner: id == "05-bobs" ? bob : alice, id: id)?.delivery.status
            }

            // until is exclusive; 04 (at 200) stays dead.
            #expect(try await recover(from: 0, until: 200) == (2, false))
            var statuses: [String: DeliveryStatus] = [:]
            for id in ["00-pending", "01-delivered", "02-dead", "03-cancelled", "04-dead-late", "05-bobs", "06-other", "07-bodiless"] {
                statuses[id] = try await status(id)
            }
            #expect(
                statuses == [
                    "00-pending": .pending, "01-delivered": .delivered, "02-dead": .pending, "03-cancelled": .pending, "04-dead-late": .dead,
                    "05-bobs": .dead, "06-other": .dead, "07-bodiless": .cancelled,
                ])
            #expect(try await recover(from: 0, until: 200) == (0, false), "already queued: not twice")

            // The pending cap: 3 are pending now (00, 02, 03); with a cap of 5, two more.
            #expect(try await recover(from: 0, until: 10_000, maxPending: 5) == (2, true))
            // Racing calls for the rest of the window: each delivery once, 19 in all.
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await recover(from: 0, until: 10_000, limit: 10).queued } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.reduce(0, +) == 19, "\(results)")
            #expect(try await recover(from: 0, until: 10_000) == (0, false))
        }
    }
}
