import Foundation

/// Keeps rotation and signing of one secret apart inside a process: a reader–writer lock per secret.
///
/// Senders hold it *shared* from the moment they read the token until their request has started being
/// written; ``SecretService/rotate(owner:name:)`` and ``SecretService/delete(owner:name:)`` hold it
/// *exclusive* around their commit. So when a rotation returns, every request signed with the previous token
/// is already on the wire, and every later one reads the new token. Writers are preferred: once a rotation
/// waits, new senders queue behind it (and then sign with the new token), so a busy secret cannot starve
/// its rotation. How long a rotation can wait is how long a sender may hold the lock, which callers bound
/// (the delivery worker: its connect timeout).
public final class SigningFence: @unchecked Sendable {
    private struct State {
        var readers = 0
        var writer = false
        var waitingWriters: [CheckedContinuation<Void, Never>] = []
        var waitingReaders: [CheckedContinuation<Void, Never>] = []
        var isIdle: Bool { readers == 0 && !writer && waitingWriters.isEmpty && waitingReaders.isEmpty }
    }

    private let lock = NSLock()
    private var states: [String: State] = [:]

    public init() {}

    static func key(owner: String, name: String) -> String { owner + "\u{0}" + name }

    /// Runs `body` holding the secret shared (no rotation of it commits meanwhile in this process).
    public func withShared<T>(owner: String, name: String, _ body: () async throws -> T) async rethrows -> T {
        let key = Self.key(owner: owner, name: name)
        await acquireShared(key)
        defer { releaseShared(key) }
        return try await body()
    }

    /// Runs `body` holding the secret exclusively: after every current holder let go, before any new one.
    public func withExclusive<T>(owner: String, name: String, _ body: () async throws -> T) async rethrows -> T {
        let key = Self.key(owner: owner, name: name)
        await acquireExclusive(key)
        defer { releaseExclusive(key) }
        return try await body()
    }

    /// Rotations (or deletions) of the secret waiting for its current holders now (for tests and metrics).
    public func waitingWriters(owner: String, name: String) -> Int {
        lock.withLock { states[Self.key(owner: owner, name: name)]?.waitingWriters.count ?? 0 }
    }

    /// Secrets with a holder or a waiter now (for tests: the map does not grow with idle secrets).
    public var activeCount: Int { lock.withLock { states.count } }

    private func acquireShared(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                var state = states[key, default: State()]
                defer { states[key] = state }
                if !state.writer && state.waitingWriters.isEmpty {
                    state.readers += 1
                    return true
                }
                state.waitingReaders.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func acquireExclusive(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                var state = states[key, default: State()]
                defer { states[key] = state }
                if !state.writer && state.readers == 0 {
                    state.writer = true
                    return true
                }
                state.waitingWriters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func releaseShared(_ key: String) {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            guard var state = states[key] else { return nil }
            state.readers -= 1
            var next: CheckedContinuation<Void, Never>?
            if state.readers == 0, !state.waitingWriters.isEmpty {
                state.writer = true
                next = state.waitingWriters.removeFirst()
            }
            states[key] = state.isIdle ? nil : state
            return next
        }
        next?.resume()
    }

    private func releaseExclusive(_ key: String) {
        let (writer, readers): (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) = lock.withLock {
            guard var state = states[key] else { return (nil, []) }
            state.writer = false
            var writer: CheckedContinuation<Void, Never>?
            var readers: [CheckedContinuation<Void, Never>] = []
            if !state.waitingWriters.isEmpty {
                state.writer = true
                writer = state.waitingWriters.removeFirst()
            } else {
                readers = state.waitingReaders
                state.waitingReaders = []
                state.readers += readers.count
            }
            states[key] = state.isIdle ? nil : state
            return (writer, readers)
        }
        writer?.resume()
        for reader in readers { reader.resume() }
    }
}
