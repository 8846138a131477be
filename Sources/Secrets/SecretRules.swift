import Sodium

/// A secret's rotation rules. Every field is optional: an absent one is no such rule.
public struct RotationPolicy: Sendable, Equatable {
    /// Default overlap of a rotation, in seconds (0–86,400): how long the previous token keeps signing.
    public var overlapSeconds: Int64?
    /// A secret not rotated within this many seconds (60–31,536,000) of its last rotation (or creation) expires.
    public var rotationPeriodSeconds: Int64?
    /// Absolute expiry (ms since the Unix epoch) that rotation never extends.
    public var expiresAt: Int64?

    public static let overlapRange: ClosedRange<Int64> = 0...86_400
    public static let rotationPeriodRange: ClosedRange<Int64> = 60...31_536_000

    public init(overlapSeconds: Int64? = nil, rotationPeriodSeconds: Int64? = nil, expiresAt: Int64? = nil) {
        self.overlapSeconds = overlapSeconds
        self.rotationPeriodSeconds = rotationPeriodSeconds
        self.expiresAt = expiresAt
    }
}

/// By which means a change was authorized.
public enum RotationActor: String, Sendable, CaseIterable {
    /// The owner's service auth (a `place.wisp.v2.secret.*` or `dev.sigil.secret.*` call).
    case account
    /// The secret's own current token, presented as the bearer (`dev.sigil.secret.rotateWithToken`).
    case token
    /// An operator on the server (`sigil secrets …`).
    case `operator`
}

/// How to rotate.
public struct RotationRequest: Sendable {
    /// How long the previous token keeps signing; nil: the policy's overlap, else none.
    public var overlapSeconds: Int64?
    /// Rotate inside a live overlap, killing the older token first.
    public var force: Bool
    public var by: RotationActor
    /// Rotate only if the current token's fingerprint is one of these (rotation by a presented token: the
    /// condition is the token itself, so neither a rotation nor a deletion and re-creation meanwhile lets it through).
    public var expectedFingerprints: [[UInt8]]?

    public init(overlapSeconds: Int64? = nil, force: Bool = false, by: RotationActor, expectedFingerprints: [[UInt8]]? = nil) {
        self.overlapSeconds = overlapSeconds
        self.force = force
        self.by = by
        self.expectedFingerprints = expectedFingerprints
    }
}

/// A secret's state as seen at one moment.
public enum SecretStatus: String, Sendable {
    /// Signs with its current token.
    case active
    /// Signs with its current token and, until ``StoredSecret/previous``'s `validUntil`, the previous one.
    case overlapping
    /// Signs nothing until it is rotated (by the account).
    case expired
}

extension StoredSecret {
    /// When the current token stops signing: the recorded expiry, else the earlier of the absolute expiry and the
    /// rotation deadline (nil: never).
    public var expiresAt: Int64? {
        if let expiredAt { return expiredAt }
        return [policy.expiresAt, rotationDueAt].compactMap { $0 }.min()
    }

    /// With a rotation period: when the secret expires unless rotated.
    public var rotationDueAt: Int64? {
        policy.rotationPeriodSeconds.map { (rotatedAt ?? createdAt) &+ $0 * 1000 }
    }

    /// Whether the current token may no longer sign at `now`.
    public func isExpired(at now: Int64) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }

    /// The previous token if it still signs at `now` (its window is open and the secret is not expired).
    public func livePrevious(at now: Int64) -> PreviousToken? {
        guard let previous, previous.validUntil > now, !isExpired(at: now) else { return nil }
        return previous
    }

    public func status(at now: Int64) -> SecretStatus {
        isExpired(at: now) ? .expired : livePrevious(at: now) != nil ? .overlapping : .active
    }
}

