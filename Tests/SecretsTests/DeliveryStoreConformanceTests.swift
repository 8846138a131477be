import Foundation
import Secrets
import Storage
import Testing
import Webhooks

/// One suite, every store: what the webhook registry, the event consumer and the delivery workers rely on.
@Suite("DeliveryStore conformance")
struct DeliveryStoreConformanceTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"

    /// Runs `body` with a fresh store of `kind` as a ``DeliveryStore`` (and as itself); cleaned up after.
    static func withQueue<T>(_ kind: StoreKind, _ body: (any DeliveryStore, any SecretStore) async throws -> T) async throws -> T {
        try await kind.withStores { stores in try await body(stores.deliveries, stores.secrets) }
    }

    static func delivery(
        _ id: String, at createdAt: Int64, body: String? = nil, secretName: String? = "hook-secret",
        inlineSecret: String? = nil
    ) -> NewDelivery {
        NewDelivery(
            id: id, owner: alice, webhookRKey: "3kwebhook", url: "https://example.com/hooks/\(id)", secretName: secretName,
            inlineSecret: inlineSecret, body: Array((body ?? "{\"id\":\"\(id)\"}").utf8), createdAt: createdAt)
    }

    static func ids(_ deliveries: [Delivery]) -> [String] { deliveries.map(\.delivery.id) }

    // MARK: - Webhooks

    @Test(arguments: StoreKind.enabled)
    func webhooksAreUpsertedReplacedAndRemoved(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            #expect(try await queue.webhooks().isEmpty)

            let a = WebhookRegistration(owner: Self.alice, rkey: "a", record: Array("{\"url\":\"https://a\"}".utf8), updatedAt: 1)
            let b = WebhookRegistration(owner: Self.alice, rkey: "b", record: [0, 1, 2, 0xff], updatedAt: 2)
            let c = WebhookRegistration(owner: Self.bob, rkey: "a", record: Array("{}".utf8), updatedAt: 3)
            for webhook in [a, b, c] { try await queue.upsertWebhook(webhook) }
            func sorted(_ list: [WebhookRegistration]) -> [WebhookRegistration] {
                list.sorted { ($0.owner, $0.rkey) < ($1.owner, $1.rkey) }
            }
            #expect(sorted(try await queue.webhooks()) == [a, b, c])

            let replaced = WebhookRegistration(owner: Self.alice, rkey: "a", record: Array("{\"url\":\"https://a2\"}".utf8), updatedAt: 10)
            try await queue.upsertWebhook(replaced)
            #expect(sorted(try await queue.webhooks()) == [replaced, b, c])

            try await queue.removeWebhook(owner: Self.alice, rkey: "b")
            try await queue.removeWebhook(owner: Self.alice, rkey: "missing")  // not an error
            #expect(sorted(try await queue.webhooks()) == [replaced, c])
            try await queue.removeWebhook(owner: Self.bob, rkey: "a")
            #expect(try await queue.webhooks() == [replaced])
        }
    }

    // MARK: - Enqueue and cursors

    @Test(arguments: StoreKind.enabled)
    func enqueueKeepsTheFirstOfADuplicateId(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue([Self.delivery("d1", at: 100, body: "first")], cursor: nil)
            // Again in a later call, and twice within one call.
            try await queue.enqueue(
                [
                    Self.delivery("d1", at: 200, body: "second"), Self.delivery("d2", at: 200, body: "two"),
                    Self.delivery("d2", at: 300, body: "two again"),
                ], cursor: nil)
            let all = try await queue.deliveries(status: nil, limit: 10)
            #expect(all.count == 2)
            let d1 = try #require(all.first { $0.delivery.id == "d1" })
            #expect(d1.delivery == Self.delivery("d1", at: 100, body: "first"))
            let d2 = try #require(all.first { $0.delivery.id == "d2" })
            #expect(d2.delivery == Self.delivery("d2", at: 200, body: "two"))
            #expect(try await queue.deliveryCounts() == [.pending: 2])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aNewDeliveryIsPendingAndDueAtOnce(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            let new = NewDelivery(
                id: "d1", owner: Self.bob, webhookRKey: "rk", url: "https://example.com/x?y=1", secretName: nil,
                inlineSecret: "inline-plaintext", body: [0, 0xff, 0x7f, 0x80, 0], createdAt: 1_234)
            try await queue.enqueue([new], cursor: nil)
            let expected = Delivery(delivery: new, status: .pending, attempts: 0, nextAttemptAt: 1_234, lastError: nil, updatedAt: 1_234)
            #expect(try await queue.deliveries(status: nil, limit: 10) == [expected])
            #expect(try await queue.deliveries(status: .pending, limit: 10) == [expected])
            #expect(try await queue.deliveries(status: .dead, limit: 10) == [])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func enqueueSetsTheCursorWithTheDeliveries(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            #expect(try await queue.cursor("jetstream") == nil)
            try await queue.enqueue([Self.delivery("d1", at: 1)], cursor: (name: "jetstream", value: 1_700_000_000_000_001))
            #expect(try await queue.cursor("jetstream") == 1_700_000_000_000_001)
            #expect(try await queue.deliveries(status: .pending, limit: 10).count == 1)
            // A cursor alone, and another cursor.
            try await queue.enqueue([], cursor: (name: "jetstream", value: 1_700_000_000_000_002))
            try await queue.enqueue([], cursor: (name: "other", value: -5))
            #expect(try await queue.cursor("jetstream") == 1_700_000_000_000_002)
            #expect(try await queue.cursor("other") == -5)
            #expect(try await queue.cursor("missing") == nil)
            // Without a cursor, the cursor stays.
            try await queue.enqueue([Self.delivery("d2", at: 2)], cursor: nil)
            #expect(try await queue.cursor("jetstream") == 1_700_000_000_000_002)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aLargeEnqueueIsWhole(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            let many = (0..<1_201).map { Self.delivery(String(format: "d%05d", $0), at: Int64($0)) }
            try await queue.enqueue(many, cursor: (name: "jetstream", value: 1_201))
            #expect(try await queue.deliveryCounts() == [.pending: 1_201])
            #expect(try await queue.cursor("jetstream") == 1_201)
            let claimed = try await queue.claimDue(now: 10_000, limit: 2_000, leaseUntil: 20_000)
            #expect(Self.ids(claimed) == many.map(\.id))
        }
    }

    // MARK: - Claims and leases

    @Test(arguments: StoreKind.enabled)
    func claimDueTakesDuePendingDeliveriesUntilTheLeaseEnds(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue([Self.delivery("late", at: 300), Self.delivery("b", at: 200), Self.delivery("a", at: 100)], cursor: nil)

            let first = try await queue.claimDue(now: 250, limit: 10, leaseUntil: 1_250)
            #expect(Self.ids(first) == ["a", "b"])  // "late" is not due yet; oldest first
            #expect(first.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.lastError == nil })
            #expect(
                first.first
                    == Delivery(
                        delivery: Self.delivery("a", at: 100), status: .pending, attempts: 0, nextAttemptAt: 100,
                        lastError: nil, updatedAt: 100, leaseUntil: 1_250))

            // Leased: nobody else gets them, but "late" is now due.
            #expect(Self.ids(try await queue.claimDue(now: 260, limit: 10, leaseUntil: 1_260)) == [])
            #expect(Self.ids(try await queue.claimDue(now: 300, limit: 10, leaseUntil: 1_300)) == ["late"])
            #expect(Self.ids(try await queue.claimDue(now: 1_250, limit: 10, leaseUntil: 2_250)) == [])
            // The lease has ended (a crashed worker): they come back.
            #expect(Self.ids(try await queue.claimDue(now: 1_251, limit: 10, leaseUntil: 2_251)) == ["a", "b"])
            #expect(Self.ids(try await queue.claimDue(now: 1_252, limit: 10, leaseUntil: 2_252)) == [])
            #expect(try await queue.deliveryCounts() == [.pending: 3])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func claimDueRespectsTheLimit(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue((1...5).map { Self.delivery("d\($0)", at: Int64($0)) }, cursor: nil)
            #expect(try await queue.claimDue(now: 100, limit: 0, leaseUntil: 1_000).isEmpty)
            #expect(Self.ids(try await queue.claimDue(now: 100, limit: 2, leaseUntil: 1_000)) == ["d1", "d2"])
            #expect(Self.ids(try await queue.claimDue(now: 100, limit: 2, leaseUntil: 1_000)) == ["d3", "d4"])
            #expect(Self.ids(try await queue.claimDue(now: 100, limit: 10, leaseUntil: 1_000)) == ["d5"])
            #expect(try await queue.claimDue(now: 100, limit: 10, leaseUntil: 1_000).isEmpty)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func markedDeliveriesLeaveOrWaitForTheirNextAttempt(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue(
                [
                    Self.delivery("ok", at: 1), Self.delivery("retry", at: 2), Self.delivery("soon", at: 3),
                    Self.delivery("gone", at: 4),
                ], cursor: nil)
            #expect(try await queue.claimDue(now: 1_000, limit: 10, leaseUntil: 2_000).count == 4)

            #expect(try await queue.markDelivered(id: "ok", lease: 2_000, attempts: 1, at: 1_100))
            #expect(try await queue.markRetry(id: "retry", lease: 2_000, attempts: 1, nextAttemptAt: 5_000, error: "HTTP 503", at: 1_200))
            // A retry due before the old lease would have ended: the lease is gone with the mark.
            #expect(try await queue.markRetry(id: "soon", lease: 2_000, attempts: 2, nextAttemptAt: 1_500, error: "timeout", at: 1_300))
            #expect(try await queue.markDead(id: "gone", lease: 2_000, attempts: 3, error: "HTTP 410", at: 1_400))

            #expect(Self.ids(try await queue.claimDue(now: 1_499, limit: 10, leaseUntil: 2_499)) == [])
            let soon = try await queue.claimDue(now: 1_500, limit: 10, leaseUntil: 2_500)
            #expect(
                soon == [
                    Delivery(
                        delivery: Self.delivery("soon", at: 3), status: .pending, attempts: 2, nextAttemptAt: 1_500,
                        lastError: "timeout", updatedAt: 1_300, leaseUntil: 2_500)
                ])
            #expect(try await queue.markDelivered(id: "soon", lease: 2_500, attempts: 3, at: 1_600))

            // After every lease has ended, only the retry comes back, and only once it is due.
            #expect(Self.ids(try await queue.claimDue(now: 4_999, limit: 10, leaseUntil: 5_999)) == [])
            let retry = try await queue.claimDue(now: 5_000, limit: 10, leaseUntil: 6_000)
            #expect(
                retry == [
                    Delivery(
                        delivery: Self.delivery("retry", at: 2), status: .pending, attempts: 1, nextAttemptAt: 5_000,
                        lastError: "HTTP 503", updatedAt: 1_200, leaseUntil: 6_000)
                ])

            let delivered = try await queue.deliveries(status: .delivered, limit: 10)
            #expect(
                delivered == [
                    Delivery(
                        delivery: Self.delivery("soon", at: 3), status: .delivered, attempts: 3, nextAttemptAt: 1_500, lastError: nil,
                        updatedAt: 1_600),
                    Delivery(
                        delivery: Self.delivery("ok", at: 1), status: .delivered, attempts: 1, nextAttemptAt: 1, lastError: nil, updatedAt: 1_100),
                ])
            #expect(
                try await queue.deliveries(status: .dead, limit: 10) == [
                    Delivery(
                        delivery: Self.delivery("gone", at: 4), status: .dead, attempts: 3, nextAttemptAt: 4, lastError: "HTTP 410", updatedAt: 1_400)
                ])
            #expect(try await queue.deliveryCounts() == [.pending: 1, .delivered: 2, .dead: 1])
            // Delivered and dead deliveries are never claimed again.
            #expect(Self.ids(try await queue.claimDue(now: 100_000, limit: 10, leaseUntil: 200_000)) == ["retry"])
        }
    }

    /// A worker whose lease ran out and whose delivery another worker claimed cannot record anything over
    /// the new claim: marks are fenced by the lease, and a later lease is always greater, even when the later
    /// claimer's clock is behind.
    @Test(arguments: StoreKind.enabled)
    func marksFromAnExpiredClaimChangeNothing(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue([Self.delivery("d", at: 1)], cursor: nil)
            let first = try #require(try await queue.claimDue(now: 100, limit: 1, leaseUntil: 1_000).first)
            #expect(first.leaseUntil == 1_000)
            // The lease ran out; a second worker, whose clock is behind, claims with a smaller lease end.
            let second = try #require(try await queue.claimDue(now: 1_001, limit: 1, leaseUntil: 900).first)
            #expect(second.leaseUntil.map { $0 > 1_000 } == true)
            let secondLease = try #require(second.leaseUntil)

            // The first worker comes back late: none of its marks applies.
            #expect(try await queue.markDelivered(id: "d", lease: 1_000, attempts: 1, at: 1_100) == false)
            #expect(try await queue.markDead(id: "d", lease: 1_000, attempts: 1, error: "late", at: 1_100) == false)
            #expect(try await queue.markRetry(id: "d", lease: 1_000, attempts: 1, nextAttemptAt: 9_000, error: "late", at: 1_100) == false)
            let untouched = try await queue.deliveries(status: nil, limit: 10)
            #expect(untouched.map(\.status) == [.pending] && untouched.map(\.attempts) == [0] && untouched.map(\.lastError) == [nil])

            // The current claim's mark applies, once.
            #expect(try await queue.markRetry(id: "d", lease: secondLease, attempts: 1, nextAttemptAt: 2_000, error: "HTTP 500", at: 1_200))
            #expect(try await queue.markDelivered(id: "d", lease: secondLease, attempts: 2, at: 1_300) == false)
            #expect(try await queue.deliveryCounts() == [.pending: 1])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func deliveriesAreListedNewestFirstAndCounted(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            #expect(try await queue.deliveryCounts().isEmpty)
            #expect(try await queue.deliveries(status: nil, limit: 10).isEmpty)
            try await queue.enqueue((1...6).map { Self.delivery("d\($0)", at: Int64($0 * 10)) }, cursor: nil)
            #expect(try await queue.claimDue(now: 100, limit: 4, leaseUntil: 500).count == 4)
            try await queue.markDead(id: "d1", lease: 500, attempts: 1, error: "no secret", at: 1_000)
            try await queue.markDelivered(id: "d2", lease: 500, attempts: 1, at: 900)
            try await queue.markRetry(id: "d3", lease: 500, attempts: 1, nextAttemptAt: 2_000, error: "HTTP 500", at: 800)
            try await queue.markDelivered(id: "d4", lease: 500, attempts: 2, at: 1_100)
            // updated_at: d4 1100, d1 1000, d2 900, d3 800, d6 60, d5 50.
            #expect(Self.ids(try await queue.deliveries(status: nil, limit: 10)) == ["d4", "d1", "d2", "d3", "d6", "d5"])
            #expect(Self.ids(try await queue.deliveries(status: nil, limit: 3)) == ["d4", "d1", "d2"])
            #expect(Self.ids(try await queue.deliveries(status: .pending, limit: 10)) == ["d3", "d6", "d5"])
            #expect(Self.ids(try await queue.deliveries(status: .pending, limit: 1)) == ["d3"])
            #expect(Self.ids(try await queue.deliveries(status: .delivered, limit: 10)) == ["d4", "d2"])
            #expect(Self.ids(try await queue.deliveries(status: .dead, limit: 10)) == ["d1"])
            #expect(try await queue.deliveryCounts() == [.pending: 3, .delivered: 2, .dead: 1])
        }
    }

    /// SQLite (one process) ends every lease at start; PostgreSQL must not (other replicas hold live leases),
    /// so there it does nothing and leases run out by themselves.
    @Test(arguments: StoreKind.enabled)
    func releaseAllLeases(_ kind: StoreKind) async throws {
        try await Self.withQueue(kind) { (queue, store) async throws in
            try await queue.enqueue([Self.delivery("a", at: 1), Self.delivery("b", at: 2)], cursor: nil)
            #expect(try await queue.claimDue(now: 10, limit: 10, leaseUntil: 1_000).count == 2)
            try await queue.releaseAllLeases()
            let again = Self.ids(try await queue.claimDue(now: 20, limit: 10, leaseUntil: 1_000))
            switch kind {
            case .sqlite: #expect(again == ["a", "b"])
            case .postgres: #expect(again == [])
            }
            #expect(Self.ids(try await queue.claimDue(now: 1_001, limit: 10, leaseUntil: 2_000)) == ["a", "b"])
        }
    }

    // MARK: - PostgreSQL replicas

    @Test(.disabled(if: StoreKind.skipPostgres, "SIGIL_SKIP_POSTGRES=1"))
    func replicasClaimingAtOnceNeverShareADelivery() async throws {
        try await StoreKind.withPostgresReplicas(2) { (stores) async throws in
            let all = (0..<200).map { Self.delivery(String(format: "d%03d", $0), at: Int64($0)) }
            try await stores[0].enqueue(all, cursor: nil)

            let claimersPerStore = 4
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for store in stores {
                    for _ in 0..<claimersPerStore {
                        group.addTask {
                            var mine: [String] = []
                            while true {
                                let claimed = try await store.claimDue(now: 1_000, limit: 7, leaseUntil: 1_000_000)
                                if claimed.isEmpty { return mine }
                                mine += Self.ids(claimed)
                            }
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let claimed = claims.flatMap { $0 }
            #expect(claimed.count == all.count, "a delivery was claimed twice, or one was never claimed")
            #expect(Set(claimed) == Set(all.map(\.id)))
            #expect(claims.filter { !$0.isEmpty }.count > 1, "only one claimer got anything")
            for store in stores {
                #expect(try await store.claimDue(now: 1_000, limit: 500, leaseUntil: 1_000_000).isEmpty)
            }
        }
    }

    @Test(.disabled(if: StoreKind.skipPostgres, "SIGIL_SKIP_POSTGRES=1"))
    func replicasEnqueueingOverlappingBatchesKeepOneOfEach() async throws {
        try await StoreKind.withPostgresReplicas(2) { (stores) async throws in
            let all = (0..<300).map { Self.delivery(String(format: "d%03d", $0), at: Int64($0)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    for round in 0..<4 {
                        // Overlapping batches, in different orders.
                        let batch = (round + index) % 2 == 0 ? Array(all[0..<200]) : Array(all[100..<300].reversed())
                        group.addTask { try await store.enqueue(batch, cursor: (name: "jetstream", value: Int64(round))) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await stores[1].deliveryCounts() == [.pending: 300])
            // Each batch stored its cursor with it; whichever committed last left its round's value.
            let cursor = try #require(try await stores[0].cursor("jetstream"))
            #expect((0...3).contains(cursor))
        }
    }
}
