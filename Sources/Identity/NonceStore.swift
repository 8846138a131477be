/// Remembers which token ids (`jti`) were used, until they expire, so a token works once.
public protocol NonceStore: Sendable {
    /// Records `jti` for `issuer` until `expiresAt` (Unix seconds). `false` if it was already used
    /// (or cannot be remembered: callers must then refuse the token).
    func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async -> Bool
}

/// A bounded in-process nonce store for a single replica. With several replicas, use a shared store.
public actor InMemoryNonceStore: NonceStore {
    private var seen: [String: Int64] = [:]
    private let capacity: Int
    private var nextSweep: Int64 = 0

    /// `capacity` bounds memory; when it is full of unexpired ids, new tokens are refused (fail closed).
    public init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    public func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) -> Bool {
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
    public var count: Int { seen.count }
}
