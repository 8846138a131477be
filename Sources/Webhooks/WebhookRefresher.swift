import Foundation
import Jetstream
import Lexicon
import Logging
import Secrets

/// Applies changes of webhook records off the event loop: each change is read back from its owner's PDS
/// in a background task, so a slow or dripping PDS delays only its own accounts' webhooks, never the stream.
///
/// Bounded: at most `maxPending` changes wait (``submit(_:)`` waits for room past that: back-pressure, not
/// loss), at most `perHost` read-backs run against one PDS host at once and `concurrency` in all; changes of
/// one webhook apply in the order they were seen. Durable: ``oldestPendingTime`` tells the event processor
/// how far its cursor may move, so a crash before a read-back finished replays that change.
public final class WebhookRefresher: @unchecked Sendable {
    let registry: WebhookRegistry
    let maxPending: Int
    let perHost: Int
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let hosts = HostSlots()
    /// Read-backs in flight, all hosts together (one key).
    private let running = HostSlots()
    private let concurrency: Int
    private let lock = NSLock()
    /// Event times of changes not yet applied (a multiset: time → count).
    private var pendingTimes: [Int64: Int] = [:]
    private var pendingCount = 0
    /// The last change queued for each webhook, which the next one for it waits for.
    private var chains: [String: (id: UInt64, task: Task<Void, Never>)] = [:]
    private var nextID: UInt64 = 0
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    private var settled: (@Sendable () async -> Void)?

    public init(
        registry: WebhookRegistry, maxPending: Int = 10_000, perHost: Int = 2, concurrency: Int = 32, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds
    ) {
        self.registry = registry
        self.maxPending = maxPending
        self.perHost = perHost
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.clock = clock
    }

    /// Sets what runs after each change is applied (the event processor moves a held-back cursor on).
    public func onSettled(_ action: @escaping @Sendable () async -> Void) {
        lock.withLock { settled = action }
    }

    /// The earliest event time whose change is not applied yet.
    public var oldestPendingTime: Int64? { lock.withLock { pendingTimes.keys.min() } }

    /// Changes waiting or being read back now.
    public var pending: Int { lock.withLock { pendingCount } }

    /// Queues a change of a `place.wisp.v2.wh` record; returns at once unless `maxPending` are waiting.
    public func submit(_ event: JetstreamEvent) async {
        await submit(event, holdsCursor: true)
    }

    /// Reads back again every webhook record whose read-back failed and is due now (from any replica, before any
    /// restart): each goes behind the webhook's other changes, under the same per-host limits, without holding the
    /// stream's cursor (the failure is stored). How many were queued.
    @discardableResult
    public func retryFailedReadbacks(limit: Int = 100) async -> Int {
        guard let due = try? await registry.store.pendingReadbacks(owner: nil, dueAt: clock(), limit: limit) else { return 0 }
        var queued = 0
        for readback in due {
            let key = readback.owner + "/" + readback.rkey
            // One already queued or running for it (a retry, or a newer change from the stream) reads the record anyway.
            guard lock.withLock({ chains[key] == nil }) else { continue }
            let value: JSONValue = [
                "did": .string(readback.owner), "time_us": 0, "kind": "commit",
                "commit": ["operation": "update", "collection": .string(WebhookRegistry.collection), "rkey": .string(readback.rkey)],
            ]
            guard let event = JetstreamEvent(value) else { continue }
            await submit(event, holdsCursor: false)
            queued += 1
        }
        return queued
    }

    private func submit(_ event: JetstreamEvent, holdsCursor: Bool) async {
        let key = event.did + "/" + event.rkey
        // Room is checked and taken in one step, so concurrent submitters never pass maxPending together.
        while !lock.withLock({ admitLocked(event, key: key, holdsCursor: holdsCursor) }) {
            await withCheckedContinuation { continuation in
                let full: Bool = lock.withLock {
                    guard pendingCount >= maxPending else { return false }
                    roomWaiters.append(continuation)
                    return true
                }
                if !full { continuation.resume() }
            }
        }
    }

    /// Queues the change behind the webhook's previous one, if there is room; under `lock`.
    private func admitLocked(_ event: JetstreamEvent, key: String, holdsCursor: Bool) -> Bool {
        guard pendingCount < maxPending else { return false }
        holdLocked(cursorAt: holdsCursor ? event.timeMicroseconds : nil)
        let previous = chains[key]?.task
        nextID &+= 1
        let id = nextID
        let task = Task {
            await previous?.value
            await self.apply(event)
            self.finished(event, key: key, id: id, holdsCursor: holdsCursor)
            await self.lock.withLock({ self.settled })?()
        }
        chains[key] = (id, task)
        return true
    }

    /// Holds the cursor at `time` as a change being read back does, until the returned closure settles it (and runs
    /// what ``onSettled(_:)`` set, as an applied change does). For tests that build races around a settling
    /// read-back without a network and its timeouts.
    func pendingChange(at time: Int64) -> @Sendable () async -> Void {
        lock.withLock { holdLocked(cursorAt: time) }
        return { [self] in
            let waiters = lock.withLock { releaseLocked(cursorAt: time) }
            for waiter in waiters { waiter.resume() }
            await lock.withLock({ settled })?()
        }
    }

    /// Counts one more change pending, holding the cursor at `time` if given; under `lock`.
    private func holdLocked(cursorAt time: Int64?) {
        if let time { pendingTimes[time, default: 0] += 1 }
        pendingCount += 1
    }

    /// Counts one change fewer (and its hold on the cursor, if it had one); the submitters waiting for room, to
    /// resume outside the lock. Under `lock`.
    private func releaseLocked(cursorAt time: Int64?) -> [CheckedContinuation<Void, Never>] {
        if let time, let count = pendingTimes[time] { pendingTimes[time] = count > 1 ? count - 1 : nil }
        pendingCount -= 1
        defer { roomWaiters = [] }
        return roomWaiters
    }

    /// Waits until every change submitted so far is applied (for shutdown and tests).
    public func drain() async {
        while true {
            let tasks = lock.withLock { chains.values.map(\.task) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    private func apply(_ event: JetstreamEvent) async {
        // Deletions need no read-back; everything else waits for a slot on its PDS host.
        guard event.operation != .delete else {
            try? await registry.apply(event, now: clock())
            return
        }
        let host = await registry.fetcher.pdsHost(did: event.did) ?? "unresolved:" + event.did
        guard await hosts.acquire(host, limit: perHost, waitingAtMost: .seconds(300)) else {
            logger.warning(
                "webhook record read-back waited too long for its PDS; keeping the previous state and trying again",
                metadata: ["webhook": .string("at://\(event.did)/\(event.collection)/\(event.rkey)")])
            try? await registry.store.noteReadbackFailure(
                owner: event.did, rkey: event.rkey, error: "waited too long for a turn at its PDS", at: clock(),
                backoff: 30_000...3_600_000)
            return
        }
        _ = await running.acquire("", limit: concurrency)
        do {
            try await registry.apply(event, now: clock())
        } catch {
            logger.error("cannot store a webhook change", metadata: ["error": .string("\(error)")])
        }
        await running.release("")
        await hosts.release(host)
    }

    private func finished(_ event: JetstreamEvent, key: String, id: UInt64, holdsCursor: Bool) {
        let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
            // Only the chain's last task removes it: a newer one may have been queued behind this one.
            if chains[key]?.id == id { chains[key] = nil }
            return releaseLocked(cursorAt: holdsCursor ? event.timeMicroseconds : nil)
        }
        for waiter in waiters { waiter.resume() }
    }
}
