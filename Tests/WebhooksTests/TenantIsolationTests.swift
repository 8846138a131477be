import AsyncHTTPClient
import Crypto
import Foundation
import Identity
import Jetstream
import Lexicon
import Secrets
import SigilService
import SigilTestSupport
import Storage
import StoreTestSupport
import Testing

@testable import Webhooks

#if canImport(Glibc)
    import Glibc
#endif

/// A host that accepts TCP connections and never answers: a socket listening on a loopback address that is never
/// accepted from (the kernel completes the handshakes; the requests sit unread).
final class SilentHost: @unchecked Sendable {
    let address: String
    let port: Int
    private let descriptor: Int32

    init(address: String) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = 0
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 4096) == 0 else {
            close(descriptor)
            throw CocoaError(.fileWriteUnknown)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.address = address
        self.port = Int(UInt16(bigEndian: socketAddress.sin_port))
    }

    deinit { close(descriptor) }
}

@Suite("Tenant isolation", .serialized, .tags(.slow), .kinds(.slow))
struct TenantIsolationTests {
    /// Account M points 16 webhooks at 16 hosts that accept connections and never answer, and writes 50 records
    /// (800 deliveries, every one of which would hold a slot until its deadline). Account V's one webhook to a
    /// fast receiver gets each of its 10 deliveries promptly: M holds at most its share of the slots, and no slot
    /// waits for a busy host.
    /// The store kinds and replica counts the in-process tenancy scenes run on: SQLite and one PostgreSQL store
    /// (``withReplicas`` can run several assemblies, each with its own pool, worker and Jetstream consumer, on one schema).
    /// (Two replicas as child processes: ``TenantIsolationServeTests``.)
    static var setups: [(StoreKind, Int)] { StoreKind.enabled.map { ($0, 1) } }

    /// `replicas` pipelines on one fresh backend of `kind`, running against `network` while `body` runs.
    static func withReplicas(
        _ kind: StoreKind, _ replicas: Int, network: StandInNetwork,
        configure: @escaping @Sendable (inout DeliveryWorker.Configuration) -> Void = { _ in },
        _ body: @escaping @Sendable ([Pipeline]) async throws -> Void
    ) async throws {
        let (open, removeData) = try await kind.reopenable()
        let keys = MasterKeyRing(current: .generate())
        var pipelines: [Pipeline] = []
        do {
            for _ in 0..<replicas {
                pipelines.append(
                    try await Pipeline.make(network: network, stores: try await open(), removeStore: {}, keys: keys, configure: configure))
            }
        } catch {
            for pipeline in pipelines { await pipeline.cleanUp() }
            await removeData()
            throw error
        }
        let all = pipelines
        @Sendable func run(_ index: Int) async throws {
            guard index < all.count else { return try await body(all) }
            try await all[index].run(network: network) { () async throws -> Void in try await run(index + 1) }
        }
        do {
            try await run(0)
        } catch {
            await removeData()
            throw error
        }
        await removeData()
    }

