import Foundation

/// One stored secret: its tokens only ever sealed (see ``SealedToken``), with its rotation state.
public struct StoredSecret: Sendable, Equatable {
    /// The owner's DID (the caller's `iss`): every operation is scoped by it.
    public let owner: String
    /// The secret's name (a record key).
    public let name: String
    /// Starts at 1; every rotation adds 1. Part of the sealed token's associated data.
    public var version: Int64
    /// `key id ‖ nonce ‖ ciphertext ‖ tag` of the current token (XChaCha20-Poly1305), never plaintext.
    public var sealed: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let createdAt: Int64
    /// When the current version was made by a rotation (nil until the first rotation).
    public var rotatedAt: Int64?
    /// The token before the current one, while an overlap keeps it signing (nil otherwise).
    public var previous: PreviousToken?
    /// The rules rotations and signing follow.
    public var policy: RotationPolicy
    /// Who authorized the last rotation (nil until the first rotation).
    public var lastRotationBy: RotationActor?
    /// When the current token was recorded as expired (it then never signs again; only a rotation revives the secret).
    public var expiredAt: Int64?
    /// A keyed fingerprint of the current token (see ``TokenFingerprint``): how a presented token finds its secret.
    public var fingerprint: [UInt8]?

    public init(
        owner: String, name: String, version: Int64, sealed: [UInt8], createdAt: Int64, rotatedAt: Int64?,
        previous: PreviousToken? = nil, policy: RotationPolicy = RotationPolicy(), lastRotationBy: RotationActor? = nil,
        expiredAt: Int64? = nil, fingerprint: [UInt8]? = nil
    ) {
        self.owner = owner
        self.name = name
        self.version = version
        self.sealed = sealed
        self.createdAt = createdAt
        self.rotatedAt = rotatedAt
        self.previous = previous
        self.policy = policy
        self.lastRotationBy = lastRotationBy
        self.expiredAt = expiredAt
        self.fingerprint = fingerprint
    }
}

/// The token an overlap keeps alive beside the current one.
public struct PreviousToken: Sendable, Equatable {
    /// Its version (the current version minus one).
    public let version: Int64
    /// Sealed like the current token, under its own version.
    public var sealed: [UInt8]
    /// Milliseconds since the Unix epoch from which it never signs again.
    public let validUntil: Int64

    public init(version: Int64, sealed: [UInt8], validUntil: Int64) {
        self.version = version
        self.sealed = sealed
        self.validUntil = validUntil
    }
}

/// What `list` shows: never a token.
public struct SecretSummary: Sendable, Equatable {
    public let name: String
    public let version: Int64
    public let createdAt: Int64
    public let rotatedAt: Int64?

    public init(name: String, version: Int64, createdAt: Int64, rotatedAt: Int64?) {
        self.name = name
        self.version = version
        self.createdAt = createdAt
        self.rotatedAt = rotatedAt
    }
}

/// One entry of a secret's audit trail: what happened, when, to which version, by which means. Never the token.
public struct AuditEvent: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case created, rotated, previousRevoked, overlapEnded, expired, deleted, policySet
    }

    /// Its position in the trail (ascending in the order events were written; 0 for one not yet stored).
    public let id: Int64
    public let owner: String
    public let name: String
    public let action: Action
    /// The current version after the event.
    public let version: Int64
    /// Milliseconds since the Unix epoch.
    public let at: Int64
    /// By which means; nil for what time did (an overlap ending, an expiry).
    public let by: RotationActor?

    public init(id: Int64 = 0, owner: String, name: String, action: Action, version: Int64, at: Int64, by: RotationActor? = nil) {
        self.id = id
        self.owner = owner
        self.name = name
        self.action = action
        self.version = version
        self.at = at
        self.by = by
    }
}

/// What a write does to one secret: the row as it is to be stored, and the audit events to append (in order).
public struct SecretChange: Sendable {
    public var secret: StoredSecret
    public var events: [AuditEvent]
    /// The history fingerprint of the token this change starts signing with (``TokenHistory``): the store records
    /// it in the same transaction, and refuses the change (``StoreError/tokenReused``) if it was recorded before.
    public var tokenRecord: [UInt8]?

