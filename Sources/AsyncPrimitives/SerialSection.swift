import Foundation

/// A mutual-exclusion section for async code: one body runs at a time, the others wait their turn in arrival
/// order. Entering an idle section does not suspend. Waiting is not cancellable (a body that is waited for
/// always runs), so bodies must end on their own.
public final class SerialSection: @unchecked Sendable {
    private let lock = NSLock()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// How many bodies are waiting for their turn now.
    public var waiting: Int { lock.withLock { waiters.count } }

    /// Runs `body` once no other body of this section is running, and returns its result.
    public func run<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        let entered: Bool = lock.withLock {
            guard busy else {
                busy = true
                return true
            }
            return false
        }
        if entered { return }
        await withCheckedContinuation { continuation in
            let now: Bool = lock.withLock {
                guard busy else {
                    busy = true
                    return true
                }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func leave() {
        // The section passes straight to the first waiter (it stays busy), so nobody can overtake it.
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !waiters.isEmpty else {
                busy = false
                return nil
            }
            return waiters.removeFirst()
        }
        next?.resume()
    }
}
