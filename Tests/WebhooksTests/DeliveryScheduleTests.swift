import Foundation
import Hummingbird
import Logging
import NIOCore
import NetworkPolicy
import SQLiteStore
import Secrets
import Storage
import Testing

@testable import Webhooks

/// A receiver that holds every request until released, and records how many it held at once, per `Host`.
actor HoldingReceiver {
    private(set) var port = 0
    private(set) var arrived = 0
    private var holding: [String: Int] = [:]
    private(set) var most: [String: Int] = [:]
    private(set) var mostInAll = 0
    private var released = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func setPort(_ port: Int) { self.port = port }
    var heldNow: Int { holding.values.reduce(0, +) }

    func arrive(_ host: String) async {
        arrived += 1
        holding[host, default: 0] += 1
        most[host] = max(most[host] ?? 0, holding[host]!)
        mostInAll = max(mostInAll, heldNow)
        if !released { await withCheckedContinuation { waiters.append($0) } }
        holding[host]! -= 1
    }

    func release() {
        released = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func serve<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { [self] request, _ in
            await self.arrive(request.head.authority ?? "")
            return Response(status: .ok)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in await self.setPort(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            #expect(try await eventually { await self.port != 0 })
            let result = try await body()
            group.cancelAll()
            return result
        }
    }
}

@Suite("Delivery schedule and limits")
struct DeliveryScheduleTests {
    /// Two names for the loopback receiver, from a stand-in DNS (the system's `localhost` may be `::1` first).
    static let loopbackNames = StandInDNS(["a.sigil-test.invalid": [[127, 0, 0, 1]], "b.sigil-test.invalid": [[127, 0, 0, 1]]])

    static func withWorker<T>(
        store kind: StoreKind = .sqlite, _ configure: (inout DeliveryWorker.Configuration) -> Void, clock: ManualClock? = nil,
        _ body: (any DeliveryStore, DeliveryWorker) async throws -> T
    ) async throws -> T {
        let (stores, removeStore) = try await kind.openStores()
        let destinations = DestinationGuard(insecureLoopback: true, resolver: loopbackNames)
        var running: Task<Void, any Error>?
        do {
            let store = stores.deliveries
            let secrets = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: .generate()))
            var configuration = DeliveryWorker.Configuration()
            configuration.pollInterval = .milliseconds(20)
            configure(&configuration)
            let now: @Sendable () -> Int64
            if let clock { now = { clock.now } } else { now = { Int64(Date().timeIntervalSince1970 * 1000) } }
            let worker = DeliveryWorker(
                store: store, log: stores.deliveryLog, secrets: secrets, signingKeys: secrets.signingKeyService(store: stores.signingKeys),
                destinations: destinations, configuration: configuration,
                logger: Logger(label: "test"), clock: now)
            running = Task { try await worker.run() }
            let result = try await body(store, worker)
            running?.cancel()
            _ = try? await running?.value
            await destinations.shutdown()
            await removeStore()
            return result
        } catch {
            running?.cancel()
            _ = try? await running?.value
            await destinations.shutdown()
            await removeStore()
            throw error
        }
    }

    static func delivery(_ id: String, url: String, at createdAt: Int64) -> NewDelivery {
        NewDelivery(
            id: id, owner: alice, webhookRKey: "w1", url: url, secretName: nil, inlineSecret: nil, body: Array(#"{"id":"\#(id)"}"#.utf8),
            createdAt: createdAt)
    }

    /// A receiver that always fails: each retry comes after its scheduled delay (within the ±20 % jitter),
    /// never before, and after the last one the delivery is dead with the receiver's status as its reason.
    @Test(arguments: StoreKind.enabled)
    func failingDeliveriesFollowTheScheduleThenDie(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let delays: [Duration] = [.seconds(10), .seconds(30), .seconds(120)]
            let clock = ManualClock(1_000_000)
            try await Self.withWorker(store: kind, { $0.schedule = RetrySchedule(delays: delays) }, clock: clock) { store, worker in
                await network.script(statuses: Array(repeating: 503, count: delays.count + 1))
                try await store.enqueue([Self.delivery("d1", url: await network.base + "/hook", at: clock.now)], cursor: nil)
                worker.nudge()
                for (index, delay) in delays.enumerated() {
                    #expect(try await eventually { await network.received.count == index + 1 })
                    #expect(try await eventually { (try await store.deliveries(status: .pending, limit: 1)).first?.attempts == index + 1 })
                    let pending = try #require(try await store.deliveries(status: .pending, limit: 1).first)
                    let wait = pending.nextAttemptAt - clock.now
                    let planned = delay.components.seconds * 1000
                    #expect(wait >= planned * 8 / 10 && wait <= planned * 12 / 10, "retry \(index + 1): waits \(wait) ms for \(planned) ms ±20 %")
                    #expect(pending.lastError?.contains("503") == true)
                    // The retry comes once the clock reaches it (the queue's own tests prove nothing is claimed early).
                    clock.set(pending.nextAttemptAt)
                    worker.nudge()
                }
                #expect(try await eventually { (try await store.deliveries(status: .dead, limit: 1)).count == 1 })
                let dead = try #require(try await store.deliveries(status: .dead, limit: 1).first)
                #expect(dead.attempts == delays.count + 1)
                #expect(dead.lastError?.contains("503") == true)
                #expect(await network.received.count == delays.count + 1)
                #expect(Set(await network.received.map(\.id)).count == 1, "one id across every attempt")
            }
        }
    }

    /// Forty deliveries held by the receiver: to one host, exactly `perHost` are in flight at once; to two hosts
    /// under a smaller total, exactly `concurrency`, never more than `perHost` at either (each limit is
    /// reached, so a worker sending one at a time would fail too).
    @Test(arguments: [(hosts: 1, perHost: 4, concurrency: 32, held: 4), (hosts: 2, perHost: 4, concurrency: 6, held: 6)])
    func inFlightLimitsPerHostAndInAll(_ limits: (hosts: Int, perHost: Int, concurrency: Int, held: Int)) async throws {
        let receiver = HoldingReceiver()
        try await receiver.serve { () async throws -> Void in
            let port = await receiver.port
            try await Self.withWorker({
                $0.perHost = limits.perHost
                $0.concurrency = limits.concurrency
            }) { store, worker in
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let hosts = ["a.sigil-test.invalid:\(port)", "b.sigil-test.invalid:\(port)"].prefix(limits.hosts)
                let deliveries = (0..<40).map { Self.delivery("d\($0)", url: "http://\(hosts[$0 % hosts.count])/hook", at: now) }
                try await store.enqueue(deliveries, cursor: nil)
                worker.nudge()
                #expect(try await eventually { await receiver.heldNow == limits.held })
                #expect(await receiver.arrived == limits.held, "more were sent than the limits allow")
                #expect(try await store.deliveryCounts()[.pending] == 40)
                await receiver.release()
                #expect(try await eventually(.seconds(30)) { (try await store.deliveryCounts())[.delivered] == 40 })
                let most = await receiver.most
                #expect(most.count == limits.hosts && most.values.allSatisfy { $0 <= limits.perHost }, "per host: \(most)")
                #expect(await receiver.mostInAll == limits.held)
            }
        }
    }
}