    public init(secret: StoredSecret, events: [AuditEvent], tokenRecord: [UInt8]? = nil) {
        self.secret = secret
        self.events = events
        self.tokenRecord = tokenRecord
    }
}

/// What a re-key writes for one secret (see ``SecretStore/resealAll(_:)``).
public struct ResealedSecret: Sendable {
    public let sealed: [UInt8]
    public let previousSealed: [UInt8]?
    public let fingerprint: [UInt8]

    public init(sealed: [UInt8], previousSealed: [UInt8]?, fingerprint: [UInt8]) {
        self.sealed = sealed
        self.previousSealed = previousSealed
        self.fingerprint = fingerprint
    }
}

/// Why a store operation did not happen. Nothing is half-written when one is thrown.
public enum StoreError: Error, Sendable, Equatable {
    /// No secret of that name for that owner (or it belongs to someone else: the same answer).
    case notFound
    /// `create` of a name the owner already has.
    case alreadyExists
    /// The owner already has `maxPerOwner` secrets.
    case limitReached(Int)
    /// A rotation inside a live overlap, without `force`; the previous token signs until then (ms).
    case rotationInProgress(until: Int64)
    /// The secret passed its absolute expiry (ms), which rotation never extends.
    case expired(at: Int64)
    /// `revokePrevious` without a live previous token.
    case noPreviousToken
    /// A conditional write found the secret at another version than expected (a presented token is no longer current).
    case stale
    /// The write would give a secret a token some secret of this store has had before (its fingerprint is in the
    /// token history); nothing was written.
    case tokenReused
    /// The database failed; the message is for logs only (it never contains tokens).
    case unavailable(String)
}

/// Durable storage of sealed secrets. Implementations: SQLite (GRDB, the default) and PostgreSQL.
///
/// Every mutation is durable (committed, fsync'd) before it returns, and atomic: an error leaves the store
/// as it was. Each writes its audit events in the same transaction. The rules of a change (what a rotation
/// does to the row) are the domain's (``SecretRules``); stores only lock, read, hand over and write.
public protocol SecretStore: Sendable {
    /// Creates or upgrades the schema; safe to call on every start.
    func migrate() async throws(StoreError)

    /// Inserts version 1 of a new secret, unless the name exists (`alreadyExists`), the owner is at
    /// `maxPerOwner` (`limitReached`) or `tokenRecord` is in the token history (`tokenReused`); checked and written
    /// atomically, the token recorded in the history with it.
    func create(
        owner: String, name: String, at: Int64, maxPerOwner: Int, fingerprint: [UInt8]?, tokenRecord: [UInt8]?,
        seal: @Sendable (_ version: Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret

    /// Locks the secret's row (no other write of it, on any replica, commits meanwhile), hands the row to
    /// `change` and writes what it returns, with its events, in one transaction; returns what was written. A
    /// ``StoreError`` thrown by `change` aborts the write and is rethrown as it is; `notFound` without a row.
    func update(
        owner: String, name: String,
        _ change: @Sendable (StoredSecret) throws(StoreError) -> SecretChange
    ) async throws(StoreError) -> SecretChange

    /// Deletes the secret (its sealed tokens are gone at once), appending `events(row)` and then `deleted`;
    /// returns the version it had.
    func delete(
        owner: String, name: String, at: Int64, by: RotationActor?,
        events: @Sendable (StoredSecret) -> [AuditEvent]
    ) async throws(StoreError) -> Int64

    /// The current secret, read from the database (no cache), or nil.
    func current(owner: String, name: String) async throws(StoreError) -> StoredSecret?

    /// The secret whose current token has one of these fingerprints (one per master key of the ring), or nil.
    func secret(fingerprints: [[UInt8]]) async throws(StoreError) -> StoredSecret?

    /// Whether some secret of this store ever had a token with one of these history fingerprints
    /// (``TokenHistory``). Every create and every change with a ``SecretChange/tokenRecord`` records its token in
    /// the same transaction, and fails with ``StoreError/tokenReused`` when it is already recorded.
    func tokenWasUsed(fingerprints: [[UInt8]]) async throws(StoreError) -> Bool

    /// Records in the token history what `fingerprints` gives for each secret (its live tokens), in batches; a
    /// fingerprint already there is no error. For stores written before the history existed.
    func fillTokenHistory(_ fingerprints: @Sendable (StoredSecret) -> [[UInt8]]) async throws(StoreError) -> Int

    /// Reads the current secret (or nil) and runs `body` with it, while no write of it can commit on another
    /// replica sharing this store. Store failures are thrown as ``StoreError``; errors of `body` pass
    /// through. The default (one process per database, as with SQLite) just reads: the in-process
    /// ``SigningFence`` orders signing and writes there.
    func withCurrent<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?) async throws -> T
    ) async throws -> T

