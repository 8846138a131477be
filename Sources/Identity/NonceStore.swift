import Foundation

/// Remembers which token ids (`jti`) were used, until they expire, so a token works once.
public protocol NonceStore: Sendable {
    /// Records `jti` for `issuer` until `expiresAt` (Unix seconds). `false` if it was already used, or if it
    /// cannot be remembered because the store is full (callers must then refuse the token). Throws when the
    /// store cannot be reached: the verifier answers that as the service's failure, not the caller's.
    func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool
}

/// A bounded in-process nonce store for a single replica. With several replicas, use a shared store.
///
/// Lock-protected rather than an actor: a claim is a few dictionary operations, cheaper than an executor hop.
public final class InMemoryNonceStore: NonceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Int64] = [:]
    private let capacity: Int
    private var nextSweep: Int64 = 0

    /// `capacity` bounds memory; when it is full of unexpired ids, new tokens are refused (fail closed).
    public init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    public func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        lock.withLock { claimLocked(issuer: issuer, jti: jti, expiresAt: expiresAt, now: now) }
    }

    private func claimLocked(issuer: String, jti: String, expiresAt: Int64, now: Int64) -> Bool {
        if now >= nextSweep || seen.count >= capacity {
            seen = seen.filter { $0.value > now }
            nextSweep = now + 30
        }
        let key = issuer + " " + jti
        if let expiry = seen[key], expiry > now { return false }
        guard seen.count < capacity else { return false }
        seen[key] = expiresAt
        return true
    }

    /// Ids currently remembered.
    public var count: Int { lock.withLock { seen.count } }
}
