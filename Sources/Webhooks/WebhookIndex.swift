import Foundation

/// Active webhooks indexed by the DID they watch, so matching an event costs one dictionary lookup and a
/// scan of that DID's webhooks only, however many webhooks exist.
public final class WebhookIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var byScopeDID: [String: [ActiveWebhook]] = [:]
    private var byKey: [String: ActiveWebhook] = [:]

    public init() {}

    private static func key(_ owner: String, _ rkey: String) -> String { owner + "/" + rkey }

    /// Adds or replaces the webhook `owner/rkey`.
    public func put(_ webhook: ActiveWebhook) {
        lock.withLock {
            removeLocked(owner: webhook.owner, rkey: webhook.rkey)
            byKey[Self.key(webhook.owner, webhook.rkey)] = webhook
            byScopeDID[webhook.scope.did, default: []].append(webhook)
        }
    }

    public func remove(owner: String, rkey: String) {
        lock.withLock { removeLocked(owner: owner, rkey: rkey) }
    }

    private func removeLocked(owner: String, rkey: String) {
        guard let old = byKey.removeValue(forKey: Self.key(owner, rkey)) else { return }
        byScopeDID[old.scope.did]?.removeAll { $0.owner == owner && $0.rkey == rkey }
        if byScopeDID[old.scope.did]?.isEmpty == true { byScopeDID[old.scope.did] = nil }
    }

    /// The webhooks that fire for this event.
    public func matching(_ operation: RecordOperation, did: String, collection: String, rkey: String) -> [ActiveWebhook] {
        lock.withLock { byScopeDID[did] ?? [] }.filter { $0.fires(on: operation, did: did, collection: collection, rkey: rkey) }
    }

    /// The webhook of `owner` at `rkey`, if indexed (enabled or not).
    public func webhook(owner: String, rkey: String) -> ActiveWebhook? {
        lock.withLock { byKey[Self.key(owner, rkey)] }
    }

    public var count: Int { lock.withLock { byKey.count } }
}
