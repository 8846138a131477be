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
        public var userAgent = "sigil-webhook/0.1.0"

        public init() {}
    }

    let store: any DeliveryStore
    let secrets: SecretService
    let destinations: DestinationGuard
    let configuration: Configuration
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let hosts = HostSlots()
    /// Completions and nudges: wakes the claim loop early. Keeps at most one pending signal.
    private let signals = WakeSignal()
    private let lock = NSLock()
    private var inFlight = 0

    public init(store: any DeliveryStore, secrets: SecretService, destinations: DestinationGuard, configuration: Configuration = .init(),
                logger: Logger, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
        self.secrets = secrets
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
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if ContinuousClock.now - lastGauge > .seconds(5), let counts = try? await store.deliveryCounts() {
                    lastGauge = .now
                    Gauge(label: "webhook_deliveries_queued").record(counts[.pending] ?? 0)
                    Gauge(label: "webhook_deliveries_dead").record(counts[.dead] ?? 0)
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
        let outcome: Outcome
        do {
            let destination = try await destinations.destination(for: item.url)
            outcome = await send(item, to: destination)
        } catch {
            outcome = error.isTransient ? .retry("destination: \(error.description)") : .dead("destination refused: \(error.description)")
        }
        await hosts.release(host)
        let elapsed = ContinuousClock.now - started
        Metrics.Timer(label: "webhook_delivery_duration_seconds").recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        await finish(delivery, attempts: attempts, outcome: outcome, log: log)
    }

    enum Outcome: Sendable {
        case delivered
        case retry(String)
        case dead(String)
        /// Back to the queue without counting an attempt.
        case requeue(String)
    }

    /// Signs and sends: one task holds the signing token (and so the fence) from reading it until the request
    /// head is written; the other sends and waits for the answer after the fence is let go.
    private func send(_ item: NewDelivery, to destination: DestinationGuard.Destination) async -> Outcome {
        let signed = OneShot<Result<HTTPHeaders, SigningFailure>>()
        let written = OneShot<Void>()
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                await self.sign(item, into: signed, holdingUntil: written)
                return nil
            }
            group.addTask {
                defer { written.resolve(()) }
                switch await signed.wait() {
                case .failure(let failure): return failure.outcome
                case .success(let headers): return await self.post(item, to: destination, headers: headers, written: written)
                }
            }
            var outcome: Outcome = .retry("no outcome")
            for await result in group { if let result { outcome = result } }
            return outcome
        }
    }

    /// Resolves `signed` with the headers for the secret as it is *now*; for a named secret, holds the
    /// token against rotation until `written` (the request head is out, or the send gave up).
    private func sign(_ item: NewDelivery, into signed: OneShot<Result<HTTPHeaders, SigningFailure>>, holdingUntil written: OneShot<Void>) async {
        guard let name = item.secretName else {
            signed.resolve(.success(unfencedHeaders(for: item)))
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
                signed.resolve(.failure(SigningFailure(description: "secret \(name) was deleted; not sent unsigned", isTransient: false)))
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

    private var baseHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        return headers
    }

    /// Headers for a delivery without a managed secret: the record's inline secret, or none.
    private func unfencedHeaders(for item: NewDelivery) -> HTTPHeaders {
        var headers = baseHeaders
        let timestamp = clock() / 1000
        if let inline = item.inlineSecret, let signer = try? WebhookSigner(token: inline) {
            for (name, value) in signer.headers(body: item.body, id: item.id, timestamp: timestamp) { headers.add(name: name, value: value) }
            return headers
        }
        headers.add(name: WebhookHeaderName.id, value: item.id)
        headers.add(name: WebhookHeaderName.timestamp, value: String(timestamp))
        if let inline = item.inlineSecret {
            // A plaintext secret that is not a Standard Webhooks key: wisp's header only.
            headers.add(name: WebhookHeaderName.wispSignature, value: WebhookSigner.wispSignature(secret: inline, body: item.body))
        }
        return headers
    }

    /// Posts with one overall deadline; `written` resolves when the client starts on the body (the head has
    /// been written by then).
    private func post(_ item: NewDelivery, to destination: DestinationGuard.Destination, headers: HTTPHeaders,
                      written: OneShot<Void>) async -> Outcome {
        var request = HTTPClientRequest(url: destination.url)
        request.method = .POST
        request.headers = headers
        request.body = .stream(StartSignalingBody(bytes: ByteBuffer(bytes: item.body), started: written), length: .known(Int64(item.body.count)))
        let deadline = configuration.requestDeadline
        let maxResponseBytes = configuration.maxResponseBytes
        let prepared = request
        do {
            let status = try await withDeadline(deadline) {
                let request = prepared
                let response = try await destination.client.execute(request, timeout: .seconds(deadline.components.seconds + 1))
                // Read only a little of the body (never recorded), so a receiver cannot hold the attempt.
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    if read >= maxResponseBytes { break }
                }
                return response.status.code
            }
            return Self.outcome(status: status)
        } catch let error as DeadlineExceeded {
            return .retry("receiver: \(error.description)")
        } catch {
            return .retry("network: \(String(describing: type(of: error)))")
        }
    }

    /// 2xx delivered; 401 and 403 retried (a receiver may not have a just-rotated token yet), as are 408,
    /// 429 and 5xx; anything else is final.
    static func outcome(status: UInt) -> Outcome {
        switch status {
        case 200..<300: .delivered
        case 401, 403, 408, 429, 500..<600: .retry("HTTP \(status)")
        default: .dead("HTTP \(status) (not retried)")
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
                log.info("delivered", metadata: ["attempts": .stringConvertible(attempts)])
            case .requeue(let reason):
                recorded = try await store.markRetry(id: id, lease: lease, attempts: attempts, nextAttemptAt: now + 1000, error: reason, at: now)
            case .retry(let reason):
                if let delay = configuration.schedule.delayMilliseconds(afterAttempts: attempts) {
                    recorded = try await store.markRetry(id: id, lease: lease, attempts: attempts, nextAttemptAt: now + delay, error: reason, at: now)
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
        var outcome: Outcome { isTransient ? .retry(description) : .dead(description) }
    }
}

/// A request body of one buffer that tells `started` when the client first asks for it: AsyncHTTPClient
/// asks only after the request head was written to the connection.
struct StartSignalingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: ByteBuffer
    let started: OneShot<Void>

    struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: ByteBuffer?
        let started: OneShot<Void>
        mutating func next() async -> ByteBuffer? {
            started.resolve(())
            defer { bytes = nil }
            return bytes
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, started: started) }
}