    @Test(arguments: TenantIsolationTests.setups)
    func aNoisyNeighbourDoesNotStarveAQuietAccount(_ kind: StoreKind, _ replicas: Int) async throws {
        let hosts = try (2...17).map { try SilentHost(address: "127.0.0.\($0)") }
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let noisy = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"  // sorts before the quiet account
            let quiet = "did:plc:vvvvvvvvvvvvvvvvvvvvvvvv"
            let base = await network.base
            try await Self.withReplicas(
                kind, replicas, network: network,
                configure: { worker in
                    worker.requestDeadline = .seconds(15)
                    worker.schedule = RetrySchedule(delays: Array(repeating: .seconds(1), count: 3))
                }
            ) { pipelines in
                for registry in pipelines.map(\.registry) {
                    for (index, host) in hosts.enumerated() {
                        let record = webhookRecord(url: "http://\(host.address):\(host.port)/hook", scope: "at://\(noisy)", secret: "m\(index)")
                        try await registry.activate(owner: noisy, rkey: "m\(index)", record: record, now: 1, logger: registry.logger)
                    }
                    try await registry.activate(
                        owner: quiet, rkey: "v", record: webhookRecord(url: base + "/hook", scope: "at://\(quiet)", secret: "v"), now: 1,
                        logger: registry.logger)
                }
                let store = pipelines[0].store
                for i in 0..<50 {
                    await network.emit(
                        commitEvent(
                            did: noisy, time: 1_000 + Int64(i), operation: "create", collection: "app.bsky.feed.post", rkey: "n\(i)", record: [:]))
                }
                #expect(try await eventually(.seconds(60)) { try await store.deliveryCounts()[.pending] ?? 0 >= 800 })
                let latencies = try await quietAccountLatencies(network, quiet: quiet)
                let worst = latencies.max() ?? .zero
                // The bench holds the promise (p99 ≤ 2 s; alone this test sees 50–100 ms); loosely here, beside the rest of the
                // suite on two cores. Without the shares the quiet account waits behind the noisy one's backlog: minutes at
                // 15 s per held slot.
                #expect(worst < .seconds(10), "\(latencies) the quiet account's deliveries took up to \(worst)")
            }
        }
    }

    /// 16 accounts × 16 webhooks and a 17th account's lone webhook watch one account: the lone webhook is served,
    /// and replicas that both read the event choose the same 256 (no delivery twice, none lost to a disagreement).
    @Test(arguments: TenantIsolationTests.setups)
    func aLoneWebhookIsServedWhenACrowdMatches(_ kind: StoreKind, _ replicas: Int) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let base = await network.base
            let popular = "did:plc:popularrrrrrrrrrrrrrrrrr"
            let lone = "did:plc:zzzzzzzzzzzzzzzzzzzzzzzz"
            try await Self.withReplicas(kind, replicas, network: network) { pipelines in
                for registry in pipelines.map(\.registry) {
                    for account in 0..<16 {
                        let owner = "did:plc:crowd" + String(repeating: Character(UnicodeScalar(UInt8(97 + account))), count: 19)
                        for i in 0..<16 {
                            let record = webhookRecord(url: base + "/hook", scope: "at://\(popular)", secret: "c\(i)")
                            try await registry.activate(owner: owner, rkey: "w\(i)", record: record, now: 1, logger: registry.logger)
                        }
                    }
                    try await registry.activate(
                        owner: lone, rkey: "only", record: webhookRecord(url: base + "/hook", scope: "at://\(popular)", secret: "z"), now: 1,
                        logger: registry.logger)
                }
                await network.emit(
                    commitEvent(did: popular, time: 1_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p", record: [:]))
                for pipeline in pipelines { #expect(try await pipeline.settled(at: 1_000)) }
                let rows = try await pipelines[0].store.deliveries(status: nil, limit: 1_000)
                #expect(rows.count == 257, "one row per matched webhook, whichever replica wrote it")
                #expect(rows.filter { $0.lastError?.hasPrefix("not queued") != true }.count == 256)
                #expect(rows.contains { $0.delivery.owner == lone && $0.lastError?.hasPrefix("not queued") != true }, "the lone webhook is served")
                #expect(try await network.waitForUniqueDeliveries(256, timeout: .seconds(60)))
                #expect(await network.received.count == 256, "each delivery sent once")
            }
        }
    }

    /// One 1 MiB record matched by 256 webhooks is stored once: the bytes on disk, not the row count.
    @Test(arguments: StoreKind.enabled)
    func anEventsBodyIsStoredOnceHoweverManyWebhooksItMatches(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.deliveries
            // Incompressible (PostgreSQL compresses what it stores out of line): 1 MiB of base64 of random bytes.
            let filler = Data((0..<(3 << 18)).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            var deliveries: [NewDelivery] = []
            for i in 0..<256 {
                let id = String(format: "00000000-0000-8000-8000-%012d", i)
                let body = #"{"collection":"app.bsky.feed.post","did":"did:plc:p","event":"create","id":"\#(id)","record":{"text":"\#(filler)"}}"#
                deliveries.append(
                    NewDelivery(
                        id: id, owner: "did:plc:o\(i % 16)", webhookRKey: "w\(i)", url: "https://example.com/h", secretName: nil,
                        inlineSecret: "s", body: Array(body.utf8), createdAt: 1))
            }
            let before = try await store.queueBytes()
            try await store.enqueue(deliveries, cursor: nil)
            let after = try await store.queueBytes()
            #expect(after - before < 3 << 20, "\(after - before) bytes stored for 256 deliveries of one 1 MiB body")
            // Each reads back as its own body, with its own id.
            let stored = try await store.claimDue(now: 2, limit: 300, leaseUntil: 60_000)
            #expect(stored.count == 256)
            let expected = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, $0.body) })
            #expect(stored.allSatisfy { expected[$0.delivery.id] == $0.delivery.body })
        }
    }
}

