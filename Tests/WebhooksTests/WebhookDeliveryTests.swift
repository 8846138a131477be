import AsyncHTTPClient
import BundledLexicons
import Foundation
import Identity
import Jetstream
import Lexicon
import Logging
import NetworkPolicy
import Prometheus
import SQLiteStore
import Secrets
import SigilService
import Storage
import Testing
import WebhookSignature

@testable import Webhooks

/// The delivery pipeline of `sigil serve`, in process: the parts ``SigilServer`` assembles (registry, worker,
/// Jetstream consumer, secrets, signing keys), against the stand-in network, on a store of either kind.
struct Pipeline {
    let server: SigilServer
    /// The backend's stores; ``store`` is its delivery queue.
    let stores: Stores
    var store: any DeliveryStore { stores.deliveries }
    var secrets: SecretService { server.secrets }
    /// Signing keys in the same store under the same master key (v1a deliveries).
    var signingKeys: SigningKeyService { server.signingKeys }
    var registry: WebhookRegistry { server.webhooks }
    var worker: DeliveryWorker { server.worker }
    let consumer: JetstreamConsumer
    /// The consumer's processor: ``settled(at:)`` flushes its cursor.
    var processor: EventProcessor { server.events }
    /// Closes the store and removes it (its directory, or its PostgreSQL schema); ``cleanUp()`` calls it.
    let removeStore: @Sendable () async -> Void

    static func make(
        network: StandInNetwork,
        store kind: StoreKind = .sqlite,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds,
        autoDisableAfter: Duration = .seconds(3 * 86_400),
        retries: Int = 3,
        configure: @escaping @Sendable (inout DeliveryWorker.Configuration) -> Void = { _ in }
    ) async throws -> Pipeline {
        let (stores, removeStore) = try await kind.openStores()
        return try await make(
            network: network, stores: stores, removeStore: removeStore, clock: clock, autoDisableAfter: autoDisableAfter, retries: retries,
            configure: configure)
    }

    /// The pipeline over `stores` (the test opened them; `removeStore` is what ``cleanUp()`` calls after closing).
    static func make(
        network: StandInNetwork, stores: Stores, removeStore: @escaping @Sendable () async -> Void,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds, autoDisableAfter: Duration = .seconds(3 * 86_400),
        retries: Int = 3, keys: MasterKeyRing = MasterKeyRing(current: .generate()), tune: @Sendable (inout SigilServer.Tuning) -> Void = { _ in },
        server: @Sendable (inout SigilServer.Configuration) -> Void = { _ in },
        configure: @escaping @Sendable (inout DeliveryWorker.Configuration) -> Void = { _ in }
    ) async throws -> Pipeline {
        let base = await network.base
        var configuration = SigilServer.Configuration()
        configuration.jetstreamURL = "ws://127.0.0.1:\(await network.port)/subscribe"
        configuration.plcURL = base + "/plc"
        configuration.insecureLoopback = true
        server(&configuration)
        var tuning = SigilServer.Tuning()
        tuning.clock = clock
        tuning.didCacheTTL = .milliseconds(1)
        tuning.pauseFailingAfter = autoDisableAfter
        tuning.deliveryWorker = { worker in
            // Retries wait 1 s: time enough for the test to rotate the secret between an attempt and its retry.
            worker.schedule = RetrySchedule(delays: Array(repeating: .seconds(1), count: retries))
            worker.pollInterval = .milliseconds(20)
            configure(&worker)
        }
        tune(&tuning)
        let server: SigilServer
        do {
            server = try await SigilServer.build(
                configuration: configuration, stores: stores, keys: keys,
                catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")), metrics: PrometheusCollectorRegistry(),
                logger: Logger(label: "test"), tuning: tuning)
        } catch {
            await removeStore()
            throw error
        }
        let consumer = try #require(server.jetstream, "the server was given a Jetstream URL")
        return Pipeline(server: server, stores: stores, consumer: consumer, removeStore: removeStore)
    }

