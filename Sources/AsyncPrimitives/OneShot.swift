import Foundation

/// A value set once, by whichever of several racers comes first (later ones are ignored), and awaited by
/// any number of tasks. Waiting is not cancellable: whoever races must make sure someone resolves it.
public final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var resolved = false
    private var waiters: [CheckedContinuation<Value, Never>] = []

    public init() {}

    /// Sets the value if it is not set yet and wakes every waiter; false if it was already set.
    @discardableResult
    public func resolve(_ value: Value) -> Bool {
        let woken: [CheckedContinuation<Value, Never>]? = lock.withLock {
            guard !resolved else { return nil }
            resolved = true
            result = value
            defer { waiters = [] }
            return waiters
        }
        guard let woken else { return false }
        for waiter in woken { waiter.resume(returning: value) }
        return true
    }

    /// Whether a value was set.
    public var isResolved: Bool { lock.withLock { resolved } }

    /// The value, once set.
    public func wait() async -> Value {
        await withCheckedContinuation { continuation in
            let ready: Value? = lock.withLock {
                if resolved { return result }
                waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
