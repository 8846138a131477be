import NetworkPolicy
import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Secrets
import ServiceLifecycle
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
        public var retention: [DeliveryStatus: Duration] = [.delivered: .seconds(7 * 86_400), .dead: .seconds(30 * 86_400),
                                                              .cancelled: .seconds(30 * 86_400)]
        /// Deliveries deleted per pruning statement (small, so pruning never holds the queue up).
        public var pruneBatch = 500
        /// Longest one pruning round runs (once a minute): 500-row batches for 20 s keep up with several thousand
        /// finished deliveries a second.
        public var pruneBudget: Duration = .seconds(20)
        public var userAgent = "sigil-webhook/0.1.0"

        public init() {}
    }

    let store: any DeliveryStore
    let secrets: SecretService
    /// Signing keys (Standard Webhooks `v1a`): a `secretId` that names no token secret may name one of these.
    let signingKeys: SigningKeyService?
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
    /// Names last seen to be signing keys: tried as keys first (each path still reads the store every time).
    let signingKeyNames = NameSet()
    private let lock = NSLock()
    private var inFlight = 0

    public init(store: any DeliveryStore, secrets: SecretService, signingKeys: SigningKeyService? = nil, webhooks: (any DeliveryWebhooks)? = nil,
                destinations: DestinationGuard, configuration: Configuration = .init(),
                logger: Logger, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
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
    public func run() async throws {
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

    /// One attempt: wait for a host slot, check the destination, sign and send under the fence, record the outcome.
    func attempt(_ delivery: Delivery) async {
        let item = delivery.delivery
        let attempts = delivery.attempts + 1
        let started = ContinuousClock.now
        var log = logger
        log[metadataKey: "delivery"] = .string(item.id)
        log[metadataKey: "webhook"] = .string("\(item.owner)/\(item.webhookRKey)")

        let host = URLComponents(string: item.url)?.host?.lowercased() ?? ""
        guard await hosts.acquire(host, limit: configuration.perHost, waitingAtMost: configuration.hostSlotWait) else {
            // Not an attempt: the delivery goes back to the queue untouched but for a short delay.
            await finish(delivery, attempts: delivery.attempts, outcome: .requeue("waiting for a free connection to \(host)"), log: log)
            return
        }
        // The webhook as it is now: gone, disabled or re-pointed since the event matched → not sent.
        var webhook: ActiveWebhook?
        if let webhooks {
            webhook = webhooks.webhook(owner: item.owner, rkey: item.webhookRKey, stored: delivery.webhookState)
            let reason = webhook.map { $0.cancellation(of: item) } ?? "webhook deleted"
            if let reason {
                await hosts.release(host)
                await finish(delivery, attempts: delivery.attempts, outcome: .cancel(reason), log: log)
                return
            }
        }
        let outcome: Outcome
        var status: UInt?
        do {
            let destination = try await destinations.destination(for: item.url)
            let answer = await send(item, inlineSecret: webhook?.inlineSecret, to: destination)
            (outcome, status) = (answer.outcome, answer.status)
        } catch {
            outcome = error.isTransient ? .retry("destination: \(error.description)") : .dead("destination refused: \(error.description)")
        }
        await hosts.release(host)
        if let webhooks {
            do {
                switch outcome {
                case .gone(let reason): try await webhooks.disable(owner: item.owner, rkey: item.webhookRKey, reason: reason, now: clock())
                case .delivered:
                    try await webhooks.attempted(owner: item.owner, rkey: item.webhookRKey, succeeded: true,
                                                 storedStreak: delivery.webhookState?.failingSince, now: clock())
                case .retry, .dead:
                    try await webhooks.attempted(owner: item.owner, rkey: item.webhookRKey, succeeded: false,
                                                 storedStreak: delivery.webhookState?.failingSince, now: clock())
                case .requeue, .cancel: break
                }
            } catch {
                log.error("cannot record the webhook's state", metadata: ["error": .string("\(error)")])
            }
        }
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        Metrics.Timer(label: "webhook_delivery_duration_seconds").recordNanoseconds(nanoseconds)
        // The owner's log of this attempt (best effort: a failure here never changes the delivery's fate), written
        // alongside the outcome: on SQLite both usually ride in one group commit, so one fsync instead of two.
        let attempt = DeliveryAttempt(at: clock(), durationMilliseconds: nanoseconds / 1_000_000, status: status.map { Int($0) }, error: outcome.reason)
        async let logged: Void = { [store] in
            if let log = store as? any DeliveryLog { try? await log.recordAttempt(id: item.id, attempt) }
        }()
        await finish(delivery, attempts: attempts, outcome: outcome, log: log)
        await logged
    }

    enum Outcome: Sendable, Equatable {
        case delivered
        /// Retried on the schedule, or no earlier than `after` milliseconds (a receiver's `Retry-After`).
        case retry(String, after: Int64? = nil)
        case dead(String)
        /// The receiver answered 410 Gone: dead, and the webhook is paused.
        case gone(String)
        /// Back to the queue without counting an attempt.
        case requeue(String)
        /// Not sent: the webhook no longer wants it.
        case cancel(String)

        /// Why it was not delivered (nil when it was).
        var reason: String? {
            switch self {
            case .delivered: nil
            case .retry(let reason, _), .dead(let reason), .gone(let reason), .requeue(let reason), .cancel(let reason): reason
            }
        }
    }

    /// Signs and sends: one task holds the signing token (and so the fence) from reading it until the request
    /// head is written; the other sends and waits for the answer after the fence is let go.
    /// What an attempt came to, and the receiver's status if it answered.
    struct Answer: Sendable {
        let outcome: Outcome
        let status: UInt?
    }

    func send(_ item: NewDelivery, inlineSecret: String?, to destination: DestinationGuard.Destination) async -> Answer {
        let signed = OneShot<Result<HTTPHeaders, SigningFailure>>()
        let written = OneShot<Void>()
        return await withTaskGroup(of: Answer?.self) { group in
            group.addTask {
                await self.sign(item, inlineSecret: inlineSecret, into: signed, holdingUntil: written)
                return nil
            }
            group.addTask {
                defer { written.resolve(()) }
                switch await signed.wait() {
                case .failure(let failure): return Answer(outcome: failure.outcome, status: nil)
                case .success(let headers): return await self.post(item, to: destination, headers: headers, written: written)
                }
            }
            var answer = Answer(outcome: .retry("no outcome"), status: nil)
            for await result in group { if let result { answer = result } }
            return answer
        }
    }

    /// Resolves `signed` with the headers for the secret as it is *now*; for a named secret, holds the
    /// token against rotation until `written` (the request head is out, or the send gave up).
    private func sign(_ item: NewDelivery, inlineSecret: String?, into signed: OneShot<Result<HTTPHeaders, SigningFailure>>,
                      holdingUntil written: OneShot<Void>) async {
        guard let name = item.secretName else {
            if item.inlineSecretFingerprint != nil, inlineSecret == nil {
                signed.resolve(.failure(SigningFailure(description: "the webhook's own secret is not known here; not sent unsigned", isTransient: false)))
                return
            }
            signed.resolve(.success(unfencedHeaders(for: item, inlineSecret: inlineSecret)))
            return
        }
        if signingKeyNames.contains(item.owner, name), let result = await signWithKey(item, name: name) {
            signed.resolve(result)
            return
        }
        do {
            let clock = self.clock
            let base = baseHeaders
            try await secrets.withSigningToken(owner: item.owner, name: name) { keys in
                // During an overlap: one Standard Webhooks signature per live token, newest first.
                let signers = try keys.all.map { token in try WebhookSigner(token: token.text) }
                var headers = base
                for (field, value) in WebhookSigner.headers(body: item.body, id: item.id, timestamp: clock() / 1000, signers: signers) {
                    headers.add(name: field, value: value)
                }
                signed.resolve(.success(headers))
                await written.wait()
            }
        } catch let error as SecretServiceError {
            switch error {
            case .notFound:
                // Not a token secret: a signing key of that name signs with v1a; neither, and it is not sent.
                signed.resolve(await signWithKey(item, name: name)
                    ?? .failure(SigningFailure(description: "secret \(name) was deleted; not sent unsigned", isTransient: false)))
            case .expired:
                // Rotating the secret revives it: wait for that (with the retry schedule), never send unsigned.
                signed.resolve(.failure(SigningFailure(description: "secret \(error.description); not sent unsigned", isTransient: true)))
            case .unavailable, .undecryptable, .wrongMasterKey:
                // A store outage, or a token sealed under a master key this replica does not have yet: wait.
                signed.resolve(.failure(SigningFailure(description: "cannot use secret \(name) now: \(error.description)", isTransient: true)))
            default:
                signed.resolve(.failure(SigningFailure(description: "cannot use secret \(name): \(error.description)", isTransient: false)))
            }
        } catch {
            signed.resolve(.failure(SigningFailure(description: "cannot sign with secret \(name)", isTransient: false)))
        }
    }

    var baseHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        return headers
    }

    /// Headers for a delivery without a managed secret: the record's inline secret, or none.
    private func unfencedHeaders(for item: NewDelivery, inlineSecret: String?) -> HTTPHeaders {
        var headers = baseHeaders
        let timestamp = clock() / 1000
        if let inline = inlineSecret, let signer = try? WebhookSigner(token: inline) {
            for (name, value) in signer.headers(body: item.body, id: item.id, timestamp: timestamp) { headers.add(name: name, value: value) }
            return headers
        }
        headers.add(name: WebhookHeaderName.id, value: item.id)
        headers.add(name: WebhookHeaderName.timestamp, value: String(timestamp))
        if let inline = inlineSecret {
            // A plaintext secret that is not a Standard Webhooks key: wisp's header only.
            headers.add(name: WebhookHeaderName.wispSignature, value: WebhookSigner.wispSignature(secret: inline, body: item.body))
        }
        return headers
    }

    /// Posts with one overall deadline; `written` resolves when the client starts on the body (the head has
    /// been written by then).
    private func post(_ item: NewDelivery, to destination: DestinationGuard.Destination, headers: HTTPHeaders,
                      written: OneShot<Void>) async -> Answer {
        var request = HTTPClientRequest(url: destination.url)
        request.method = .POST
        request.headers = headers
        request.body = .stream(StartSignalingBody(bytes: ByteBuffer(bytes: item.body), started: written), length: .known(Int64(item.body.count)))
        let deadline = configuration.requestDeadline
        let maxResponseBytes = configuration.maxResponseBytes
        let prepared = request
        let clock = self.clock
        let maxRetryAfter = configuration.maxRetryAfter.components.seconds * 1000
        do {
            let (status, retryAfter) = try await withDeadline(deadline) {
                let request = prepared
                let response = try await destination.client.execute(request, timeout: .seconds(deadline.components.seconds + 1))
                // Read only a little of the body (never recorded), so a receiver cannot hold the attempt.
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    if read >= maxResponseBytes { break }
                }
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryAfter.milliseconds($0, now: clock()) }
                return (response.status.code, retryAfter.map { min($0, maxRetryAfter) })
            }
            return Answer(outcome: Self.outcome(status: status, retryAfter: retryAfter), status: status)
        } catch let error as DeadlineExceeded {
            return Answer(outcome: .retry("receiver: \(error.description)"), status: nil)
        } catch {
            return Answer(outcome: .retry("network: \(String(describing: type(of: error)))"), status: nil)
        }
    }

    private func finish(_ delivery: Delivery, attempts: Int, outcome: Outcome, log: Logger) async {
        let id = delivery.delivery.id
        let lease = delivery.leaseUntil ?? 0
        let now = clock()
        do {
            let recorded: Bool
            switch outcome {
            case .delivered:
                recorded = try await store.markDelivered(id: id, lease: lease, attempts: attempts, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "delivered")]).increment()
                // From the event's match (its enqueue) to the receiver's 2xx, retries included.
                Metrics.Timer(label: "webhook_delivery_latency_seconds").recordMilliseconds(max(0, now - delivery.delivery.createdAt))
                log.info("delivered", metadata: ["attempts": .stringConvertible(attempts)])
            case .requeue(let reason):
                recorded = try await store.markRetry(id: id, lease: lease, attempts: attempts, nextAttemptAt: now + 1000, error: reason, at: now)
            case .cancel(let reason):
                recorded = try await store.markCancelled(id: id, lease: lease, error: reason, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "cancelled")]).increment()
                log.info("delivery cancelled", metadata: ["reason": .string(reason)])
            case .gone(let reason):
                recorded = try await store.markDead(id: id, lease: lease, attempts: attempts, error: reason + "; the webhook is paused", at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                log.warning("delivery failed for good", metadata: ["reason": .string(reason)])
            case .retry(let reason, let after):
                if let delay = configuration.schedule.delayMilliseconds(afterAttempts: attempts) {
                    // Never earlier than the receiver asked for (capped by `maxRetryAfter`).
                    let wait = max(delay, after ?? 0)
                    let why = after.map { reason + " (Retry-After: \($0 / 1000) s)" } ?? reason
                    recorded = try await store.markRetry(id: id, lease: lease, attempts: attempts, nextAttemptAt: now + wait, error: why, at: now)
                    Counter(label: "webhook_deliveries_total", dimensions: [("result", "retry")]).increment()
                    log.notice("delivery failed; will retry", metadata: ["reason": .string(reason), "attempts": .stringConvertible(attempts)])
                } else {
                    recorded = try await store.markDead(id: id, lease: lease, attempts: attempts, error: "gave up after \(attempts) attempts: \(reason)", at: now)
                    Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                    log.warning("delivery dead-lettered", metadata: ["reason": .string(reason)])
                }
            case .dead(let reason):
                recorded = try await store.markDead(id: id, lease: lease, attempts: attempts, error: reason, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                log.warning("delivery failed for good", metadata: ["reason": .string(reason)])
            }
            if !recorded { log.warning("the delivery's lease ran out before its outcome was recorded; a later claim owns it") }
        } catch {
            // The lease will expire and the delivery be tried again: at-least-once.
            log.error("cannot record a delivery outcome", metadata: ["error": .string("\(error)")])
        }
    }

    struct SigningFailure: Error, CustomStringConvertible, Sendable {
        let description: String
        let isTransient: Bool
        var outcome: Outcome { isTransient ? .retry(description, after: nil) : .dead(description) }
    }
}
