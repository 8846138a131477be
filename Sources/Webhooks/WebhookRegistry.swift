import Foundation
import Jetstream
import Lexicon
import Logging
import Metrics
import Secrets
import Storage

/// Keeps the active webhooks: reads `place.wisp.v2.wh` records back from their PDS on every change,
/// validates them with the lexicon engine, and stores and indexes the valid ones. Invalid records are
/// ignored with a logged reason (and deactivate a previous version).
public final class WebhookRegistry: DeliveryWebhooks {
    public static let collection = "place.wisp.v2.wh"

    public let index: WebhookIndex
    let store: any DeliveryStore
    /// A webhook whose every attempt failed for this long is paused (resumed by a change of its record).
    public let autoDisableAfter: Duration
    /// Most webhooks one account can have active; a record beyond it is ignored with a logged reason.
    public let maxWebhooksPerOwner: Int
    /// A failed read-back is tried again after this long, doubled each time, up to an hour.
    public let readbackRetry: Duration
    /// Webhooks whose last attempt failed: only their successes are written (to end the streak).
    private let failing = FailingSet()
    /// The stored `updatedAt` of each indexed webhook as this replica last applied it (see ``reconcile(now:)``).
    private let versions = Versions()
    let catalog: LexiconCatalog
    let fetcher: PDSRecordFetcher
    public let logger: Logger