    /// The owner's secrets by name, after `cursor` (a name), at most `limit`.
    func list(owner: String, after cursor: String?, limit: Int) async throws(StoreError) -> [SecretSummary]

    /// The audit trail of one owner (optionally one name), oldest first.
    func audit(owner: String, name: String?) async throws(StoreError) -> [AuditEvent]

    /// One secret's audit trail newest first: at most `limit` events with an id below `before` (all, if nil).
    func history(owner: String, name: String, before: Int64?, limit: Int) async throws(StoreError) -> [AuditEvent]

    /// Every secret, for master-key rotation: calls `reseal` on each and stores its result, keeping the
    /// version, unless the secret changed meanwhile (then that one is re-read and resealed again).
    /// Returns how many were resealed.
    func resealAll(_ reseal: @Sendable (StoredSecret) throws -> ResealedSecret) async throws(StoreError) -> Int

    /// Stores `fingerprint(row)` for every secret that has none yet (rows written before fingerprints
    /// existed), unless the row changed meanwhile. Returns how many were filled.
    func fillMissingFingerprints(_ fingerprint: @Sendable (StoredSecret) -> [UInt8]?) async throws(StoreError) -> Int

    /// Secrets that time changed since their last write: an overlap that ended (the previous token, still sealed
    /// in the row, must go) or a policy expiry that passed. At most `limit`.
    func unsettled(at now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)]

    /// Deletes at most `limit` audit events older than `before` (ms); how many.
    func pruneAudit(before: Int64, limit: Int) async throws(StoreError) -> Int

    /// A small named value (the master-key check), or nil.
    func metadata(_ key: String) async throws(StoreError) -> [UInt8]?

    /// Sets a named value.
    func setMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError)

    /// Stores a named value unless one is there; returns the value stored (this one, or the one that was there).
    func insertMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError) -> [UInt8]

    /// Releases connections; the store is unusable afterwards.
    func close() async
}

extension SecretStore {
    public func withCurrent<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?) async throws -> T
    ) async throws -> T {
        try await body(current(owner: owner, name: name))
    }

    /// ``create(owner:name:at:maxPerOwner:fingerprint:seal:)`` without a fingerprint.
    public func create(
        owner: String, name: String, at: Int64, maxPerOwner: Int,
        seal: @Sendable (_ version: Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        try await create(owner: owner, name: name, at: at, maxPerOwner: maxPerOwner, fingerprint: nil, tokenRecord: nil, seal: seal)
    }

    /// ``create(owner:name:at:maxPerOwner:fingerprint:tokenRecord:seal:)`` recording nothing in the token history.
    public func create(
        owner: String, name: String, at: Int64, maxPerOwner: Int, fingerprint: [UInt8]?,
        seal: @Sendable (_ version: Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        try await create(owner: owner, name: name, at: at, maxPerOwner: maxPerOwner, fingerprint: fingerprint, tokenRecord: nil, seal: seal)
    }

    /// wisp.place's rotation: stores `seal(v + 1)` as version v + 1 and kills every earlier token (no overlap).
    public func rotate(
        owner: String, name: String, at: Int64,
        seal: @Sendable (_ version: Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        try await update(owner: owner, name: name) { secret throws(StoreError) in
            try SecretRules.rotate(secret, RotationRequest(overlapSeconds: 0, force: true, by: .account), at: at, fingerprint: nil, seal: seal)
        }.secret
    }

    /// Deletes the secret with only its `deleted` event.
    public func delete(owner: String, name: String, at: Int64) async throws(StoreError) -> Int64 {
        try await delete(owner: owner, name: name, at: at, by: nil) { SecretRules.settle($0, at: at).events }
    }
}
