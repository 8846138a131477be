import AsyncPrimitives
import Foundation
import Jetstream
import Lexicon
import Logging
import Metrics
import Secrets
import Storage

/// Turns network events into durable deliveries: matches each commit against the active webhooks and
/// enqueues one delivery per match together with the event's cursor, in one transaction. The cursor never
/// passes an event whose deliveries are not durably queued; replays produce the same delivery ids.
public final class EventProcessor: @unchecked Sendable {
    public static let cursorName = "jetstream"
    /// Most webhooks one event queues deliveries for.
    public static let maxFanOut = 256
    /// Most of one account's webhooks one event queues deliveries for (so a few accounts cannot fill ``maxFanOut``).
    public static let maxPerAccountPerEvent = 16
    /// Most webhooks left out of one event that are recorded (as cancelled deliveries without a body) for their
    /// owners to see; the rest are only counted (`webhook_fanout_dropped_total`).
    public static let maxDroppedRecordedPerEvent = 1_024
    let fanOut = FanOut(maxTotal: EventProcessor.maxFanOut, maxPerAccount: EventProcessor.maxPerAccountPerEvent)

    let registry: WebhookRegistry
    /// Applies webhook record changes in the background (read-backs never hold the stream).
    public let refresher: WebhookRefresher
    let store: any DeliveryStore
    let clock: @Sendable () -> Int64
    /// Most pending deliveries one webhook may have; a newer one is stored `cancelled` with the reason.
    public let maxPendingPerWebhook: Int
    /// Each account's byte budget for the bodies of its queued deliveries; nil: none.
    let budget: QueueBudget?
    private let lock = NSLock()
    /// Cursor writes, one at a time: a value is computed and stored in one turn, so a flush that computed an
    /// older value can never land after one that stored a newer value (the stored cursor never regresses).
    let cursorWrites = SerialSection()
    private var pendingCursor: Int64?
    /// The value this process stored last (nil before its first write): a flush that would store it again is skipped,
    /// so the read-backs settling while the cursor is held back cost no writes.
    private var lastStored: Int64?
    private var lastFlush = ContinuousClock.now

    public init(
        registry: WebhookRegistry, store: any DeliveryStore, refresher: WebhookRefresher? = nil,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds, maxPendingPerWebhook: Int = 10_000,
        budget: QueueBudget? = nil
    ) {
        self.maxPendingPerWebhook = maxPendingPerWebhook
        self.budget = budget
        self.registry = registry
        self.refresher = refresher ?? WebhookRefresher(registry: registry, logger: registry.logger, clock: clock)
        self.store = store
        self.clock = clock
        // A held-back cursor moves on as soon as the read-back holding it is applied, not only at the next event.
        self.refresher.onSettled { [weak self] in
            guard let self, self.lock.withLock({ self.pendingCursor != nil }) else { return }
            try? await self.flush()
        }
    }

    /// The cursor to store for an event at `time`: never past a webhook change still being read back, so a
    /// crash replays that change (replayed events queue the same delivery ids, which are ignored).
    private func durableCursor(_ time: Int64) -> Int64 {
        guard let oldest = refresher.oldestPendingTime else { return time }
        return min(time, oldest - 1)
    }