    func run<T: Sendable>(network: StandInNetwork, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await worker.run()
                return nil
            }
            group.addTask {
                try await consumer.run()
                return nil
            }
            group.addTask {
                try await server.maintenance.run()
                return nil
            }
            #expect(try await eventually { await network.subscriberCount > 0 })
            do {
                let result = try await body()
                group.cancelAll()
                await cleanUp()
                return result
            } catch {
                group.cancelAll()
                await cleanUp()
                throw error
            }
        }
    }

    /// Closes what the server opened (its outbound clients, the stores) and removes the store (``run(network:_:)``
    /// does it; call it when not running). Safe to call twice.
    func cleanUp() async {
        await server.close()
        await removeStore()
    }

    /// Waits until every event up to `time` was processed: the cursor, flushed on request, reaches it. Events
    /// that queue nothing store their cursor lazily; this is the condition to wait for instead of sleeping.
    func settled(at time: Int64) async throws -> Bool {
        try await eventually {
            try await processor.flush()
            return try await store.cursor(EventProcessor.cursorName) == time
        }
    }

    /// Deliveries queued so far, in any state.
    func queued() async throws -> Int {
        try await store.deliveryCounts().values.reduce(0, +)
    }
}

func webhookRecord(url: String, scope: String, events: [String]? = nil, secretId: String? = nil, secret: String? = nil) -> JSONValue {
    var record: [String: JSONValue] = [
        "$type": "place.wisp.v2.wh", "url": .string(url), "scope": ["aturi": .string(scope)],
        "createdAt": "2026-11-23T10:00:00.000Z",
    ]
    if let events { record["events"] = .array(events.map(JSONValue.string)) }
    if let secretId { record["secretId"] = .string(secretId) }
    if let secret { record["secret"] = .string(secret) }
    return .object(record)
}