/// What rotation, revocation and policy changes do to a secret: pure functions from the row as it is (read
/// under the store's lock) to the row to write and the events to append, so every store applies one set of rules.
public enum SecretRules {
    /// Records what time did since the last write: an overlap that ended (the previous token is dropped) and an
    /// expiry (the current token is marked expired for good), each at the moment it happened.
    public static func settle(_ secret: StoredSecret, at now: Int64) -> SecretChange {
        var secret = secret
        var events: [AuditEvent] = []
        if let previous = secret.previous, previous.validUntil <= now {
            events.append(event(secret, .overlapEnded, at: previous.validUntil, by: nil))
            secret.previous = nil
        }
        if secret.expiredAt == nil, let expiry = secret.expiresAt, expiry <= now {
            secret.expiredAt = expiry
            events.append(event(secret, .expired, at: expiry, by: nil))
            if let previous = secret.previous, previous.validUntil > expiry {
                // Expiry ends the overlap too.
                secret.previous = nil
            }
        }
        events.sort { $0.at < $1.at }
        return SecretChange(secret: secret, events: events)
    }

    /// A rotation: version v + 1 sealed by `seal`, the previous token kept for the overlap (policy's unless
    /// given), refused inside a live overlap unless forced, refused past the absolute expiry, and by a token
    /// only while that token is current and unexpired.
    public static func rotate(
        _ secret: StoredSecret, _ request: RotationRequest, at now: Int64, fingerprint: [UInt8]?,
        seal: (_ version: Int64) throws -> [UInt8]
    ) throws(StoreError) -> SecretChange {
        var (row, events) = {
            let c = settle(secret, at: now)
            return (c.secret, c.events)
        }()
        if let expected = request.expectedFingerprints {
            guard let fingerprint = row.fingerprint, expected.contains(where: { Sodium.constantTimeEqual($0, fingerprint) }) else { throw .stale }
        }
        if request.by == .token, row.expiredAt != nil { throw .stale }
        if let absolute = row.policy.expiresAt, absolute <= now { throw .expired(at: absolute) }
        if let previous = row.previous {
            guard request.force else { throw .rotationInProgress(until: previous.validUntil) }
            events.append(event(row, .previousRevoked, at: now, by: request.by))
        }
        guard row.version < Int64.max else { throw .unavailable("rotate: version out of range") }
        let overlap =
            row.expiredAt == nil ? min(max(request.overlapSeconds ?? row.policy.overlapSeconds ?? 0, 0), RotationPolicy.overlapRange.upperBound) : 0
        let next = row.version + 1
        let sealed: [UInt8]
        do {
            sealed = try seal(next)
        } catch {
            throw .unavailable("sealing failed")
        }
        row.previous = overlap > 0 ? PreviousToken(version: row.version, sealed: row.sealed, validUntil: now + overlap * 1000) : nil
        row.version = next
        row.sealed = sealed
        row.rotatedAt = now
        row.lastRotationBy = request.by
        row.expiredAt = nil
        row.fingerprint = fingerprint
        events.append(event(row, .rotated, at: now, by: request.by))
        return SecretChange(secret: row, events: events)
    }

    /// Ends a live overlap now.
    public static func revokePrevious(_ secret: StoredSecret, at now: Int64, by: RotationActor) throws(StoreError) -> SecretChange {
        var change = settle(secret, at: now)
        guard change.secret.previous != nil else { throw .noPreviousToken }
        change.secret.previous = nil
        change.events.append(event(change.secret, .previousRevoked, at: now, by: by))
        return change
    }

    /// Replaces the policy (an expiry already recorded stays: only a rotation revives the secret).
    public static func setPolicy(_ secret: StoredSecret, _ policy: RotationPolicy, at now: Int64, by: RotationActor) -> SecretChange {
        var change = settle(secret, at: now)
        change.secret.policy = policy
        change.events.append(event(change.secret, .policySet, at: now, by: by))
        // A rule already past (a rotation period shorter than the secret's age) expires the secret from now on.
        if change.secret.expiredAt == nil, let expiry = change.secret.expiresAt, expiry <= now {
            change.secret.expiredAt = now
            change.secret.previous = nil
            change.events.append(event(change.secret, .expired, at: now, by: nil))
        }
        return change
    }

    static func event(_ secret: StoredSecret, _ action: AuditEvent.Action, at: Int64, by: RotationActor?) -> AuditEvent {
        AuditEvent(owner: secret.owner, name: secret.name, action: action, version: secret.version, at: at, by: by)
    }
}
