import Foundation
import Secrets
import XRPC

/// A per-DID token bucket over the mutating secret methods: `limit` calls a minute, bursts up to `limit`. Calls
/// authenticated by a secret's own token (``XRPCPrincipal/Credential/bearerToken(subject:)``) count per secret, apart from the account's.
public final class PerDIDRateLimiter: XRPCRateLimiter, @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        /// Milliseconds of ``clock``.
        var updated: Int64
    }

    private let limit: Int
    private let methods: Set<String>
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    /// Buckets kept at most; idle full ones are dropped first.
    private let maxBuckets = 100_000

    /// Milliseconds (the server's clock: tests move it by hand).
    private let clock: @Sendable () -> Int64

    /// `limit` per minute for each DID on `methods`; 0 turns limiting off.
    public init(limit: Int, methods: Set<String>, clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds) {
        self.limit = limit
        self.methods = methods
        self.clock = clock
    }

    public func retryAfter(nsid: String, principal: XRPCPrincipal?) async -> Int? {
        guard limit > 0, methods.contains(nsid), let principal else { return nil }
        // A secret's own token gets a bucket of its own: whoever holds it cannot use up the account's.
        let did: String
        switch principal.credential {
        case .serviceJWT: did = principal.did
        case .bearerToken(let subject): did = principal.did + "\u{0}token\u{0}" + subject
        }
        let now = clock()
        let perSecond = Double(limit) / 60
        return lock.withLock {
            var bucket = buckets[did] ?? Bucket(tokens: Double(limit), updated: now)
            let elapsed = Double(max(0, now - bucket.updated)) / 1_000
            bucket.tokens = min(Double(limit), bucket.tokens + elapsed * perSecond)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                store(did, bucket)
                return nil
            }
            store(did, bucket)
            return Int(((1 - bucket.tokens) / perSecond).rounded(.up))
        }
    }

    private func store(_ did: String, _ bucket: Bucket) {
        if buckets.count >= maxBuckets, buckets[did] == nil {
            buckets = buckets.filter { $0.value.tokens < Double(limit) }
            if buckets.count >= maxBuckets { buckets.removeAll(keepingCapacity: true) }
        }
        buckets[did] = bucket
    }
}