/// Admission by key (a destination host, or one key for a whole pool): at most `limit` holders per key;
/// waiters are served in order and, given a timeout, give up after it.
actor HostSlots {
    private var active: [String: Int] = [:]
    private var waiting: [String: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)]] = [:]
    private var nextID: UInt64 = 0

    /// True once a slot is held; false if none came free within `timeout` (nothing is held then). With no
    /// timeout it waits as long as it takes.
    func acquire(_ host: String, limit: Int, waitingAtMost timeout: Duration? = nil) async -> Bool {
        if active[host, default: 0] < limit {
            active[host, default: 0] += 1
            return true
        }
        nextID &+= 1
        let id = nextID
        let expiry = timeout.map { timeout in
            Task { [weak self] in
                if (try? await Task.sleep(for: timeout)) != nil { await self?.expire(host, id) }
            }
        }
        let granted = await withCheckedContinuation { waiting[host, default: []].append((id, $0)) }
        expiry?.cancel()
        return granted
    }

    private func expire(_ host: String, _ id: UInt64) {
        guard var queue = waiting[host], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiting[host] = queue.isEmpty ? nil : queue
        waiter.continuation.resume(returning: false)
    }

    func release(_ host: String) {
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue.isEmpty ? nil : queue
            next.continuation.resume(returning: true)  // The slot passes straight to the next waiter.
        } else {
            active[host, default: 1] -= 1
            if active[host] == 0 { active[host] = nil }
        }
    }
}
