import Foundation
import Secrets
import Storage
import Testing
import Webhooks

/// Cancelling, pruning and pausing, on every store.
@Suite("DeliveryStore conformance: cancel, prune, pause")
struct DeliveryLifecycleConformanceTests {
    typealias Shared = DeliveryStoreConformanceTests

    @Test(arguments: StoreKind.enabled)
    func aCancelIsFencedByTheLeaseAndRecordsWhy(_ kind: StoreKind) async throws {
        try await Shared.withQueue(kind) { (queue, _) async throws in
            try await queue.enqueue([Shared.delivery("d1", at: 100)], cursor: nil)
            let claimed = try await queue.claimDue(now: 100, limit: 10, leaseUntil: 1_000)
            let lease = try #require(claimed.first?.leaseUntil)
            #expect(try await queue.markCancelled(id: "d1", lease: lease + 1, error: "stale claim", at: 150) == false)
            #expect(try await queue.markCancelled(id: "d1", lease: lease, error: "webhook deleted", at: 200))
            let cancelled = try await queue.deliveries(status: .cancelled, limit: 10)
            #expect(cancelled.count == 1 && cancelled[0].lastError == "webhook deleted" && cancelled[0].updatedAt == 200)
            #expect(try await queue.claimDue(now: 10_000, limit: 10, leaseUntil: 20_000).isEmpty, "a cancelled delivery is never claimed")
            #expect(try await queue.deliveryCounts() == [.cancelled: 1])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func pruningTakesOnlyOldFinishedDeliveriesOfOneStatusInBatches(_ kind: StoreKind) async throws {
        try await Shared.withQueue(kind) { (queue, _) async throws in
            try await queue.enqueue((0..<7).map { Shared.delivery("d\($0)", at: 100) } + [Shared.delivery("pending", at: 100)], cursor: nil)
            let claimed = try await queue.claimDue(now: 100, limit: 7, leaseUntil: 1_000).filter { $0.delivery.id != "pending" }
            for (index, delivery) in claimed.enumerated() {
                let lease = try #require(delivery.leaseUntil)
                // d0…d2 delivered long ago, d3 delivered recently, d4 dead long ago, d5 cancelled long ago.
                switch index {
                case 0, 1, 2: try await queue.markDelivered(id: delivery.delivery.id, lease: lease, attempts: 1, at: 1_000)
                case 3: try await queue.markDelivered(id: delivery.delivery.id, lease: lease, attempts: 1, at: 9_000)
                case 4: try await queue.markDead(id: delivery.delivery.id, lease: lease, attempts: 1, error: "x", at: 1_000)
                case 5: try await queue.markCancelled(id: delivery.delivery.id, lease: lease, error: "x", at: 1_000)
                default: break
                }
            }
            #expect(try await queue.pruneDeliveries(status: .delivered, updatedBefore: 5_000, limit: 2) == 2)
            #expect(try await queue.pruneDeliveries(status: .delivered, updatedBefore: 5_000, limit: 2) == 1)
            #expect(try await queue.pruneDeliveries(status: .delivered, updatedBefore: 5_000, limit: 2) == 0)
            #expect(try await queue.pruneDeliveries(status: .pending, updatedBefore: .max, limit: 100) == 0, "pending deliveries are never pruned")
            #expect(try await queue.pruneDeliveries(status: .dead, updatedBefore: 5_000, limit: 100) == 1)
            #expect(try await queue.deliveryCounts() == [.delivered: 1, .cancelled: 1, .pending: 2])
            #expect(try await queue.pruneDeliveries(status: .cancelled, updatedBefore: 5_000, limit: 100) == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aPausedWebhookStaysPausedUntilItsRecordChanges(_ kind: StoreKind) async throws {
        try await Shared.withQueue(kind) { (queue, _) async throws in
            let record = WebhookRegistration(owner: Shared.alice, rkey: "w", record: Array("{}".utf8), updatedAt: 1)
            try await queue.upsertWebhook(record)
            try await queue.setWebhookDisabled(owner: Shared.alice, rkey: "w", reason: "410 Gone", at: 5)
            #expect(try await queue.webhooks().first?.disabledReason == "410 Gone")
            try await queue.setWebhookDisabled(owner: Shared.alice, rkey: "w", reason: nil, at: 6)
            #expect(try await queue.webhooks().first?.disabledReason == nil)
            try await queue.setWebhookDisabled(owner: Shared.alice, rkey: "w", reason: "410 Gone", at: 7)
            try await queue.upsertWebhook(WebhookRegistration(owner: Shared.alice, rkey: "w", record: Array("{\"a\":1}".utf8), updatedAt: 8))
            #expect(
                try await queue.webhooks() == [WebhookRegistration(owner: Shared.alice, rkey: "w", record: Array("{\"a\":1}".utf8), updatedAt: 8)])
            // Pausing a webhook that does not exist changes nothing.
            try await queue.setWebhookDisabled(owner: Shared.bob, rkey: "w", reason: "x", at: 9)
            #expect(try await queue.webhooks().count == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anInlineSecretIsStoredOnlyAsItsFingerprint(_ kind: StoreKind) async throws {
        try await Shared.withQueue(kind) { (queue, _) async throws in
            try await queue.enqueue([Shared.delivery("d1", at: 1, secretName: nil, inlineSecret: "inline-plaintext")], cursor: nil)
            let stored = try #require(try await queue.deliveries(status: nil, limit: 1).first)
            #expect(stored.delivery.inlineSecretFingerprint == NewDelivery.fingerprint(ofInlineSecret: "inline-plaintext"))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aWebhookOverItsPendingCapGetsTheNewestRefusedWithAReason(_ kind: StoreKind) async throws {
        try await Shared.withQueue(kind) { (queue, _) async throws in
            // 3 pending allowed: 2 already queued, then a batch of 3 (one the same time as another, ordered by id).
            try await queue.enqueue([Shared.delivery("a1", at: 10), Shared.delivery("a2", at: 20)], cursor: nil, maxPendingPerWebhook: 3)
            let other = NewDelivery(
                id: "b1", owner: Shared.alice, webhookRKey: "another", url: "https://x", secretName: nil, inlineSecret: nil,
                body: [], createdAt: 30)
            try await queue.enqueue(
                [Shared.delivery("a5", at: 40), Shared.delivery("a3", at: 30), Shared.delivery("a4", at: 30), other],
                cursor: (name: "jetstream", value: 7), maxPendingPerWebhook: 3)
            let pending = Set(try await queue.deliveries(status: .pending, limit: 10).map(\.delivery.id))
            #expect(pending == ["a1", "a2", "a3", "b1"], "the oldest are kept; another webhook has its own cap")
            let refused = try await queue.deliveries(status: .cancelled, limit: 10)
            #expect(Set(refused.map(\.delivery.id)) == ["a4", "a5"])
            #expect(refused.allSatisfy { $0.lastError == NewDelivery.overCapReason(3) })
            #expect(try await queue.cursor("jetstream") == 7, "the cursor moves on with the refused ones: nothing is lost silently")
            // Without a cap, as before.
            try await queue.enqueue([Shared.delivery("a6", at: 50)], cursor: nil)
            #expect(try await queue.deliveryCounts()[.pending] == 5)
        }
    }
}
