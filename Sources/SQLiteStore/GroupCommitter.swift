import Foundation
import GRDB
import Secrets

/// Batches concurrent SQLite writes into one transaction, so many durable mutations share one fsync.
///
/// Each job runs inside its own savepoint within the batch transaction: a job that fails leaves nothing
/// behind, and the others still commit. Callers resume only after the batch has committed (durably, with
/// `synchronous = FULL`); if the commit fails, every job of the batch fails.
final class GroupCommitter: @unchecked Sendable {
    /// Largest number of jobs in one transaction.
    static let maxBatch = 1_024

    private struct Job {
        /// Runs in the transaction; returns what to do once the transaction has committed.
        let run: (Database) -> @Sendable () -> Void
        /// Called instead when the batch as a whole fails.
        let fail: @Sendable (StoreError) -> Void
    }

    private let pool: DatabasePool
    private let lock = NSLock()
    private var pending: [Job] = []
    private var draining = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in the next batch transaction and returns its result once that transaction committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            let job = Job(
                run: { db in
                    var outcome: Result<T, StoreError> = .failure(.unavailable("not run"))
                    do {
                        try db.inSavepoint {
                            do {
                                outcome = .success(try body(db))
                                return .commit
                            } catch let error as StoreError {
                                outcome = .failure(error)
                                return .rollback
                            } catch {
                                outcome = .failure(.unavailable("\(error)"))
                                return .rollback
                            }
                        }
                    } catch {
                        outcome = .failure(.unavailable("savepoint failed: \(error)"))
                    }
                    let final = outcome
                    return { continuation.resume(returning: final) }
                },
                fail: { error in continuation.resume(returning: .failure(error)) })
            enqueue(job)
        }
        return try result.get()
    }

    private func enqueue(_ job: Job) {
        let start: Bool = lock.withLock {
            pending.append(job)
            if draining { return false }
            draining = true
            return true
        }
        if start {
            Task.detached { await self.drain() }
        }
    }

    private func drain() async {
        while let completions = await commitNextBatch() {
            // The batch (and every job closure it held) is released by now: callers that lent closures
            // with `withoutActuallyEscaping` may safely return once resumed.
            for complete in completions { complete() }
        }
    }

    /// Runs the pending jobs in one transaction; returns what to call once it committed, or nil when idle.
    private func commitNextBatch() async -> [@Sendable () -> Void]? {
        let batch: [Job] = lock.withLock {
            let taken = Array(pending.prefix(Self.maxBatch))
            pending.removeFirst(taken.count)
            if taken.isEmpty { draining = false }
            return taken
        }
        if batch.isEmpty { return nil }
        let jobs = UncheckedBox(batch)
        do {
            return try await pool.write { db in jobs.value.map { $0.run(db) } }
        } catch {
            let failure = StoreError.unavailable("commit failed: \(error)")
            let fails = batch.map(\.fail)
            return fails.map { fail in { fail(failure) } }
        }
    }
}

/// Hands non-Sendable job closures to GRDB's writer; they run on its single writer thread only.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
