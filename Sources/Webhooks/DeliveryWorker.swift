import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NetworkPolicy
import Secrets
import ServiceLifecycle
import Storage
import WebhookSignature

/// Sends queued deliveries: a bounded pool, at most a few requests at a time per destination host.
///
/// Each attempt signs at the last moment: after it has a host slot and a checked, pinned destination, it
/// reads the secret's *current* token while holding it against rotation (``SecretService/withSigningToken(owner:name:_:)``)
/// and lets go only once the request head is written. So a rotation returns only after every request signed
/// with the old token has started, and no request signed with it starts afterwards, on any replica.
/// A delivery whose named secret is gone fails with a recorded reason; it is never sent unsigned.
///
/// Every attempt is bounded: the host-slot wait, DNS, the fence and the request (one overall deadline for the
/// head and what little of the body is read) add up to less than the claim's lease, and the outcome is
/// recorded only if this worker still holds that lease (a fenced claim), so an attempt never overwrites a
/// later claimer's work.
public final class DeliveryWorker: Service, @unchecked Sendable {
    /// How the worker behaves; defaults suit production.
    public struct Configuration: Sendable {
        public var concurrency = 32
        public var perHost = 4
        public var schedule = RetrySchedule.standard
        /// How long a claimed delivery stays leased to this worker: longer than the longest attempt
        /// (`hostSlotWait` + DNS + `requestDeadline` + store time).
        public var lease: Duration = .seconds(60)
        /// How often to look for due deliveries when idle.
        public var pollInterval: Duration = .seconds(1)
        /// Longest wait for a free slot to the destination host for a test ping (queued deliveries never wait: a
        /// delivery whose host is busy goes back to the queue for ``hostBusyDelay``, holding no slot).
        public var hostSlotWait: Duration = .seconds(20)
        /// How long a delivery whose host has no free slot waits in the queue (not counted as an attempt).
        public var hostBusyDelay: Duration = .seconds(2)
        /// Attempts in a row a host must leave unanswered (timeout, refused, reset) before its breaker opens: its
        /// deliveries then back off together (each counted as a failed attempt), one probe at a time.
        public var breakerThreshold = 3
        /// How long an open breaker waits before its first probe; doubled after each failed probe, up to 15 minutes.
        public var breakerCooldown: Duration = .seconds(30)
        /// One deadline for sending a request and reading its answer (head and the bytes read of the body).
        public var requestDeadline: Duration = .seconds(20)
        /// Most bytes of a receiver's response body read (and then dropped; bodies are not recorded).
        public var maxResponseBytes = 1024
        /// Longest `Retry-After` honoured: a receiver asking for more gets its retry after this long.
        public var maxRetryAfter: Duration = .seconds(6 * 3600)
        /// How long finished deliveries are kept (then pruned, a batch at a time): delivered, dead and cancelled.
        public var retention: [DeliveryStatus: Duration] = [
            .delivered: .seconds(7 * 86_400), .dead: .seconds(30 * 86_400),
            .cancelled: .seconds(30 * 86_400),
        ]
        /// Deliveries deleted per pruning statement (small, so pruning never holds the queue up).
        public var pruneBatch = 500
        /// Longest one pruning round runs (once a minute): 500-row batches for 20 s keep up with several thousand
        /// finished deliveries a second.
        public var pruneBudget: Duration = .seconds(20)
        public var userAgent = "sigil-webhook/0.1.0"
        /// Each account's queued-bytes budget, told of every delivery that leaves the queue here; nil: none.
        public var budget: QueueBudget?
        /// Runs once an attempt is signed, before its request head is written, while the signer is still held
        /// against rotation. A seam for tests (they stop an attempt there); nil in production.
        public var afterSigning: (@Sendable (NewDelivery) async -> Void)?

        public init() {}
    }

    let store: any DeliveryStore
    /// Where each attempt is logged for the webhook's owner; nil (tests of the queue alone): not logged.
    let attemptLog: (any DeliveryLog)?
    let secrets: SecretService
    /// Signing keys (Standard Webhooks `v1a`): a `secretId` names a token secret or one of these, decided at send time.
    let signingKeys: SigningKeyService
    /// The webhooks as they are now: a delivery whose webhook is gone, disabled or re-pointed is cancelled at
    /// send time. Nil (tests of the queue alone): deliveries go out as queued, and inline secrets are unknown.
    let webhooks: (any DeliveryWebhooks)?
    let destinations: DestinationGuard
    let configuration: Configuration
    let logger: Logger
    let clock: @Sendable () -> Int64
    let hosts = HostSlots()
    let breakers: HostBreakers
    /// Completions and nudges: wakes the claim loop early. Keeps at most one pending signal.
    private let signals = WakeSignal()
    /// Whether a pruning round is running (at most one at a time).
    let pruning = OnceAtATime()
    private let lock = NSLock()
    private var inFlight = 0
    /// Attempts in flight per account (for ``FairShare``).
    private var inFlightByOwner: [String: Int] = [:]
    /// Where the next claim's round-robin over accounts starts: after the last account served.
    private var claimCursor = ""
    /// Whether ``run()`` is running: one claim loop per worker (its wake signal has one waiter).
    private var isRunning = false
    var running: Bool { lock.withLock { isRunning } }