/// Identity resolution under flood: in the serialized suite of the other `sigil serve` scenes, so that the flood's
/// load never overlaps their timing.
extension TenantIsolationServeTests {
    /// A service JWT that passes every cheap check (alg, aud, exp, lxm, a 64-byte signature) for a random,
    /// unknown `did:plc`, with a junk signature: each one makes the server resolve a new DID.
    static func junkToken(lxm: String) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let did = "did:plc:" + String((0..<24).map { _ in "abcdefghijklmnopqrstuvwxyz234567".randomElement()! })
        let payload: JSONValue = [
            "iss": .string(did), "aud": "did:web:localhost#sigil", "lxm": .string(lxm), "iat": .integer(now), "exp": .integer(now + 60),
            "jti": .string(UUID().uuidString),
        ]
        return try ServiceJWT.sign(header: ["alg": "ES256K", "typ": "JWT"], payload: payload) { _ in [UInt8](repeating: 7, count: 64) }
    }

    /// From behind a trusted proxy (`X-Forwarded-For`), one address floods the server for 8 s with tokens naming
    /// made-up DIDs while the directory takes 2 s to say 404 to each. Meanwhile eight accounts calling for the
    /// first time from another address all get 200 within 5 s, an account already known is unaffected, and the
    /// flooding address is answered 429 with `Retry-After`.
    @Test(arguments: ServeSetup.enabled)
    func aFloodOfUnknownDIDsLocksNobodyOut(_ setup: ServeSetup) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.setUnknownDIDDelay(.seconds(2))
            let known = TestAccount("did:plc:knownnnnnnnnnnnnnnnnnnnn")
            let newcomers = (0..<8).map { TestAccount("did:plc:newcomer\(String(repeating: "abcdefgh".map { $0 }[$0], count: 16))") }
            for account in [known] + newcomers { await network.publishDID(account.did, key: account.multikey) }
            try await setup.withServers(network: network, extra: ["--trusted-proxies", "127.0.0.1"]) { servers in
                let lxm = "place.wisp.v2.secret.list"
                @Sendable func call(_ account: TestAccount?, from address: String, to url: String, client: HTTPClient = .shared) async throws -> (
                    Int, String?
                ) {
                    var request = HTTPClientRequest(url: "\(url)/xrpc/\(lxm)")
                    request.headers.add(name: "Authorization", value: "Bearer " + (try account?.token(lxm: lxm) ?? Self.junkToken(lxm: lxm)))
                    request.headers.add(name: "X-Forwarded-For", value: address)
                    let response = try await client.execute(request, timeout: .seconds(20))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return (Int(response.status.code), response.headers.first(name: "Retry-After"))
                }
                for server in servers { #expect(try await call(known, from: "10.0.0.2", to: server).0 == 200, "the known account, before the flood") }

                var configuration = HTTPClient.Configuration()
                configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
                let floodClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                let floodStatuses = LockedCounts()
                let until = ContinuousClock.now + .seconds(8)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for thread in 0..<48 {
                        group.addTask {
                            while ContinuousClock.now < until {
                                let target = servers[thread % servers.count]
                                let (status, retryAfter) = (try? await call(nil, from: "10.6.6.6", to: target, client: floodClient)) ?? (0, nil)
                                floodStatuses.add(status, retryAfter: retryAfter)
                            }
                        }
                    }
                    // The flood is under way: the directory is busy with it.
                    #expect(try await eventually { floodStatuses.total > 48 })
                    let started = ContinuousClock.now
                    let answers = try await withThrowingTaskGroup(of: (Int, Duration).self) { calls in
                        for (index, account) in newcomers.enumerated() {
                            calls.addTask {
                                let status = try await call(account, from: "10.0.0.1", to: servers[index % servers.count]).0
                                return (status, ContinuousClock.now - started)
                            }
                        }
                        return try await calls.reduce(into: []) { $0.append($1) }
                    }
                    #expect(answers.map(\.0) == Array(repeating: 200, count: 8), "first-time accounts from another address: \(answers)")
                    #expect(answers.allSatisfy { $0.1 < .seconds(5) }, "\(answers)")
                    for server in servers {
                        #expect(try await call(known, from: "10.0.0.2", to: server).0 == 200, "the known account, during the flood")
                    }
                    try await group.waitForAll()
                }
                try await floodClient.shutdown()
                #expect(floodStatuses.count(429) > 0, "the flooding address is told to slow down: \(floodStatuses.summary)")
                #expect(floodStatuses.retryAfterOn429, "every 429 carries Retry-After")
            }
        }
    }
}

