import Foundation
import Logging
import NetworkPolicy
import Secrets
import Storage
import Testing

@testable import Webhooks

/// Finished deliveries are kept for the operator's retention per status, then pruned a batch at a time; what
/// is pending is never pruned, however old.
@Suite("Delivery retention")
struct RetentionTests {
    static let day: Int64 = 86_400_000

    /// Queues `count` deliveries created `age` ago and leaves them in `status`, last changed then.
    static func seed(_ store: any DeliveryStore, _ status: DeliveryStatus, age: Int64, count: Int, now: Int64, tag: String) async throws {
        let at = now - age
        let deliveries = (0..<count).map { i in
            NewDelivery(
                id: "\(tag)-\(i)", owner: alice, webhookRKey: "w1", url: "https://example.com/hook", secretName: nil, inlineSecret: nil,
                body: Array("{}".utf8), createdAt: at)
        }
        try await store.enqueue(deliveries, cursor: nil)
        let claimed = try await store.claimDue(now: at, limit: count, leaseUntil: at + 1)
        try #require(claimed.count == count, "claimed \(claimed.count) of \(count) \(tag) deliveries")
        for delivery in claimed {
            let id = delivery.delivery.id
            let marked =
                switch status {
                case .delivered: try await store.markDelivered(id: id, lease: at + 1, attempts: 1, at: at)
                case .dead: try await store.markDead(id: id, lease: at + 1, attempts: 1, error: "HTTP 404 (not retried)", at: at)
                case .cancelled: try await store.markCancelled(id: id, lease: at + 1, error: "webhook deleted", at: at)
                case .pending:
                    try await store.markRetry(id: id, lease: at + 1, attempts: 1, nextAttemptAt: now + 365 * day, error: "HTTP 503", at: at)
                }
            try #require(marked)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func finishedDeliveriesArePrunedPastTheirRetentionInBatchesAndPendingOnesNever(_ kind: StoreKind) async throws {
        let (stores, removeStore) = try await kind.openStores()
        let destinations = DestinationGuard(insecureLoopback: true)
        do {
            let recording = PruneRecordingStore(stores.deliveries)
            let store: any DeliveryStore = recording
            let clock = ManualClock()
            let now = clock.now
            var configuration = DeliveryWorker.Configuration()
            // Not the defaults (7, 30, 30 days): the configured retention is what counts.
            configuration.retention = [.delivered: .seconds(2 * 86_400), .dead: .seconds(5 * 86_400), .cancelled: .seconds(3 * 86_400)]
            configuration.pruneBatch = 40
            let secrets = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: .generate()))
            let worker = DeliveryWorker(
                store: store, secrets: secrets, signingKeys: secrets.signingKeyService(store: stores.signingKeys),
                destinations: destinations, configuration: configuration, logger: Logger(label: "test"), clock: clock.read)
            // Past retention: 130 delivered (four batches of 40), 45 dead, 41 cancelled. Within it: 7, 5 and 3.
            // Pending for 400 days: never pruned.
            let plan: [(DeliveryStatus, age: Int64, count: Int, kept: Bool)] = [
                (.delivered, 3 * Self.day, 130, false), (.delivered, 2 * Self.day - 1_000, 7, true),
                (.dead, 6 * Self.day, 45, false), (.dead, 4 * Self.day, 5, true),
                (.cancelled, 3 * Self.day + 1, 41, false), (.cancelled, 1 * Self.day, 3, true),
                (.pending, 400 * Self.day, 4, true),
            ]
            for (index, entry) in plan.enumerated() {
                try await Self.seed(store, entry.0, age: entry.age, count: entry.count, now: now, tag: "g\(index)")
            }
            #expect(try await store.deliveryCounts() == [.delivered: 137, .dead: 50, .cancelled: 44, .pending: 4])

            await worker.prune()
            #expect(try await store.deliveryCounts() == [.delivered: 7, .dead: 5, .cancelled: 3, .pending: 4])
            // In batches of at most 40, each status until a batch comes back short: 130 delivered are 40, 40, 40, 10.
            let prunes = recording.prunes
            #expect(prunes.allSatisfy { $0.limit == 40 && $0.deleted <= 40 }, "\(prunes)")
            #expect(prunes.filter { $0.status == .delivered }.map(\.deleted) == [40, 40, 40, 10], "\(prunes)")
            #expect(prunes.filter { $0.status == .dead }.map(\.deleted) == [40, 5], "\(prunes)")
            #expect(prunes.filter { $0.status == .cancelled }.map(\.deleted) == [40, 1], "\(prunes)")
            #expect(!prunes.contains { $0.status == .pending }, "pending deliveries are never pruned")
            let left = Set(try await store.deliveries(status: nil, limit: 100).map { String($0.delivery.id.prefix(2)) })
            #expect(left == Set(plan.enumerated().filter { $0.element.kept }.map { "g\($0.offset)" }))

            // A day later the delivered ones within retention are past it too.
            clock.advance(milliseconds: Self.day)
            await worker.prune()
            #expect(try await store.deliveryCounts()[.delivered, default: 0] == 0)
            #expect(try await store.deliveryCounts()[.pending] == 4)
            await destinations.shutdown()
            await removeStore()
        } catch {
            await destinations.shutdown()
            await removeStore()
            throw error
        }
    }
}

/// A ``ForwardingDeliveryStore`` that records each pruning statement: what it asked for and how many rows it
/// deleted (so a test sees the batches).
final class PruneRecordingStore: ForwardingDeliveryStore, @unchecked Sendable {
    struct Prune: Equatable {
        let status: DeliveryStatus
        let limit: Int
        let deleted: Int
    }
    private let lock = NSLock()
    private var recorded: [Prune] = []
    var prunes: [Prune] { lock.withLock { recorded } }

    override func pruneDeliveries(status: DeliveryStatus, updatedBefore before: Int64, limit: Int) async throws(StoreError) -> Int {
        let deleted = try await base.pruneDeliveries(status: status, updatedBefore: before, limit: limit)
        lock.withLock { recorded.append(Prune(status: status, limit: limit, deleted: deleted)) }
        return deleted
    }
}
