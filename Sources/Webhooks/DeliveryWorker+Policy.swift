import Foundation
import Metrics

/// What a receiver's answer means, and how long finished deliveries are kept.
extension DeliveryWorker {
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

    /// Deletes finished deliveries past their retention, in small batches (each its own short statement, so
    /// the queue is never held up), until a batch comes back short or `pruneBudget` is spent; the rest next time.
    func prune() async {
        let now = clock()
        let stop = ContinuousClock.now + configuration.pruneBudget
        for (status, keep) in configuration.retention.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where status != .pending {
            let before = now - keep.components.seconds * 1000
            do {
                while ContinuousClock.now < stop {
                    let pruned = try await store.pruneDeliveries(status: status, updatedBefore: before, limit: configuration.pruneBatch)
                    if pruned > 0 { Counter(label: "webhook_deliveries_pruned_total", dimensions: [("status", status.rawValue)]).increment(by: pruned) }
                    if pruned < configuration.pruneBatch { break }
                }
            } catch {
                logger.warning("could not prune old deliveries", metadata: ["status": .string(status.rawValue), "error": .string("\(error)")])
            }
        }
    }
}