@Suite("Webhook deliveries end to end", .serialized)
struct WebhookDeliveryTests {
    @Test func signedDeliveriesFollowTheSecretThroughRotationAndDeletion() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network)
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                var time: Int64 = 1_700_000_000_000_000
                func next() -> Int64 {
                    time += 1_000
                    return time
                }

                // A secret, and a webhook record naming it, read back from the PDS after the commit event.
                let first = try await pipeline.secrets.create(owner: alice, name: "deploy").token
                let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", events: ["create"], secretId: "deploy")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
                #expect(try await eventually { pipeline.registry.index.count == 1 })

                // A matching event: exactly one delivery, verified by our verifier and by the Python library.
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: ["text": "hi"]))
                #expect(try await eventually { await network.received.count == 1 })
                let delivery = await network.received[0]
                #expect(delivery.headers["content-type"] == "application/json")
                #expect(delivery.headers["user-agent"]?.hasPrefix("sigil-webhook/") == true)
                #expect(try WebhookVerifier(token: first.text).verify(body: delivery.body, headers: delivery.headers).count == 2)
                #expect(try await verifiedByPython(token: first.text, headers: delivery.headers, body: delivery.body))
                let payload = try JSONValue(parsing: delivery.body)
                #expect(payload["event"] == "create" && payload["did"] == .string(alice) && payload["collection"] == "app.bsky.feed.post")
                #expect(payload["rkey"] == "p1" && payload["record"] == ["text": "hi"] && payload["id"] == .string(delivery.id))
                #expect(Datetime.isValid(payload["timestamp"]?.stringValue ?? ""))

                // Events out of scope or filtered out deliver nothing.
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.like", rkey: "l1", record: [:]))
                await network.emit(
                    commitEvent(did: bob, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
                await network.emit(commitEvent(did: alice, time: next(), operation: "delete", collection: "app.bsky.feed.post", rkey: "p1"))
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "update", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
                #expect(try await pipeline.settled(at: time))
                #expect(try await pipeline.queued() == 1, "a filtered-out event queued a delivery")

                // A delivery that fails, then the secret rotates: the retry carries only the new signature.
                await network.script(statuses: [503])
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p2", record: [:]))
                #expect(try await eventually { await network.received.count == 2 })
                let failed = await network.received[1]
                #expect((try? WebhookVerifier(token: first.text).verify(body: failed.body, headers: failed.headers)) != nil)
                let second = try await pipeline.secrets.rotate(owner: alice, name: "deploy").token
                #expect(try await eventually { await network.received.count == 3 })
                let retried = await network.received[2]
                #expect(retried.id == failed.id, "the id is stable across retries")
                #expect(try WebhookVerifier(token: second.text).verify(body: retried.body, headers: retried.headers).count == 2)
                #expect(throws: WebhookVerificationError.self) {
                    try WebhookVerifier(token: first.text).verify(body: retried.body, headers: retried.headers)
                }
                #expect(try await verifiedByPython(token: second.text, headers: retried.headers, body: retried.body))
                #expect(try await !verifiedByPython(token: first.text, headers: retried.headers, body: retried.body))

                // A deleted secret: the delivery fails with a reason and is never sent unsigned.
                _ = try await pipeline.secrets.delete(owner: alice, name: "deploy")
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p3", record: [:]))
                #expect(try await eventually { (try await pipeline.store.deliveries(status: .dead, limit: 10)).count == 1 })
                let dead = try await pipeline.store.deliveries(status: .dead, limit: 10)[0]
                #expect(dead.lastError?.contains("deploy was deleted") == true)
                #expect(await network.received.count == 3)

                // Disabling the webhook pauses it; deleting its record removes it.
                let paused = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "plain")
                var pausedFields = paused.objectValue!
                pausedFields["enabled"] = false
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", .object(pausedFields))
                await network.emit(
                    commitEvent(
                        did: alice, time: next(), operation: "update", collection: "place.wisp.v2.wh", rkey: "w1", record: .object(pausedFields)))
                #expect(try await eventually { pipeline.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false })
                let queuedBefore = try await pipeline.queued()
                await network.emit(
                    commitEvent(did: alice, time: next(), operation: "create", collection: "app.bsky.feed.post", rkey: "p4", record: [:]))
                #expect(try await pipeline.settled(at: time))
                #expect(try await pipeline.queued() == queuedBefore, "a paused webhook queued a delivery")
                #expect(await network.received.count == 3)
                await network.deleteRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1")
                await network.emit(commitEvent(did: alice, time: next(), operation: "delete", collection: "place.wisp.v2.wh", rkey: "w1"))
                #expect(try await eventually { pipeline.registry.index.count == 0 })
            }
            await pipeline.cleanUp()
        }
    }

    /// A read-back in flight holds the cursor behind its change; once it is applied the cursor catches up at
    /// once, without waiting for another event (it used to stay behind until one came).
    @Test func aHeldBackCursorCatchesUpWhenTheReadBackSettles() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network)
            try await pipeline.run(network: network) { () async throws -> Void in
                let base = await network.base
                let hook = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "plain")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", hook)
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: hook))
                #expect(try await eventually { pipeline.registry.index.count == 1 })
                // A second webhook's read-back hangs; an event that queues a delivery comes after it.
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w2", hook)
                await network.holdRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w2")
                await network.emit(
                    commitEvent(did: alice, time: 2_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w2", record: hook))
                #expect(try await eventually { await network.heldReads == 1 })
                await network.emit(
                    commitEvent(did: alice, time: 3_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
                #expect(try await eventually { await network.received.count == 1 })
                #expect(try await pipeline.store.cursor(EventProcessor.cursorName) == 1_999, "held behind the pending change")
                await network.releaseRecords()
                #expect(try await eventually { pipeline.registry.index.count == 2 })
                #expect(try await eventually { try await pipeline.store.cursor(EventProcessor.cursorName) == 3_000 })
            }
            await pipeline.cleanUp()
        }
    }

    @Test func invalidWebhookRecordsAreIgnoredAndPrivateTargetsRefused() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let pipeline = try await Pipeline.make(network: network)
            try await pipeline.run(network: network) { () async throws -> Void in
                // Not lexicon-valid (bad secretId): ignored.
                let invalid = webhookRecord(url: "https://example.com/h", scope: "at://\(alice)", secretId: "not valid!")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "bad", invalid)
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "bad", record: invalid))
                // Valid, but pointing into a private network: accepted, then refused at send time.
                let privateTarget = webhookRecord(url: "https://10.0.0.7/hook", scope: "at://\(alice)", secret: "s")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w2", privateTarget)
                await network.emit(
                    commitEvent(did: alice, time: 2_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w2", record: privateTarget))
                #expect(try await eventually { pipeline.registry.index.count == 1 })
                // Matching uses the webhooks as they were before each event: w2's own creation matches nothing
                // (it takes effect once read back); the next event of alice's does.
                await network.emit(
                    commitEvent(did: alice, time: 3_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
                #expect(try await eventually { (try await pipeline.store.deliveries(status: .dead, limit: 10)).count == 1 })
                let dead = try await pipeline.store.deliveries(status: .dead, limit: 10)
                #expect(dead.allSatisfy { $0.lastError?.contains("destination refused") == true && $0.attempts == 1 })
                let rkeys = Set(dead.compactMap { (try? JSONValue(parsing: $0.delivery.body))?["rkey"]?.stringValue })
                #expect(rkeys == ["p1"])
                #expect(await network.received.isEmpty, "nothing reached any receiver")
                // The cursor follows the stream, so a restart resumes here.
                #expect(try await eventually { try await pipeline.store.cursor(EventProcessor.cursorName) == 3_000 })
            }
            await pipeline.cleanUp()
        }
    }
}

