import Foundation

/// Runs a job unless one is already running.
final class OnceAtATime: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false

    var isRunning: Bool { lock.withLock { running } }

    func run(_ job: () async -> Void) async {
        guard
            lock.withLock({ () -> Bool in
                if running { return false }
                running = true
                return true
            })
        else { return }
        await job()
        lock.withLock { running = false }
    }
}

/// True the first time ``take()`` is called, false after.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false

    func take() -> Bool {
        lock.withLock {
            defer { taken = true }
            return !taken
        }
    }
}
