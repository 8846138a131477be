import Foundation
import Secrets
import Storage

/// Each account's byte budget for the bodies of its queued deliveries: past it, a new delivery is recorded for
/// its owner to see but not queued, with the reason.
///
/// The figure per account is the store's (``DeliveryStore/queuedBodyBytes(owner:)``), read again when it is older
/// than `refreshAfter` (or than 5 s, when it would refuse), plus what was queued since: so it trips as soon as
/// the budget is reached; deliveries that leave the queue on this replica are taken off at once (``release(owner:bytes:)``),
/// other replicas' at the next read. At most `maxAccounts` figures are kept (the oldest
/// dropped first).
public final class QueueBudget: @unchecked Sendable {
    let bytesPerAccount: Int64
    let refreshAfter: Duration
    let maxAccounts: Int
    private let lock = NSLock()
    private var figures: [String: (bytes: Int64, read: ContinuousClock.Instant)] = [:]

    public init(bytesPerAccount: Int64, refreshAfter: Duration = .seconds(30), maxAccounts: Int = 100_000) {
        self.bytesPerAccount = bytesPerAccount
        self.refreshAfter = refreshAfter
        self.maxAccounts = maxAccounts
    }

    /// A delivery of `bytes` for `owner` left the queue (delivered, dead or cancelled) on this replica.
    public func release(owner: String, bytes: Int) {
        lock.withLock {
            if let figure = figures[owner] { figures[owner]?.bytes = max(0, figure.bytes - Int64(bytes)) }
        }
    }

    /// The reason a delivery of `bytes` for `owner` is not queued, or nil (it is charged to the account then).
    func charge(owner: String, bytes: Int, store: any DeliveryStore) async throws(StoreError) -> String? {
        let now = ContinuousClock.now
        // Read again when old, or when this would pass the budget on a figure more than a second old (deliveries
        // that left the queue since are not in it): a busy account that keeps up is never refused on a stale sum.
        let stale = lock.withLock {
            guard let figure = figures[owner] else { return true }
            let age = now - figure.read
            return age >= refreshAfter || (figure.bytes + Int64(bytes) > bytesPerAccount && age >= .seconds(5))
        }
        if stale {
            let stored = try await store.queuedBodyBytes(owner: owner)
            lock.withLock {
                if figures[owner] == nil, figures.count >= maxAccounts,
                    let oldest = figures.min(by: { $0.value.read < $1.value.read })?.key
                {
                    figures[oldest] = nil
                }
                figures[owner] = (stored, now)
            }
        }
        return lock.withLock {
            let current = figures[owner]?.bytes ?? 0
            guard current + Int64(bytes) <= bytesPerAccount else {
                return "not queued: this account's queued deliveries already hold \(current) bytes of bodies (limit \(bytesPerAccount))"
            }
            figures[owner]?.bytes = current + Int64(bytes)
            return nil
        }
    }
}
