import AsyncHTTPClient
import AsyncPrimitives
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

/// One attempt at a delivery: host slot, the webhook as it is now, the destination, signing and sending.
extension DeliveryWorker {
    /// One attempt: wait for a host slot, check the destination, sign and send under the fence, record the outcome.
    func attempt(_ delivery: Delivery, releasingSlot releaseSlot: @Sendable () -> Void = {}) async {
        let item = delivery.delivery
        let attempts = delivery.attempts + 1
        let started = ContinuousClock.now
        var log = logger
        log[metadataKey: "delivery"] = .string(item.id)
        log[metadataKey: "webhook"] = .string("\(item.owner)/\(item.webhookRKey)")

        let host = item.host
        // A host that left its last attempts unanswered: its deliveries back off together (each a failed attempt,
        // the receiver's), and one probe at a time finds out whether it is back.
        let admission = breakers.admit(host, now: clock())
        if case .open(let until) = admission {
            let outcome = Outcome.retry("not sent: \(host) left its last attempts unanswered; waiting for it to recover", after: until - clock())
            await record(outcome, byReceiver: true, delivery, log: log)
            await finish(delivery, attempts: attempts, outcome: outcome, log: log)
            return
        }
        // Never wait for a host while holding a slot: a claim that found the host with room may still lose the race for
        // its last slot; the delivery then gives its slot back and waits its turn at the host (first come, first served)
        // for at most hostBusyDelay, then goes back to the queue, not counted.
        if await !hosts.tryAcquire(host, limit: configuration.perHost) {
            releaseSlot()
            guard await hosts.acquire(host, limit: configuration.perHost, waitingAtMost: configuration.hostBusyDelay) else {
                if admission == .probe { breakers.probeAbandoned(host) }
                await finish(delivery, attempts: delivery.attempts, outcome: .requeue("waiting for a free connection to \(host)"), log: log)
                return
            }
        }
        // The webhook as it is now: gone, disabled or re-pointed since the event matched → not sent.
        var webhook: ActiveWebhook?
        if let webhooks {
            webhook = webhooks.webhook(owner: item.owner, rkey: item.webhookRKey, stored: delivery.webhookState)
            let reason = webhook.map { $0.cancellation(of: item) } ?? "webhook deleted"
            if let reason {
                await hosts.release(host)
                if admission == .probe { breakers.probeAbandoned(host) }
                await finish(delivery, attempts: delivery.attempts, outcome: .cancel(reason), log: log)
                return
            }
        }
        let outcome: Outcome
        var status: UInt?
        var byReceiver = false
        do {
            let destination = try await destinations.destination(for: item.url)
            let answer = await send(item, inlineSecret: webhook?.inlineSecret, to: destination)
            (outcome, status, byReceiver) = (answer.outcome, answer.status, answer.reachedReceiver != nil)
            switch answer.reachedReceiver {
            case true?: breakers.answered(host)
            case false?:
                if let until = breakers.unanswered(host, now: clock()) { await deferDeliveries(to: host, until: until, log: log) }
            case nil: if admission == .probe { breakers.probeAbandoned(host) }
            }
        } catch {
            // Sigil's side (DNS capacity, a refused address): never counted against the receiver.
            if admission == .probe { breakers.probeAbandoned(host) }
            outcome = error.isTransient ? .retry("destination: \(error.description)") : .dead("destination refused: \(error.description)")
        }
        await hosts.release(host)
        await record(outcome, byReceiver: byReceiver, delivery, log: log)
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        Metrics.Timer(label: "webhook_delivery_duration_seconds").recordNanoseconds(nanoseconds)
        // The owner's log of this attempt (best effort: a failure here never changes the delivery's fate), written
        // alongside the outcome: on SQLite both usually ride in one group commit, so one fsync instead of two.
        let attempt = DeliveryAttempt(
            at: clock(), durationMilliseconds: nanoseconds / 1_000_000, status: status.map { Int($0) }, error: outcome.reason)
        async let logged: Void = { [attemptLog] in
            try? await attemptLog?.recordAttempt(id: item.id, attempt)
        }()
        await finish(delivery, attempts: attempts, outcome: outcome, log: log)
        await logged
    }

    /// A host's breaker opened (or its probe failed): its queued deliveries back off together, each counting a
    /// failed attempt on its retry schedule (the receiver's failure, not Sigil's), rather than each finding out alone.
    func deferDeliveries(to host: String, until: Int64, log: Logger) async {
        let delays = configuration.schedule.delays.map { $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 }
        do {
            let deferred = try await store.deferHost(
                host, until: until, error: "not sent: \(host) left its last attempts unanswered; waiting for it to recover",
                retryDelays: delays, at: clock())
            log.warning(
                "a host stopped answering; its deliveries back off", metadata: ["host": .string(host), "deferred": .stringConvertible(deferred)])
        } catch {
            log.error("cannot defer a silent host's deliveries", metadata: ["error": .string("\(error)")])
        }
    }

    /// Follows the outcome on the webhook: a 410 pauses it; a success ends its failing streak; a failure counts
    /// toward pausing it only when it is the receiver's (`byReceiver`: its status, its silence), never Sigil's own
    /// (signing, DNS, the store).
    func record(_ outcome: Outcome, byReceiver: Bool, _ delivery: Delivery, log: Logger) async {
        guard let webhooks else { return }
        let item = delivery.delivery
        do {
            switch outcome {
            case .gone(let reason): try await webhooks.disable(owner: item.owner, rkey: item.webhookRKey, reason: reason, now: clock())
            case .delivered:
                try await webhooks.attempted(
                    owner: item.owner, rkey: item.webhookRKey, succeeded: true, storedStreak: delivery.webhookState?.failingSince, now: clock())
            case .retry, .dead:
                guard byReceiver else { return }
                try await webhooks.attempted(
                    owner: item.owner, rkey: item.webhookRKey, succeeded: false, storedStreak: delivery.webhookState?.failingSince, now: clock())
            case .requeue, .cancel: break
            }
        } catch {
            log.error("cannot record the webhook's state", metadata: ["error": .string("\(error)")])
        }
    }

    /// Signs and sends: one task holds the signing token (and so the fence) from reading it until the request
    /// head is written; the other sends and waits for the answer after the fence is let go.
    /// What an attempt came to, and the receiver's status if it answered.
    struct Answer: Sendable {
        let outcome: Outcome
        let status: UInt?
        /// True: the receiver answered (any status); false: it did not (timeout, refused, reset); nil: no
        /// request was made (signing failed).
        var reachedReceiver: Bool? = nil
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
                case .success(let headers):
                    if let afterSigning = self.configuration.afterSigning { await afterSigning(item) }
                    return await self.post(item, to: destination, headers: headers, written: written)
                }
            }
            var answer = Answer(outcome: .retry("no outcome"), status: nil)
            for await result in group { if let result { answer = result } }
            return answer
        }
    }

    /// Posts with one overall deadline; `written` resolves when the client starts on the body (the head has
    /// been written by then).
    func post(
        _ item: NewDelivery, to destination: DestinationGuard.Destination, headers: HTTPHeaders,
        written: OneShot<Void>
    ) async -> Answer {
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
            return Answer(outcome: Self.outcome(status: status, retryAfter: retryAfter), status: status, reachedReceiver: true)
        } catch let error as DeadlineExceeded {
            return Answer(outcome: .retry("receiver: \(error.description)"), status: nil, reachedReceiver: false)
        } catch {
            return Answer(outcome: .retry("network: \(String(describing: type(of: error)))"), status: nil, reachedReceiver: false)
        }
    }
}
