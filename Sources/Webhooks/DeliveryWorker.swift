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

/// Sends queued deliveries: a bounded pool, at most a few requests at a time per destination host,
/// signing each attempt at send time with the secret's *current* version (so retries of deliveries queued
/// before a rotation carry only the new signature). A delivery whose named secret is gone fails with a
/// recorded reason; it is never sent unsigned.
public final class DeliveryWorker: Service, @unchecked Sendable {
    /// How the worker behaves; defaults suit production.
    public struct Configuration: Sendable {
        public var concurrency = 32
        public var perHost = 4
        public var schedule = RetrySchedule.standard
        /// How long a claimed delivery stays leased to this worker.
        public var lease: Duration = .seconds(60)
        /// How often to look for due deliveries when idle.
        public var pollInterval: Duration = .milliseconds(200)
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
    private let signals = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
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
        signals.continuation.yield()
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
                        self.signals.continuation.yield()
                    }
                }
                if claimed.isEmpty || claimed.count == room { await waitForSignal() }
            }
        }
    }

    /// Sleeps until a completion or nudge arrives, or the poll interval passes.
    private func waitForSignal() async {
        let interval = configuration.pollInterval
        let stream = signals.stream
        await withTaskGroup(of: Void.self) { race in
            race.addTask { try? await Task.sleep(for: interval) }
            race.addTask {
                var iterator = stream.makeAsyncIterator()
                _ = await iterator.next()
            }
            await race.next()
            race.cancelAll()
        }
    }

    /// One attempt: sign, send, record the outcome.
    func attempt(_ delivery: Delivery) async {
        let item = delivery.delivery
        let attempts = delivery.attempts + 1
        let started = ContinuousClock.now
        var log = logger
        log[metadataKey: "delivery"] = .string(item.id)
        log[metadataKey: "webhook"] = .string("\(item.owner)/\(item.webhookRKey)")

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        do {
            for (name, value) in try await signatureHeaders(for: item) { headers.add(name: name, value: value) }
        } catch {
            await finish(item.id, attempts: attempts, outcome: .dead(error.description), log: log)
            return
        }
        let host = URLComponents(string: item.url)?.host?.lowercased() ?? ""
        await hosts.acquire(host, limit: configuration.perHost)
        let outcome = await send(item, headers: headers)
        await hosts.release(host)
        Metrics.Timer(label: "webhook_delivery_duration_seconds").recordNanoseconds(
            Int64((ContinuousClock.now - started).components.seconds * 1_000_000_000 + (ContinuousClock.now - started).components.attoseconds / 1_000_000_000))
        await finish(item.id, attempts: attempts, outcome: outcome, log: log)
    }

    enum Outcome {
        case delivered
        case retry(String)
        case dead(String)
    }

    private func send(_ item: NewDelivery, headers: HTTPHeaders) async -> Outcome {
        let client: HTTPClient
        do {
            client = try await destinations.client(for: item.url)
        } catch {
            return .dead("destination refused: \(error.description)")
        }
        var request = HTTPClientRequest(url: item.url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: item.body))
        do {
            let response = try await client.execute(request, timeout: .seconds(20))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300: return .delivered
            case 429, 500..<600: return .retry("HTTP \(response.status.code)")
            default: return .dead("HTTP \(response.status.code) (not retried)")
            }
        } catch {
            return .retry("network: \(String(describing: type(of: error)))")
        }
    }

    private func finish(_ id: String, attempts: Int, outcome: Outcome, log: Logger) async {
        let now = clock()
        do {
            switch outcome {
            case .delivered:
                try await store.markDelivered(id: id, attempts: attempts, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "delivered")]).increment()
                log.info("delivered", metadata: ["attempts": .stringConvertible(attempts)])
            case .retry(let reason):
                if let delay = configuration.schedule.delayMilliseconds(afterAttempts: attempts) {
                    try await store.markRetry(id: id, attempts: attempts, nextAttemptAt: now + delay, error: reason, at: now)
                    Counter(label: "webhook_deliveries_total", dimensions: [("result", "retry")]).increment()
                    log.notice("delivery failed; will retry", metadata: ["reason": .string(reason), "attempts": .stringConvertible(attempts)])
                } else {
                    try await store.markDead(id: id, attempts: attempts, error: "gave up after \(attempts) attempts: \(reason)", at: now)
                    Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                    log.warning("delivery dead-lettered", metadata: ["reason": .string(reason)])
                }
            case .dead(let reason):
                try await store.markDead(id: id, attempts: attempts, error: reason, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                log.warning("delivery failed for good", metadata: ["reason": .string(reason)])
            }
        } catch {
            // The lease will expire and the delivery be tried again: at-least-once.
            log.error("cannot record a delivery outcome", metadata: ["error": .string("\(error)")])
        }
    }

    struct SigningFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Headers for the secret as it is *now*.
    private func signatureHeaders(for item: NewDelivery) async throws(SigningFailure) -> [(name: String, value: String)] {
        let timestamp = clock() / 1000
        if let name = item.secretName {
            do {
                let (token, _) = try await secrets.currentToken(owner: item.owner, name: name)
                let signer = try WebhookSigner(token: token.text)
                return signer.headers(body: item.body, id: item.id, timestamp: timestamp)
            } catch let error as SecretServiceError {
                if case .notFound = error { throw SigningFailure(description: "secret \(name) was deleted; not sent unsigned") }
                throw SigningFailure(description: "cannot use secret \(name): \(error.description)")
            } catch {
                throw SigningFailure(description: "cannot sign with secret \(name)")
            }
        }
        var headers: [(name: String, value: String)] = [(WebhookHeaderName.id, item.id), (WebhookHeaderName.timestamp, String(timestamp))]
        if let inline = item.inlineSecret {
            if let signer = try? WebhookSigner(token: inline) {
                return signer.headers(body: item.body, id: item.id, timestamp: timestamp)
            }
            // A plaintext secret that is not a Standard Webhooks key: wisp's header only.
            headers.append((WebhookHeaderName.wispSignature, WebhookSigner.wispSignature(secret: inline, body: item.body)))
        }
        return headers
    }
}

/// Per-host admission: at most `limit` requests in flight to one host.
actor HostSlots {
    private var active: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ host: String, limit: Int) async {
        if active[host, default: 0] < limit {
            active[host, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[host, default: []].append($0) }
    }

    func release(_ host: String) {
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue.isEmpty ? nil : queue
            next.resume()  // The slot passes straight to the next waiter.
        } else {
            active[host, default: 1] -= 1
            if active[host] == 0 { active[host] = nil }
        }
    }
}