    public init(
        index: WebhookIndex, store: any DeliveryStore, catalog: LexiconCatalog, fetcher: PDSRecordFetcher, logger: Logger,
        autoDisableAfter: Duration = .seconds(3 * 86_400), maxWebhooksPerOwner: Int = 100, readbackRetry: Duration = .seconds(30)
    ) {
        self.readbackRetry = readbackRetry
        self.index = index
        self.store = store
        self.autoDisableAfter = autoDisableAfter
        self.maxWebhooksPerOwner = maxWebhooksPerOwner
        self.catalog = catalog
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Loads the stored webhooks into the index (at start).
    public func load() async throws(StoreError) {
        for registration in try await store.webhooks() {
            guard let record = try? JSONValue(parsing: registration.record),
                let webhook = try? ActiveWebhook(owner: registration.owner, rkey: registration.rkey, record: record)
            else { continue }
            index.put(registration.disabledReason.map { webhook.disabled(reason: $0) } ?? webhook)
            versions.set(owner: registration.owner, rkey: registration.rkey, registration.updatedAt)
            if registration.failingSince != nil { failing.insert(owner: registration.owner, rkey: registration.rkey) }
        }
        recordActiveCount()
    }

    /// Brings this replica's index in line with the store, where another replica may have applied a change this
    /// one missed (its own read-back failed, then another replica's retry succeeded): a stored webhook newer than
    /// the indexed one replaces it, and one indexed before `now` but no longer stored is removed. Returns how many
    /// changed.
    @discardableResult
    public func reconcile(now: Int64) async throws(StoreError) -> Int {
        let stored = try await store.webhooks()
        var changed = 0
        var present = Set<String>()
        for registration in stored {
            present.insert(registration.owner + "\u{0}" + registration.rkey)
            if let known = versions.get(owner: registration.owner, rkey: registration.rkey), known >= registration.updatedAt { continue }
            guard let record = try? JSONValue(parsing: registration.record),
                let webhook = try? ActiveWebhook(owner: registration.owner, rkey: registration.rkey, record: record)
            else { continue }
            index.put(registration.disabledReason.map { webhook.disabled(reason: $0) } ?? webhook)
            versions.set(owner: registration.owner, rkey: registration.rkey, registration.updatedAt)
            changed += 1
        }
        for (owner, rkey) in index.keys where !present.contains(owner + "\u{0}" + rkey) {
            // Applied here after the store was read: not a removal this replica missed.
            guard let version = versions.get(owner: owner, rkey: rkey), version < now else { continue }
            index.remove(owner: owner, rkey: rkey)
            versions.remove(owner: owner, rkey: rkey)
            changed += 1
        }
        if changed > 0 { recordActiveCount() }
        return changed
    }

    /// Applies a change to a webhook record seen on the network.
    public func apply(_ event: JetstreamEvent, now: Int64) async throws(StoreError) {
        var log = logger
        log[metadataKey: "webhook"] = .string("at://\(event.did)/\(event.collection)/\(event.rkey)")
        if event.operation == .delete {
            try await deactivate(owner: event.did, rkey: event.rkey)
            try await store.clearReadback(owner: event.did, rkey: event.rkey)
            log.info("webhook removed")
            return
        }
        let record: JSONValue
        do {
            switch try await fetcher.record(did: event.did, collection: Self.collection, rkey: event.rkey) {
            case .found(let value): record = value
            case .notFound:
                try await deactivate(owner: event.did, rkey: event.rkey)
                try await store.clearReadback(owner: event.did, rkey: event.rkey)
                log.info("webhook record no longer exists; removed")
                return
            }
        } catch let failure as PDSRecordFetcher.Failure {
            // Keep whatever was active for now (a PDS outage must not silently switch webhooks off), and try again,
            // durably: the change is never lost, whatever happens to this process.
            let base = readbackRetry.components.seconds * 1000 + readbackRetry.components.attoseconds / 1_000_000_000_000_000
            try await store.noteReadbackFailure(
                owner: event.did, rkey: event.rkey, error: failure.description, at: now, backoff: max(1, base)...max(base, 3_600_000))
            Counter(label: "webhook_readback_failures_total").increment()
            log.warning(
                "cannot read the webhook record back from its PDS; keeping the previous state and trying again",
                metadata: ["reason": .string(failure.description)])
            return
        } catch {
            throw error as? StoreError ?? .unavailable("\(error)")
        }
        try await activate(owner: event.did, rkey: event.rkey, record: record, now: now, logger: log)
        try await store.clearReadback(owner: event.did, rkey: event.rkey)
    }

    /// Validates and activates a record (also used by tests and backfills).
    public func activate(owner: String, rkey: String, record: JSONValue, now: Int64, logger log: Logger) async throws(StoreError) {
        let webhook: ActiveWebhook
        do {
            guard case .valid = try catalog.validateRecord(record, collection: Self.collection, recordKey: rkey) else {
                let reason =
                    (try? catalog.validateRecord(record, collection: Self.collection, recordKey: rkey)).flatMap {
                        if case .invalid(let error) = $0 { return error.message } else { return nil }
                    } ?? "invalid"
                log.warning("ignoring an invalid webhook record", metadata: ["reason": .string(reason)])
                try await deactivate(owner: owner, rkey: rkey)
                return
            }
            webhook = try ActiveWebhook(owner: owner, rkey: rkey, record: record)
        } catch let rejection as ActiveWebhook.Rejection {
            log.warning("ignoring a webhook record", metadata: ["reason": .string(rejection.description)])
            try await deactivate(owner: owner, rkey: rkey)
            return
        } catch {
            log.error("the lexicon catalog has no place.wisp.v2.wh record type")
            return
        }
        if index.webhook(owner: owner, rkey: rkey) == nil, index.count(owner: owner) >= maxWebhooksPerOwner {
            log.warning(
                "ignoring a webhook record: the account already has the most webhooks served",
                metadata: ["limit": .stringConvertible(maxWebhooksPerOwner)])
            return
        }
        try await store.upsertWebhook(WebhookRegistration(owner: owner, rkey: rkey, record: record.serialized(), updatedAt: now))
        failing.remove(owner: owner, rkey: rkey)
        index.put(webhook)
        versions.set(owner: owner, rkey: rkey, now)
        recordActiveCount()
        log.info("webhook active", metadata: ["scope": .string(webhook.scope.description), "enabled": .stringConvertible(webhook.enabled)])
    }

    /// Lifts a pause (the server's, or the owner's through `setEnabled`); the record's `enabled` applies again.
    public func resume(owner: String, rkey: String) async throws(StoreError) {
        guard index.webhook(owner: owner, rkey: rkey) != nil else { return }
        try await store.setWebhookDisabled(owner: owner, rkey: rkey, reason: nil, at: 0)
        failing.remove(owner: owner, rkey: rkey)
        try await store.clearWebhookFailure(owner: owner, rkey: rkey)
        index.update(owner: owner, rkey: rkey) { $0.resumed() }
    }

    public func webhook(owner: String, rkey: String) -> ActiveWebhook? {
        index.webhook(owner: owner, rkey: rkey)
    }

    /// The webhook as it is now, with the pause `stored` in the database (another replica may have paused or
    /// resumed it since this one's index learned otherwise); the index is brought in line.
    public func webhook(owner: String, rkey: String, stored: Delivery.WebhookState?) -> ActiveWebhook? {
        guard let webhook = index.webhook(owner: owner, rkey: rkey) else { return nil }
        guard let stored, stored.disabledReason != webhook.disabledReason else { return webhook }
        if stored.failingSince != nil { failing.insert(owner: owner, rkey: rkey) }
        return index.update(owner: owner, rkey: rkey) { current in
            stored.disabledReason.map { current.disabled(reason: $0) } ?? current.resumed()
        }
    }

    /// Pauses the webhook on the server's initiative (stored, so a restart keeps it paused), until its record
    /// changes. Other replicas learn of it when their own deliveries are answered the same way, or at start.
    public func disable(owner: String, rkey: String, reason: String, now: Int64) async throws(StoreError) {
        guard index.webhook(owner: owner, rkey: rkey) != nil else { return }
        try await store.setWebhookDisabled(owner: owner, rkey: rkey, reason: reason, at: now)
        // In place, on the webhook as it is now: a record change applied meanwhile is not undone.
        index.update(owner: owner, rkey: rkey) { $0.disabled(reason: reason) }
        var log = logger
        log[metadataKey: "webhook"] = .string("at://\(owner)/\(Self.collection)/\(rkey)")
        log.warning("webhook paused", metadata: ["reason": .string(reason)])
        Counter(label: "webhooks_disabled_total").increment()
    }

    /// Follows each attempt's outcome: a success ends the webhook's failing streak; a failure that ends a streak
    /// of ``autoDisableAfter`` or longer pauses the webhook (its pending deliveries are then cancelled, visibly).
    public func attempted(owner: String, rkey: String, succeeded: Bool, storedStreak: Int64?, now: Int64) async throws(StoreError) {
        if succeeded {
            // This replica's failures, or another's (the streak stored when the delivery was claimed).
            guard failing.remove(owner: owner, rkey: rkey) || storedStreak != nil else { return }
            try await store.clearWebhookFailure(owner: owner, rkey: rkey)
            return
        }
        failing.insert(owner: owner, rkey: rkey)
        guard let since = try await store.noteWebhookFailure(owner: owner, rkey: rkey, at: now) else { return }
        let limit = autoDisableAfter.components.seconds * 1000
        if now - since >= limit, index.webhook(owner: owner, rkey: rkey)?.enabled == true {
            try await disable(
                owner: owner, rkey: rkey,
                reason: "every delivery attempt failed for \(Self.span(autoDisableAfter)) (since \(Timestamp.iso8601(milliseconds: since)))",
                now: now)
        }
    }

    /// `3 days`, `5 h`, `90 s`.
    static func span(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds >= 86_400, seconds % 86_400 == 0 { return "\(seconds / 86_400) day\(seconds == 86_400 ? "" : "s")" }
        if seconds >= 3600, seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        return "\(seconds) s"
    }

    /// The `webhooks_active` gauge: how many webhooks are in the index now.
    private func recordActiveCount() {
        Gauge(label: "webhooks_active").record(index.count)
    }

    private func deactivate(owner: String, rkey: String) async throws(StoreError) {
        try await store.removeWebhook(owner: owner, rkey: rkey)
        index.remove(owner: owner, rkey: rkey)
        versions.remove(owner: owner, rkey: rkey)
        recordActiveCount()
    }
}

extension WebhookScope: CustomStringConvertible {
    public var description: String {
        "at://" + [did, collection, rkey].compactMap { $0 }.joined(separator: "/")
    }
}

/// What the delivery worker asks about webhooks at send time.
public protocol DeliveryWebhooks: Sendable {
    /// The webhook as it is now (nil: deleted, or never valid), with the pause `stored` in the shared database.
    func webhook(owner: String, rkey: String, stored: Delivery.WebhookState?) -> ActiveWebhook?
    /// Pauses it, with the reason (its receiver answered 410 Gone).
    func disable(owner: String, rkey: String, reason: String, now: Int64) async throws(StoreError)
    /// An attempt at it succeeded or failed (the receiver's fault: not cancelled or requeued).
    /// `storedStreak`: the failing streak stored when the delivery was claimed (another replica's, perhaps).
    func attempted(owner: String, rkey: String, succeeded: Bool, storedStreak: Int64?, now: Int64) async throws(StoreError)
}

/// A lock-guarded set of webhook keys.
final class FailingSet: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: Set<String> = []

    func insert(owner: String, rkey: String) { _ = lock.withLock { keys.insert(owner + "\u{0}" + rkey) } }
    /// Whether it was there.
    @discardableResult
    func remove(owner: String, rkey: String) -> Bool { lock.withLock { keys.remove(owner + "\u{0}" + rkey) != nil } }
}

/// Lock-guarded versions of webhooks, by owner and record key.
final class Versions: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Int64] = [:]

    func get(owner: String, rkey: String) -> Int64? { lock.withLock { values[owner + "\u{0}" + rkey] } }
    func set(owner: String, rkey: String, _ version: Int64) { lock.withLock { values[owner + "\u{0}" + rkey] = version } }
    func remove(owner: String, rkey: String) { _ = lock.withLock { values.removeValue(forKey: owner + "\u{0}" + rkey) } }
}
