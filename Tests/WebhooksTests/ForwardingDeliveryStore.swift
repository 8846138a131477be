import Foundation
import Secrets
import Storage

/// A ``DeliveryStore`` that passes every call through to `base`; tests subclass it and override the calls they
/// watch or hold.
class ForwardingDeliveryStore: DeliveryStore, @unchecked Sendable {
    let base: any DeliveryStore

    init(_ base: any DeliveryStore) { self.base = base }

    func pruneDeliveries(status: DeliveryStatus, updatedBefore before: Int64, limit: Int) async throws(StoreError) -> Int {
        try await base.pruneDeliveries(status: status, updatedBefore: before, limit: limit)
    }
    func upsertWebhook(_ webhook: WebhookRegistration) async throws(StoreError) { try await base.upsertWebhook(webhook) }
    func removeWebhook(owner: String, rkey: String) async throws(StoreError) { try await base.removeWebhook(owner: owner, rkey: rkey) }
    func webhooks() async throws(StoreError) -> [WebhookRegistration] { try await base.webhooks() }
    func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?, maxPendingPerWebhook: Int?) async throws(StoreError) {
        try await base.enqueue(deliveries, cursor: cursor, maxPendingPerWebhook: maxPendingPerWebhook)
    }
    func cursor(_ name: String) async throws(StoreError) -> Int64? { try await base.cursor(name) }
    func claimDue(now: Int64, limit: Int, leaseUntil: Int64) async throws(StoreError) -> [Delivery] {
        try await base.claimDue(now: now, limit: limit, leaseUntil: leaseUntil)
    }
    func dueOwners(now: Int64, after: String, limit: Int, countingUpTo: Int, excludingHosts: [String]) async throws(StoreError) -> [OwnerDue] {
        try await base.dueOwners(now: now, after: after, limit: limit, countingUpTo: countingUpTo, excludingHosts: excludingHosts)
    }
    func claimDue(now: Int64, owners: [OwnerDue], leaseUntil: Int64, excludingHosts: [String]) async throws(StoreError) -> [Delivery] {
        try await base.claimDue(now: now, owners: owners, leaseUntil: leaseUntil, excludingHosts: excludingHosts)
    }
    func deferHost(_ host: String, until: Int64, error: String, retryDelays: [Int64], at: Int64) async throws(StoreError) -> Int {
        try await base.deferHost(host, until: until, error: error, retryDelays: retryDelays, at: at)
    }
    func claimFairly(
        now: Int64, after: String, accountsLimit: Int, countingUpTo: Int, excludingHosts: [String], leaseUntil: Int64,
        allocate: @escaping @Sendable ([OwnerDue]) -> [OwnerDue]
    ) async throws(StoreError) -> (due: [OwnerDue], claimed: [Delivery]) {
        try await base.claimFairly(
            now: now, after: after, accountsLimit: accountsLimit, countingUpTo: countingUpTo, excludingHosts: excludingHosts,
            leaseUntil: leaseUntil, allocate: allocate)
    }
    func releaseAllLeases() async throws(StoreError) { try await base.releaseAllLeases() }
    func queueBytes() async throws(StoreError) -> Int64 { try await base.queueBytes() }
    func queuedBodyBytes(owner: String) async throws(StoreError) -> Int64 { try await base.queuedBodyBytes(owner: owner) }
    func noteReadbackFailure(owner: String, rkey: String, error: String, at: Int64, backoff: ClosedRange<Int64>) async throws(StoreError) {
        try await base.noteReadbackFailure(owner: owner, rkey: rkey, error: error, at: at, backoff: backoff)
    }
    func clearReadback(owner: String, rkey: String) async throws(StoreError) { try await base.clearReadback(owner: owner, rkey: rkey) }
    func pendingReadbacks(owner: String?, dueAt now: Int64?, limit: Int) async throws(StoreError) -> [PendingReadback] {
        try await base.pendingReadbacks(owner: owner, dueAt: now, limit: limit)
    }
    func markDelivered(id: String, lease: Int64, attempts: Int, at: Int64) async throws(StoreError) -> Bool {
        try await base.markDelivered(id: id, lease: lease, attempts: attempts, at: at)
    }
    func markRetry(id: String, lease: Int64, attempts: Int, nextAttemptAt: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await base.markRetry(id: id, lease: lease, attempts: attempts, nextAttemptAt: nextAttemptAt, error: error, at: at)
    }
    func markDead(id: String, lease: Int64, attempts: Int, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await base.markDead(id: id, lease: lease, attempts: attempts, error: error, at: at)
    }
    func markCancelled(id: String, lease: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await base.markCancelled(id: id, lease: lease, error: error, at: at)
    }
    func setWebhookDisabled(owner: String, rkey: String, reason: String?, at: Int64) async throws(StoreError) {
        try await base.setWebhookDisabled(owner: owner, rkey: rkey, reason: reason, at: at)
    }
    func noteWebhookFailure(owner: String, rkey: String, at: Int64) async throws(StoreError) -> Int64? {
        try await base.noteWebhookFailure(owner: owner, rkey: rkey, at: at)
    }
    func clearWebhookFailure(owner: String, rkey: String) async throws(StoreError) { try await base.clearWebhookFailure(owner: owner, rkey: rkey) }
    func deliveries(status: DeliveryStatus?, limit: Int) async throws(StoreError) -> [Delivery] {
        try await base.deliveries(status: status, limit: limit)
    }
    func deliveryCounts() async throws(StoreError) -> [DeliveryStatus: Int] { try await base.deliveryCounts() }
}