@Suite("SSRF guard")
struct DestinationGuardTests {
    @Test(arguments: [
        "https://127.0.0.1/h", "https://localhost/h", "https://10.1.2.3/h", "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h", "https://[::ffff:127.0.0.1]/h", "https://[fd00::1]/h", "https://192.168.1.1/h", "https://0.0.0.0/h",
        "http://example.com/h", "ftp://example.com/h", "https://user:pass@example.com/h", "not a url",
    ])
    func refused(_ url: String) async {
        let guardian = DestinationGuard(insecureLoopback: false)
        await #expect(throws: DestinationGuard.Refusal.self) { try await guardian.destination(for: url) }
        await guardian.shutdown()
    }

    @Test func loopbackOnlyWithTheInsecureFlag() async throws {
        let guardian = DestinationGuard(insecureLoopback: true)
        _ = try await guardian.destination(for: "http://127.0.0.1:9/h")
        await #expect(throws: DestinationGuard.Refusal.self) { try await guardian.destination(for: "http://10.0.0.1/h") }
        await guardian.shutdown()
    }
}

@Suite("Webhook matching")
struct WebhookMatchingTests {
    @Test func scopesAndFilters() throws {
        let index = WebhookIndex()
        func add(_ rkey: String, _ scope: String, events: [String]? = nil, enabled: Bool = true) throws {
            var record = webhookRecord(url: "https://example.com/\(rkey)", scope: scope, events: events).objectValue!
            record["enabled"] = .bool(enabled)
            index.put(try ActiveWebhook(owner: alice, rkey: rkey, record: .object(record)))
        }
        try add("all", "at://\(alice)")
        try add("posts", "at://\(alice)/app.bsky.feed.post")
        try add("one", "at://\(alice)/app.bsky.feed.post/p1", events: ["update"])
        try add("off", "at://\(alice)", enabled: false)
        try add("bobs", "at://\(bob)/app.bsky.feed.post")
        func names(_ operation: RecordOperation, _ did: String, _ collection: String, _ rkey: String) -> Set<String> {
            Set(index.matching(operation, did: did, collection: collection, rkey: rkey).map(\.rkey))
        }
        #expect(names(.create, alice, "app.bsky.feed.post", "p1") == ["all", "posts"])
        #expect(names(.update, alice, "app.bsky.feed.post", "p1") == ["all", "posts", "one"])
        #expect(names(.create, alice, "app.bsky.feed.like", "x") == ["all"])
        #expect(names(.create, bob, "app.bsky.feed.post", "p1") == ["bobs"])
        #expect(names(.create, "did:plc:nobodyyyyyyyyyyyyyyyyyy", "app.bsky.feed.post", "p1").isEmpty)
        index.remove(owner: alice, rkey: "all")
        #expect(names(.create, alice, "app.bsky.feed.like", "x").isEmpty)
        #expect(throws: ActiveWebhook.Rejection.self) {
            try ActiveWebhook(owner: alice, rkey: "h", record: webhookRecord(url: "https://e.com", scope: "at://alice.example.com"))
        }
    }

    @Test func payloadIDsAreStablePerWebhookAndEvent() throws {
        let webhook = try ActiveWebhook(owner: alice, rkey: "w", record: webhookRecord(url: "https://e.com", scope: "at://\(alice)"))
        let other = try ActiveWebhook(owner: alice, rkey: "w2", record: webhookRecord(url: "https://e.com", scope: "at://\(alice)"))
        let event = JetstreamEvent(commitEvent(did: alice, time: 5, operation: "create", collection: "app.bsky.feed.post", rkey: "p", record: [:]))!
        #expect(WebhookPayload.id(webhook: webhook, event: event) == WebhookPayload.id(webhook: webhook, event: event))
        #expect(WebhookPayload.id(webhook: webhook, event: event) != WebhookPayload.id(webhook: other, event: event))
        #expect(UUID(uuidString: WebhookPayload.id(webhook: webhook, event: event)) != nil)
    }
}