/// Statuses seen by many tasks.
final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int: Int] = [:]
    private var missingRetryAfter = false

    func add(_ status: Int, retryAfter: String?) {
        lock.withLock {
            counts[status, default: 0] += 1
            if status == 429, retryAfter == nil { missingRetryAfter = true }
        }
    }
    var total: Int { lock.withLock { counts.values.reduce(0, +) } }
    func count(_ status: Int) -> Int { lock.withLock { counts[status, default: 0] } }
    var retryAfterOn429: Bool { lock.withLock { !missingRetryAfter } }
    var summary: String { lock.withLock { "\(counts)" } }
}

@Suite("Webhook changes are never lost", .serialized, .tags(.slow), .kinds(.slow))
struct ReadbackDurabilityTests {
    /// The owner sets `enabled: false` while its PDS fails every read: the change is stored as a failed read-back,
    /// and the old state keeps serving. The server stops; the PDS recovers; the next run retries the read-back
    /// (from the store, not from the stream, whose cursor moved on) and the webhook stops firing.
    @Test(arguments: StoreKind.enabled)
    func aFailedReadBackIsRetriedAfterARestart(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            await network.publishDID(alice, key: nil)
            let base = await network.base
            let (open, removeData) = try await kind.reopenable()
            defer { Task { await removeData() } }
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "inline-secret")
            var fields = record.objectValue!
            fields["enabled"] = false
            let disabled = fields

            let keys = MasterKeyRing(current: .generate())
            // Retries every 50 ms at first (doubling): the first run keeps failing at them while the PDS is down.
            let quickRetries: @Sendable (inout SigilServer.Tuning) -> Void = {
                $0.readbackRetry = .milliseconds(50)
                $0.maintenanceInterval = .milliseconds(50)
            }
            let first = try await Pipeline.make(network: network, stores: try await open(), removeStore: {}, keys: keys, tune: quickRetries)
            try await first.run(network: network) { () async throws -> Void in
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", record)
                await network.emit(
                    commitEvent(did: alice, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
                #expect(try await eventually { first.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true })
                await network.failRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1")
                await network.putRecord(did: alice, collection: "place.wisp.v2.wh", rkey: "w1", .object(disabled))
                await network.emit(
                    commitEvent(did: alice, time: 2_000, operation: "update", collection: "place.wisp.v2.wh", rkey: "w1", record: .object(disabled)))
                #expect(
                    try await eventually {
                        try await first.store.pendingReadbacks(owner: alice, dueAt: nil, limit: 10).first?.attempts ?? 0 >= 2
                    }, "failed, and failed again when retried")
                #expect(first.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true, "the previous state, until it can be read")
                #expect(try await first.settled(at: 2_000), "the stream moved on: the change is kept in the store, not in the cursor")
            }

            await network.healRecords()
            let second = try await Pipeline.make(
                network: network, stores: try await open(), removeStore: {}, keys: keys, tune: quickRetries)
            try await second.run(network: network) { () async throws -> Void in
                #expect(try await eventually { second.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false })
                #expect(try await eventually { try await second.store.pendingReadbacks(owner: alice, dueAt: nil, limit: 10).isEmpty })
                await network.emit(
                    commitEvent(did: alice, time: 3_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
                #expect(try await second.settled(at: 3_000))
                #expect(try await second.store.deliveries(status: nil, limit: 10).isEmpty, "the owner's enabled:false took effect")
            }
        }
    }

    /// Two replicas: one could not read the change back, the other could. The first converges on the stored
    /// state at its next reconciliation, without a read-back of its own.
    @Test(arguments: StoreKind.enabled)
    func aReplicaThatMissedAChangeConverges(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let base = await network.base
            let (open, removeData) = try await kind.reopenable()
            defer { Task { await removeData() } }
            let keys = MasterKeyRing(current: .generate())
            let one = try await Pipeline.make(network: network, stores: try await open(), removeStore: {}, keys: keys)
            let other = try await Pipeline.make(network: network, stores: try await open(), removeStore: {}, keys: keys)
            let record = webhookRecord(url: base + "/hook", scope: "at://\(alice)/app.bsky.feed.post", secret: "s")
            try await one.registry.activate(owner: alice, rkey: "w1", record: record, now: 1, logger: one.registry.logger)
            #expect(try await other.registry.reconcile(now: 2) == 1)
            var disabled = record.objectValue!
            disabled["enabled"] = false
            try await one.registry.activate(owner: alice, rkey: "w1", record: .object(disabled), now: 3, logger: one.registry.logger)
            #expect(other.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == true)
            #expect(try await other.registry.reconcile(now: 4) == 1)
            #expect(other.registry.index.webhook(owner: alice, rkey: "w1")?.enabled == false)
            try await one.registry.apply(
                try #require(JetstreamEvent(commitEvent(did: alice, time: 5, operation: "delete", collection: "place.wisp.v2.wh", rkey: "w1"))),
                now: 5)
            #expect(try await other.registry.reconcile(now: 6) == 1)
            #expect(other.registry.webhook(owner: alice, rkey: "w1") == nil, "deleted on the other replica: gone here too")
            await one.cleanUp()
            await other.cleanUp()
        }
    }
}