    public init(
        store: any DeliveryStore, log: (any DeliveryLog)? = nil, secrets: SecretService, signingKeys: SigningKeyService,
        webhooks: (any DeliveryWebhooks)? = nil,
        destinations: DestinationGuard, configuration: Configuration = .init(),
        logger: Logger, clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds
    ) {
        self.store = store
        self.attemptLog = log
        self.secrets = secrets
        self.signingKeys = signingKeys
        self.webhooks = webhooks
        self.destinations = destinations
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.breakers = HostBreakers(
            threshold: configuration.breakerThreshold, cooldownMilliseconds: configuration.breakerCooldown.components.seconds * 1000)
    }

    /// Most accounts one claim looks at; the round-robin start moves on, so every account is reached in turn.
    static let accountsPerClaim = 256

    /// Claims up to `room` due deliveries shared fairly between the accounts that have some (``FairShare``),
    /// starting the round after the account served last. Also says whether some account had due work it could
    /// not be given (at its share), which is no reason to look again before a slot frees.
    func claimFairly(room: Int) async -> (claimed: [Delivery], fullShare: Bool) {
        let now = clock()
        let leaseMilliseconds = configuration.lease.components.seconds * 1000
        let (cursor, running) = lock.withLock { (claimCursor, inFlightByOwner) }
        let limit = Self.accountsPerClaim
        // Deliveries to a host with no free slot, or one not answering, stay in the queue: claiming them would only hold
        // a slot. (One that loses the race for a host's last slot waits for it without holding a worker slot.)
        let excluded = (await hosts.full(limit: configuration.perHost)) + breakers.closedToClaims(now: now)
        let concurrency = configuration.concurrency
        guard
            let (due, claimed) = try? await store.claimFairly(
                now: now, after: cursor, accountsLimit: limit, countingUpTo: room, excludingHosts: excluded, leaseUntil: now + leaseMilliseconds,
                allocate: { FairShare.allocate(room: room, concurrency: concurrency, due: $0, inFlight: running) })
        else { return ([], false) }
        let wanted = due.reduce(0) { $0 + $1.count }
        // The round-robin goes on after the last account served.
        if let last = claimed.last?.delivery.owner { lock.withLock { claimCursor = last } }
        return (claimed, claimed.count < min(wanted, room))
    }

    /// Asks the worker to look for due deliveries now (after an enqueue).
    public func nudge() {
        signals.signal()
    }

    /// Claims due deliveries whenever there is room, until shutdown; in-flight attempts finish first.
    /// A second call while one runs returns at once (logged): one worker, one claim loop.
    public func run() async throws {
        let first = lock.withLock {
            defer { isRunning = true }
            return !isRunning
        }
        guard first else {
            logger.error("DeliveryWorker.run() called while it already runs; ignored")
            return
        }
        defer { lock.withLock { isRunning = false } }
        if (try? await store.releaseAllLeases()) == nil { logger.warning("could not release old delivery leases") }
        var lastGauge = ContinuousClock.now - .seconds(60)
        var lastPrune = ContinuousClock.now - .seconds(3600)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if ContinuousClock.now - lastGauge > .seconds(5), let counts = try? await store.deliveryCounts() {
                    lastGauge = .now
                    Gauge(label: "webhook_deliveries_queued").record(counts[.pending] ?? 0)
                    Gauge(label: "webhook_deliveries_dead").record(counts[.dead] ?? 0)
                    if let bytes = try? await store.queueBytes() { Gauge(label: "webhook_queue_bytes").record(bytes) }
                }
                if ContinuousClock.now - lastPrune > .seconds(60), !pruning.isRunning {
                    lastPrune = .now
                    // Off the claim loop: deliveries never wait for pruning.
                    group.addTask { await self.pruning.run { await self.prune() } }
                }
                let room = configuration.concurrency - lock.withLock { inFlight }
                var claimed: [Delivery] = []
                var fullShare = false
                if room > 0 { (claimed, fullShare) = await claimFairly(room: room) }
                for delivery in claimed {
                    let owner = delivery.delivery.owner
                    lock.withLock {
                        inFlight += 1
                        inFlightByOwner[owner, default: 0] += 1
                    }
                    group.addTask {
                        let slot = OnceFlag()
                        // The slot is given back once: when the attempt waits for its host (holding no slot), or at its end.
                        let release: @Sendable () -> Void = {
                            guard slot.take() else { return }
                            self.lock.withLock {
                                self.inFlight -= 1
                                self.inFlightByOwner[owner, default: 1] -= 1
                                if self.inFlightByOwner[owner] == 0 { self.inFlightByOwner[owner] = nil }
                            }
                            self.signals.signal()
                        }
                        await self.attempt(delivery, releasingSlot: release)
                        release()
                    }
                }
                // Nothing due, or every slot (or every account's share) taken: wait for a completion or a nudge.
                if claimed.isEmpty || claimed.count == room || fullShare { await signals.wait(atMost: configuration.pollInterval) }
            }
        }
    }
}
