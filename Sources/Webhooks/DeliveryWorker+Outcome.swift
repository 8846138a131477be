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

/// What an attempt came to, recorded under the claim's lease.
extension DeliveryWorker {
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

    /// 2xx delivered; 401 and 403 retried (a receiver may not have a just-rotated token yet), as are 408, 409,
    /// 423, 425, 429 and 5xx, no earlier than a `Retry-After` they carry; 410 Gone is final and pauses the
    /// webhook; anything else is final.
    static func outcome(status: UInt, retryAfter: Int64? = nil) -> Outcome {
        switch status {
        case 200..<300: .delivered
        case 401, 403, 408, 409, 423, 425, 429, 500..<600: .retry("HTTP \(status)", after: retryAfter)
        case 410: .gone("the receiver answered 410 Gone")
        default: .dead("HTTP \(status) (not retried)")
        }
    }

    func finish(_ delivery: Delivery, attempts: Int, outcome: Outcome, log: Logger) async {
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
                    recorded = try await store.markDead(
                        id: id, lease: lease, attempts: attempts, error: "gave up after \(attempts) attempts: \(reason)", at: now)
                    Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                    log.warning("delivery dead-lettered", metadata: ["reason": .string(reason)])
                }
            case .dead(let reason):
                recorded = try await store.markDead(id: id, lease: lease, attempts: attempts, error: reason, at: now)
                Counter(label: "webhook_deliveries_total", dimensions: [("result", "dead")]).increment()
                log.warning("delivery failed for good", metadata: ["reason": .string(reason)])
            }
            if !recorded { log.warning("the delivery's lease ran out before its outcome was recorded; a later claim owns it") }
            if recorded, let budget = configuration.budget {
                switch outcome {
                case .delivered, .cancel, .gone, .dead: budget.release(owner: delivery.delivery.owner, bytes: delivery.delivery.body.count)
                case .retry(_, _) where configuration.schedule.delayMilliseconds(afterAttempts: attempts) == nil:
                    budget.release(owner: delivery.delivery.owner, bytes: delivery.delivery.body.count)
                case .retry, .requeue: break
                }
            }
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