@Suite("Queued bytes per account", .serialized)
struct QueueBudgetTests {
    /// An account whose receiver refuses everything fills its budget (64 KiB here) with 20 KiB events; the rest
    /// are recorded for it, bodiless, with the reason. Another account watching the same events is unaffected.
    @Test(arguments: StoreKind.enabled)
    func anAccountsQueuedBodiesStayWithinItsBudget(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let (stores, removeStore) = try await kind.openStores()
            let pipeline = try await Pipeline.make(
                network: network, stores: stores, removeStore: removeStore, server: { $0.maxQueuedBytesPerAccount = 65_536 })
            let base = await network.base
            try await pipeline.run(network: network) { () async throws -> Void in
                let registry = pipeline.registry
                let full = "did:plc:fullllllllllllllllllllll"
                let other = "did:plc:otherrrrrrrrrrrrrrrrrrrr"
                let poster = "did:plc:posterrrrrrrrrrrrrrrrrrr"
                // full's receiver is a silent host (every attempt times out: its deliveries stay queued).
                let silent = try SilentHost(address: "127.0.0.1")
                try await registry.activate(
                    owner: full, rkey: "w", record: webhookRecord(url: "http://127.0.0.1:\(silent.port)/h", scope: "at://\(poster)", secret: "f"),
                    now: 1, logger: registry.logger)
                try await registry.activate(
                    owner: other, rkey: "w", record: webhookRecord(url: base + "/hook", scope: "at://\(poster)", secret: "o"), now: 1,
                    logger: registry.logger)
                let text = String(repeating: "x", count: 20_000)
                for i in 0..<8 {
                    await network.emit(
                        commitEvent(
                            did: poster, time: 1_000 + Int64(i), operation: "create", collection: "app.bsky.feed.post", rkey: "p\(i)",
                            record: ["text": .string(text)]))
                    // The other account's receiver keeps up: each of its deliveries leaves the queue before the next event.
                    #expect(try await network.waitForUniqueDeliveries(i + 1, timeout: .seconds(20)))
                }
                #expect(try await pipeline.settled(at: 1_007))
                let all = try await pipeline.store.deliveries(status: nil, limit: 100)
                let mine = all.filter { $0.delivery.owner == full }
                let refused = mine.filter { $0.lastError?.hasPrefix("not queued: this account's queued deliveries") == true }
                #expect(mine.count == 8)
                #expect(refused.count == 5, "three 20 KiB bodies fit in 64 KiB: \(mine.map { $0.lastError ?? "queued" })")
                #expect(refused.allSatisfy { $0.status == .cancelled && $0.delivery.body.isEmpty })
                #expect(try await pipeline.store.queuedBodyBytes(owner: full) <= 65_536)
                #expect(all.filter { $0.delivery.owner == other }.allSatisfy { $0.lastError == nil }, "the other account: all eight queued")
                _ = silent
            }
        }
    }
}
