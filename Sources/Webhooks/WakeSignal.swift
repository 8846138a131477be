import Foundation

/// Wakes one waiting loop early: ``signal()`` from anywhere, ``wait(atMost:)`` from the loop.
///
/// Holds at most one pending signal, so a burst of signals wakes the loop once. Unlike racing a task on an
/// `AsyncStream` iterator (cancelling `next()` finishes the stream, after which every wait returns at
/// once), waiting here can be cut short any number of times without changing what the next wait does.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var nextID: UInt64 = 0
    /// A wait whose timeout or cancellation came before it had parked: it must not park.
    private var expiredID: UInt64?

    /// Wakes the current waiter, or the next one if nobody waits now.
    func signal() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            if let waiter {
                self.waiter = nil
                return waiter.continuation
            }
            pending = true
            return nil
        }
        continuation?.resume()
    }

    /// Returns at the first signal, after `timeout`, or when the task is cancelled, whichever comes first.
    /// A signal that arrived since the last wait returns at once. Only one task may wait at a time.
    func wait(atMost timeout: Duration) async {
        let id: UInt64? = lock.withLock {
            if pending {
                pending = false
                return nil
            }
            nextID &+= 1
            return nextID
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Only a sleep that ran its course wakes the waiter; a cancelled one does nothing.
                if (try? await Task.sleep(for: timeout)) != nil { self.wake(id) }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow: Bool = lock.withLock {
                        if expiredID == id { return true }
                        if pending {
                            pending = false
                            return true
                        }
                        waiter = (id, continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.wake(id)
            }
            group.cancelAll()
        }
    }

    /// Resumes the waiter `id` if it is still waiting (a timeout or a cancellation, not a signal).
    private func wake(_ id: UInt64) {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            guard let waiter, waiter.id == id else {
                if id == nextID { expiredID = id }
                return nil
            }
            self.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }
}
