import Foundation
import Secrets
import Storage
import Testing
import Webhooks

/// The owner-visible delivery log, on every store.
@Suite("DeliveryLog conformance")
struct DeliveryLogConformanceTests {
    typealias Shared = DeliveryStoreConformanceTests

    static func withLog<T>(_ kind: StoreKind, _ body: (any DeliveryStore, any DeliveryLog) async throws -> T) async throws -> T {
        try await kind.withStores { stores in try await body(stores.deliveries, stores.deliveryLog) }
    }

    @Test(arguments: StoreKind.enabled)
    func attemptsAreLoggedAndListedPerOwnerAndWebhook(_ kind: StoreKind) async throws {
        try await Self.withLog(kind) { (queue, log) async throws in
            // Five deliveries of alice's webhook (two at the same time: ordered by id), one of another webhook, one of bob's.
            var items = (0..<5).map { Shared.delivery("d\($0)", at: $0 == 4 ? 300 : 100 * Int64($0)) }
            items.append(
                NewDelivery(
                    id: "other", owner: Shared.alice, webhookRKey: "another", url: "https://x", secretName: nil, inlineSecret: nil, body: [],
                    createdAt: 50))
            items.append(
                NewDelivery(
                    id: "bobs", owner: Shared.bob, webhookRKey: "3kwebhook", url: "https://x", secretName: nil, inlineSecret: nil, body: [],
                    createdAt: 50))
            try await queue.enqueue(items, cursor: nil)
            try await log.recordAttempt(id: "d1", DeliveryAttempt(at: 110, durationMilliseconds: 12, status: 503, error: "HTTP 503"))
            try await log.recordAttempt(id: "d1", DeliveryAttempt(at: 120, durationMilliseconds: 9, status: nil, error: "network: timeout"))
            try await log.recordAttempt(id: "d1", DeliveryAttempt(at: 130, durationMilliseconds: 7, status: 200, error: nil))

            let all = try await log.deliveries(owner: Shared.alice, webhookRKey: "3kwebhook", status: nil, before: nil, limit: 10)
            #expect(all.map(\.delivery.delivery.id) == ["d4", "d3", "d2", "d1", "d0"])
            #expect(all.first { $0.delivery.delivery.id == "d1" }?.lastStatus == 200, "the newest answer")
            let page = try await log.deliveries(
                owner: Shared.alice, webhookRKey: "3kwebhook", status: nil,
                before: DeliveryCursor(createdAt: 300, id: "d4"), limit: 2)
            #expect(page.map(\.delivery.delivery.id) == ["d3", "d2"], "same time, lower id first after the cursor")
            #expect(try await log.deliveries(owner: Shared.alice, webhookRKey: "3kwebhook", status: .dead, before: nil, limit: 10).isEmpty)
            #expect(
                try await log.deliveries(owner: Shared.bob, webhookRKey: "3kwebhook", status: nil, before: nil, limit: 10).map(\.delivery.delivery.id)
                    == ["bobs"])

            #expect(try await log.delivery(owner: Shared.alice, id: "d1")?.lastStatus == 200)
            #expect(try await log.delivery(owner: Shared.bob, id: "d1") == nil, "another account's delivery is not found")
            #expect(try await log.attempts(id: "d1", limit: 10).map(\.at) == [110, 120, 130])
            #expect(try await log.attempts(id: "d1", limit: 2).map(\.status) == [nil, 200], "the newest, oldest first")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func redeliverStartsANewChainUnlessClaimed(_ kind: StoreKind) async throws {
        try await Self.withLog(kind) { (queue, log) async throws in
            try await queue.enqueue([Shared.delivery("d1", at: 100)], cursor: nil)
            let claimed = try await queue.claimDue(now: 100, limit: 1, leaseUntil: 10_000)
            let lease = try #require(claimed.first?.leaseUntil)
            // Under a live claim: not touched.
            #expect(
                try await log.redeliver(owner: Shared.alice, id: "d1", url: "https://new", secretName: "s2", inlineSecretFingerprint: nil, at: 200)
                    == false)
            try await queue.markDead(id: "d1", lease: lease, attempts: 9, error: "gave up", at: 300)
            #expect(
                try await log.redeliver(owner: Shared.bob, id: "d1", url: "https://new", secretName: "s2", inlineSecretFingerprint: nil, at: 400)
                    == false)
            #expect(
                try await log.redeliver(owner: Shared.alice, id: "d1", url: "https://new", secretName: "s2", inlineSecretFingerprint: nil, at: 400))
            let again = try #require(try await queue.claimDue(now: 400, limit: 1, leaseUntil: 20_000).first)
            #expect(again.status == .pending && again.attempts == 0 && again.lastError == nil)
            #expect(again.delivery.url == "https://new" && again.delivery.secretName == "s2" && again.delivery.id == "d1")
            #expect(again.leaseUntil.map { $0 > lease } == true, "leases still only grow")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func pruningRemovesTheAttemptsToo(_ kind: StoreKind) async throws {
        try await Self.withLog(kind) { (queue, log) async throws in
            try await queue.enqueue([Shared.delivery("d1", at: 100)], cursor: nil)
            let lease = try #require(try await queue.claimDue(now: 100, limit: 1, leaseUntil: 1_000).first?.leaseUntil)
            try await log.recordAttempt(id: "d1", DeliveryAttempt(at: 110, durationMilliseconds: 1, status: 200, error: nil))
            try await queue.markDelivered(id: "d1", lease: lease, attempts: 1, at: 110)
            #expect(try await queue.pruneDeliveries(status: .delivered, updatedBefore: 1_000, limit: 10) == 1)
            #expect(try await log.attempts(id: "d1", limit: 10).isEmpty)
        }
    }

    /// A claim whose lease ran out mid-attempt cannot overwrite a redelivery with its late outcome.
    @Test(arguments: StoreKind.enabled)
    func aStaleClaimCannotOverwriteARedelivery(_ kind: StoreKind) async throws {
        try await Self.withLog(kind) { (queue, log) async throws in
            try await queue.enqueue([Shared.delivery("d1", at: 100)], cursor: nil)
            let stale = try #require(try await queue.claimDue(now: 100, limit: 1, leaseUntil: 200).first?.leaseUntil)
            #expect(
                try await log.redeliver(owner: Shared.alice, id: "d1", url: "https://new", secretName: nil, inlineSecretFingerprint: nil, at: 300))
            #expect(try await queue.markDead(id: "d1", lease: stale, attempts: 1, error: "late", at: 310) == false)
            #expect(try await queue.deliveries(status: .pending, limit: 1).first?.delivery.url == "https://new")
        }
    }
}
