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
        /// Longest wait for a free slot to the destination host; after it the delivery goes back to the queue.
        public var hostSlotWait: Duration = .seconds(20)
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
    /// Completions and nudges: wakes the claim loop early. Keeps at most one pending signal.
    private let signals = WakeSignal()
    /// Whether a pruning round is running (at most one at a time).
    let pruning = OnceAtATime()
    private let lock = NSLock()
    private var inFlight = 0
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
                }
                if ContinuousClock.now - lastPrune > .seconds(60), !pruning.isRunning {
                    lastPrune = .now
                    // Off the claim loop: deliveries never wait for pruning.
                    group.addTask { await self.pruning.run { await self.prune() } }
                }
                let room = configuration.concurrency - lock.withLock { inFlight }
                var claimed: [Delivery] = []
                if room > 0 {
                    let now = clock()
                    let leaseMilliseconds = configuration.lease.components.seconds * 1000
                    claimed = (try? await store.claimDue(now: now, limit: room, leaseUntil: now + leaseMilliseconds)) ?? []
                }
                for delivery in claimed {
                    lock.withLock { inFlight += 1 }
                    group.addTask {
                        await self.attempt(delivery)
                        self.lock.withLock { self.inFlight -= 1 }
                        self.signals.signal()
                    }
                }
                if claimed.isEmpty || claimed.count == room { await signals.wait(atMost: configuration.pollInterval) }
            }
        }
    }
}
