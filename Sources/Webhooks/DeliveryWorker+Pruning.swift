import Foundation
import Metrics

/// How long finished deliveries are kept: pruning, off the claim loop.
extension DeliveryWorker {
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
                    if pruned > 0 {
                        Counter(label: "webhook_deliveries_pruned_total", dimensions: [("status", status.rawValue)]).increment(by: pruned)
                    }
                    if pruned < configuration.pruneBatch { break }
                }
            } catch {
                logger.warning("could not prune old deliveries", metadata: ["status": .string(status.rawValue), "error": .string("\(error)")])
            }
        }
    }
}
