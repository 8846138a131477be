import Sodium

/// What `get` shows of a secret at one moment: never a token.
public struct SecretState: Sendable, Equatable {
    public let secret: StoredSecret
    public let status: SecretStatus
    /// Until when the previous token signs (during an overlap).
    public let previousValidUntil: Int64?
    /// Why the status is what it is, when there is something to say.
    public let message: String?
}

extension SecretService {
    /// Ends `name`'s overlap now: from the moment this returns nothing is signed with the previous token, in
    /// this process or on any replica (the same fence as a rotation). Returns the secret and when it happened.
    public func revokePrevious(owner: String, name: String, by: RotationActor = .account) async throws(SecretServiceError) -> (
        secret: StoredSecret, revokedAt: Int64
    ) {
        let change = try await write(owner: owner, name: name) { secret, now throws(StoreError) in
            try SecretRules.revokePrevious(secret, at: now, by: by)
        }
        return (change.secret, change.events.last?.at ?? clock())
    }

    /// Replaces `name`'s policy. Ranges: overlap 0–86,400 s, rotation period 60–31,536,000 s, an absolute
    /// expiry in the future. Fenced like a rotation: a policy that expires the secret now holds from its return.
    public func setPolicy(owner: String, name: String, _ policy: RotationPolicy, by: RotationActor = .account) async throws(SecretServiceError)
        -> StoredSecret
    {
        let at = clock()
        if let overlap = policy.overlapSeconds, !RotationPolicy.overlapRange.contains(overlap) {
            throw .invalidRequest("overlapSeconds must be 0 to \(RotationPolicy.overlapRange.upperBound)")
        }
        if let period = policy.rotationPeriodSeconds, !RotationPolicy.rotationPeriodRange.contains(period) {
            throw .invalidRequest(
                "rotationPeriodSeconds must be \(RotationPolicy.rotationPeriodRange.lowerBound) to \(RotationPolicy.rotationPeriodRange.upperBound)")
        }
        if let expiresAt = policy.expiresAt, expiresAt <= at {
            throw .invalidRequest("expiresAt must be in the future")
        }
        return try await write(owner: owner, name: name) { secret, now in
            SecretRules.setPolicy(secret, policy, at: now, by: by)
        }.secret
    }

    /// `name`'s state now, read from the store.
    public func state(owner: String, name: String) async throws(SecretServiceError) -> SecretState {
        let secret: StoredSecret?
        do {
            secret = try await store.current(owner: owner, name: name)
        } catch {
            throw SecretServiceError(error, name: name)
        }
        guard let secret else { throw .notFound(name) }
        return Self.state(of: secret, at: clock())
    }

    static func state(of secret: StoredSecret, at now: Int64) -> SecretState {
        let status = secret.status(at: now)
        let previous = secret.livePrevious(at: now)
        let message: String? =
            switch status {
            case .expired: "expired at \(iso8601(secret.expiresAt ?? now)): \(expiryReason(secret)); it signs nothing until it is rotated"
            case .overlapping: previous.map { "the previous token (version \($0.version)) also signs until \(iso8601($0.validUntil))" }
            case .active: nil
            }
        return SecretState(secret: secret, status: status, previousValidUntil: previous?.validUntil, message: message)
    }

    /// Why `secret` expired (or will): its absolute expiry or its rotation period.
    static func expiryReason(_ secret: StoredSecret) -> String {
        if let absolute = secret.policy.expiresAt, absolute <= (secret.expiresAt ?? .max) {
            return "it reached its absolute expiry, which rotation never extends"
        }
        if let period = secret.policy.rotationPeriodSeconds {
            return "it was not rotated within its rotation period of \(period) s"
        }
        return "its policy expired it"
    }

    /// Records what time did to `name` since its last write, if anything (a fenced write like any other).
    func settle(owner: String, name: String) async throws(SecretServiceError) {
        let secret: StoredSecret?
        do {
            secret = try await store.current(owner: owner, name: name)
        } catch {
            throw SecretServiceError(error, name: name)
        }
        guard let secret, !SecretRules.settle(secret, at: clock()).events.isEmpty else { return }
        let result: Result<SecretChange, SecretServiceError> = await {
            do throws(SecretServiceError) {
                return .success(try await write(owner: owner, name: name) { secret, now in SecretRules.settle(secret, at: now) })
            } catch {
                return .failure(error)
            }
        }()
        // Deleted meanwhile: its trail says so.
        if case .failure(let error) = result, error != .notFound(name) { throw error }
    }

    /// Writes down what time did to every secret it changed (at most `limit`): an overlap that ended drops the
    /// previous token from the row (no longer sealed anywhere), a passed expiry is recorded. Returns how many were
    /// settled. Run periodically, so a secret nobody touches does not keep its old token.
    @discardableResult
    public func settleEnded(limit: Int = 500) async throws(SecretServiceError) -> Int {
        let due: [(owner: String, name: String)]
        do {
            due = try await store.unsettled(at: clock(), limit: limit)
        } catch {
            throw SecretServiceError(error, name: "")
        }
        for secret in due { try await settle(owner: secret.owner, name: secret.name) }
        return due.count
    }

    /// Deletes audit events older than `before` (ms), `batch` at a time, for at most `budget`; how many.
    @discardableResult
    public func pruneAudit(before: Int64, batch: Int = 500, budget: Duration = .seconds(10)) async throws(SecretServiceError) -> Int {
        let started = ContinuousClock.now
        var total = 0
        while ContinuousClock.now - started < budget {
            let deleted: Int
            do {
                deleted = try await store.pruneAudit(before: before, limit: batch)
            } catch {
                throw SecretServiceError(error, name: "")
            }
            total += deleted
            if deleted < batch { break }
        }
        return total
    }
}
