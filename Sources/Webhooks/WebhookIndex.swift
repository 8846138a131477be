import Foundation
import Jetstream
import Lexicon

/// Active webhooks indexed by the DID they watch, so matching an event costs one dictionary lookup and a
/// scan of that DID's webhooks only, however many webhooks exist.
public final class WebhookIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var byScopeDID: [String: [ActiveWebhook]] = [:]
    /// The webhooks with `scope.backlinks`, by the DID of their scope.
    private var backlinksByDID: [String: [ActiveWebhook]] = [:]
    private var byKey: [String: ActiveWebhook] = [:]
    private var perOwner: [String: Int] = [:]

    public init() {}

    private static func key(_ owner: String, _ rkey: String) -> String { owner + "/" + rkey }

    /// Adds or replaces the webhook `owner/rkey`.
    public func put(_ webhook: ActiveWebhook) {
        lock.withLock {
            removeLocked(owner: webhook.owner, rkey: webhook.rkey)
            byKey[Self.key(webhook.owner, webhook.rkey)] = webhook
            byScopeDID[webhook.scope.did, default: []].append(webhook)
            if webhook.backlinks { backlinksByDID[webhook.scope.did, default: []].append(webhook) }
            perOwner[webhook.owner, default: 0] += 1
        }
    }

    /// Replaces the webhook `owner/rkey` with `transform` of it as it is *now* (under the lock, keeping its
    /// place), if it is indexed; the new value, or nil.
    @discardableResult
    public func update(owner: String, rkey: String, _ transform: (ActiveWebhook) -> ActiveWebhook) -> ActiveWebhook? {
        lock.withLock {
            let key = Self.key(owner, rkey)
            guard let old = byKey[key] else { return nil }
            let new = transform(old)
            byKey[key] = new
            byScopeDID[old.scope.did] = byScopeDID[old.scope.did]?.map { $0.owner == owner && $0.rkey == rkey ? new : $0 }
            if old.backlinks {
                backlinksByDID[old.scope.did] = backlinksByDID[old.scope.did]?.map { $0.owner == owner && $0.rkey == rkey ? new : $0 }
            }
            return new
        }
    }

    public func remove(owner: String, rkey: String) {
        lock.withLock { removeLocked(owner: owner, rkey: rkey) }
    }

    private func removeLocked(owner: String, rkey: String) {
        guard let old = byKey.removeValue(forKey: Self.key(owner, rkey)) else { return }
        byScopeDID[old.scope.did]?.removeAll { $0.owner == owner && $0.rkey == rkey }
        if byScopeDID[old.scope.did]?.isEmpty == true { byScopeDID[old.scope.did] = nil }
        if old.backlinks {
            backlinksByDID[old.scope.did]?.removeAll { $0.owner == owner && $0.rkey == rkey }
            if backlinksByDID[old.scope.did]?.isEmpty == true { backlinksByDID[old.scope.did] = nil }
        }
        perOwner[owner, default: 1] -= 1
        if perOwner[owner] == 0 { perOwner[owner] = nil }
    }

    /// The webhooks that fire for this event.
    public func matching(_ operation: RecordOperation, did: String, collection: String, rkey: String) -> [ActiveWebhook] {
        lock.withLock { byScopeDID[did] ?? [] }.filter { $0.fires(on: operation, did: did, collection: collection, rkey: rkey) }
    }

    /// The webhooks that fire for this event: those whose scope it is in, and backlink webhooks whose scope
    /// `record` refers into (each once, in that order).
    public func matching(_ operation: RecordOperation, did: String, collection: String, rkey: String, record: JSONValue?) -> [ActiveWebhook] {
        var matched = matching(operation, did: did, collection: collection, rkey: rkey)
        guard let record, lock.withLock({ !backlinksByDID.isEmpty }) else { return matched }
        var keys = Set(matched.map { Self.key($0.owner, $0.rkey) })
        for reference in BacklinkReferences.of(record) {
            for webhook in lock.withLock({ backlinksByDID[reference.did] ?? [] }) where webhook.fires(on: operation, referring: reference) {
                if keys.insert(Self.key(webhook.owner, webhook.rkey)).inserted { matched.append(webhook) }
            }
        }
        return matched
    }

    /// How many webhooks `owner` has indexed.
    public func count(owner: String) -> Int { lock.withLock { perOwner[owner] ?? 0 } }

    /// The webhook of `owner` at `rkey`, if indexed (enabled or not).
    public func webhook(owner: String, rkey: String) -> ActiveWebhook? {
        lock.withLock { byKey[Self.key(owner, rkey)] }
    }

    public var count: Int { lock.withLock { byKey.count } }

    /// Every indexed webhook's owner and record key.
    public var keys: [(owner: String, rkey: String)] { lock.withLock { byKey.values.map { ($0.owner, $0.rkey) } } }
}