    /// Processes one Jetstream message (any kind). Store failures are thrown: the caller must not move on.
    public func process(_ value: JSONValue) async throws(StoreError) {
        guard let event = JetstreamEvent(value) else {
            if let time = JetstreamEvent.time(of: value) { try await advance(to: time) }
            return
        }
        // Matched against the webhooks as they are before this event: a webhook's own record change is read
        // back in the background and takes effect for the events after it.
        let matched = registry.index.matching(event.operation, did: event.did, collection: event.collection, rkey: event.rkey, record: event.record)
        let eventURI = "at://\(event.did)/\(event.collection)/\(event.rkey)"
        let (matches, dropped) = fanOut.select(matched, event: eventURI + "\u{0}" + String(event.timeMicroseconds))
        if !dropped.isEmpty {
            // Bounded, and never silent: counted, logged, and (for the first few hundred) visible to each owner as a
            // cancelled delivery without a body.
            Counter(label: "webhook_fanout_dropped_total").increment(by: dropped.count)
            registry.logger.warning(
                "an event matched more webhooks than are served per event; the rest get nothing",
                metadata: [
                    "event": .string(eventURI), "matched": .stringConvertible(matched.count), "served": .stringConvertible(matches.count),
                ])
        }
        if event.collection == WebhookRegistry.collection {
            await refresher.submit(event)
        }
        guard !matches.isEmpty || !dropped.isEmpty else {
            try await advance(to: event.timeMicroseconds)
            return
        }
        let now = clock()
        var deliveries: [NewDelivery] = []
        deliveries.reserveCapacity(matches.count)
        for webhook in matches {
            let id = WebhookPayload.id(webhook: webhook, event: event)
            let body = WebhookPayload.body(id: id, event: event)
            // Over the account's budget: recorded for its owner, without a body, not queued.
            let overBudget = try await budget?.charge(owner: webhook.owner, bytes: body.count, store: store)
            deliveries.append(
                NewDelivery(
                    id: id, owner: webhook.owner, webhookRKey: webhook.rkey, url: webhook.url, secretName: webhook.secretName,
                    inlineSecret: webhook.inlineSecret, body: overBudget == nil ? body : [], createdAt: now, notQueued: overBudget))
        }
        let notQueued = dropped.prefix(Self.maxDroppedRecordedPerEvent).map { drop in
            let id = WebhookPayload.id(webhook: drop.webhook, event: event)
            return NewDelivery(
                id: id, owner: drop.webhook.owner, webhookRKey: drop.webhook.rkey, url: drop.webhook.url, secretName: drop.webhook.secretName,
                inlineSecret: drop.webhook.inlineSecret, body: [], createdAt: now, notQueued: drop.reason)
        }
        let queued = deliveries + notQueued
        let stored = try await cursorWrites.run { () async throws(StoreError) -> Int64 in
            let stored = durableCursor(event.timeMicroseconds)
            try await store.enqueue(queued, cursor: (Self.cursorName, stored), maxPendingPerWebhook: maxPendingPerWebhook)
            lock.withLock {
                // Held back by a read-back: the event's own time stays pending, for the flush when it settles.
                pendingCursor = stored < event.timeMicroseconds ? event.timeMicroseconds : nil
                lastStored = stored
                lastFlush = .now
            }
            return stored
        }
        // The read-back may have settled while the enqueue ran, before the pending cursor was set.
        if stored < event.timeMicroseconds, durableCursor(event.timeMicroseconds) > stored { try await flush() }
    }

    /// Moves the cursor past a message that was skipped (too large, or not JSON), so a reconnect does not
    /// read it again forever.
    public func skip(to time: Int64) async throws(StoreError) {
        try await advance(to: time)
    }

    /// Records the cursor of events that queued nothing, at most about once a second.
    private func advance(to time: Int64) async throws(StoreError) {
        let due: Bool = lock.withLock {
            pendingCursor = time
            return ContinuousClock.now - lastFlush > .seconds(1)
        }
        if due { try await flush() }
    }

    /// Writes the latest cursor now (on shutdown, and periodically).
    public func flush() async throws(StoreError) {
        try await cursorWrites.run { () async throws(StoreError) -> Void in
            guard let (cursor, last) = lock.withLock({ pendingCursor.map { ($0, lastStored) } }) else { return }
            let stored = durableCursor(cursor)
            if stored != last { try await store.enqueue([], cursor: (Self.cursorName, stored)) }
            lock.withLock {
                if pendingCursor == cursor, stored == cursor { pendingCursor = nil }
                lastStored = stored
                lastFlush = .now
            }
        }
    }
}

extension EventProcessor: JetstreamSink {
    /// The stored cursor: the `time_us` of the last event whose deliveries are durably queued.
    public func cursor() async throws -> Int64? { try await store.cursor(Self.cursorName) }
}
