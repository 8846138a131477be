import Foundation

/// One stored secret: its token only ever sealed (see ``SealedToken``).
public struct StoredSecret: Sendable, Equatable {
    /// The owner's DID (the caller's `iss`): every operation is scoped by it.
    public let owner: String
    /// The secret's name (a record key).
    public let name: String
    /// Starts at 1; every rotation adds 1. Part of the sealed token's associated data.
    public let version: Int64
    /// `nonce ‖ ciphertext` of the token (XChaCha20-Poly1305), never plaintext.
    public let sealed: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let createdAt: Int64
    /// When the current version was made by a rotation (nil until the first rotation).
    public let rotatedAt: Int64?

    public init(owner: String, name: String, version: Int64, sealed: [UInt8], createdAt: Int64, rotatedAt: Int64?) {
        self.owner = owner
        self.name = name
        self.version = version
        self.sealed = sealed
        self.createdAt = createdAt
        self.rotatedAt = rotatedAt
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

/// One entry of a secret's audit trail: what happened, when, to which version. Never the token.
public struct AuditEvent: Sendable, Equatable {
    public enum Action: String, Sendable {
        case created, rotated, deleted
    }

    public let owner: String
    public let name: String
    public let action: Action
    public let version: Int64
    /// Milliseconds since the Unix epoch.
    public let at: Int64

    public init(owner: String, name: String, action: Action, version: Int64, at: Int64) {
        self.owner = owner
        self.name = name
        self.action = action
        self.version = version
        self.at = at
    }
}

/// Why a store operation did not happen. Nothing is half-written when one is thrown.
public enum SecretStoreError: Error, Sendable, Equatable {
    /// No secret of that name for that owner (or it belongs to someone else: the same answer).
    case notFound
    /// `create` of a name the owner already has.
    case alreadyExists
    /// The owner already has `maxPerOwner` secrets.
    case limitReached(Int)
    /// The database failed; the message is for logs only (it never contains tokens).
    case unavailable(String)
}

/// Durable storage of sealed secrets. Implementations: SQLite (GRDB, the default) and PostgreSQL.
///
/// Every mutation is durable (committed, fsync'd) before it returns, and atomic: an error leaves the store
/// as it was. Each writes its audit event in the same transaction.
public protocol SecretStore: Sendable {
    /// Creates or upgrades the schema; safe to call on every start.
    func migrate() async throws(SecretStoreError)

    /// Inserts version 1 of a new secret, unless the name exists (`alreadyExists`) or the owner is at
    /// `maxPerOwner` (`limitReached`); checked and written atomically.
    func create(owner: String, name: String, at: Int64, maxPerOwner: Int,
                seal: @Sendable (_ version: Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret

    /// Replaces the token: reads the current version v under a write lock, stores `seal(v + 1)` as version
    /// v + 1. Concurrent rotations of one secret are serialized (the last to commit wins).
    func rotate(owner: String, name: String, at: Int64,
                seal: @Sendable (_ version: Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret

    /// Deletes the secret (its sealed token is gone at once); returns the version it had.
    func delete(owner: String, name: String, at: Int64) async throws(SecretStoreError) -> Int64

    /// The current secret, read from the database (no cache), or nil.
    func current(owner: String, name: String) async throws(SecretStoreError) -> StoredSecret?

    /// Reads the current secret (or nil) and runs `body` with it, while no rotation or deletion of it can
    /// commit on another replica sharing this store. Store failures are thrown as ``SecretStoreError``; errors
    /// of `body` pass through. The default (one process per database, as with SQLite) just reads: the
    /// in-process ``SigningFence`` orders signing and rotation there.
    func withCurrent<T: Sendable>(owner: String, name: String,
                                  _ body: @Sendable (StoredSecret?) async throws -> T) async throws -> T

    /// The owner's secrets by name, after `cursor` (a name), at most `limit`.
    func list(owner: String, after cursor: String?, limit: Int) async throws(SecretStoreError) -> [SecretSummary]

    /// The audit trail of one owner (optionally one name), oldest first.
    func audit(owner: String, name: String?) async throws(SecretStoreError) -> [AuditEvent]

    /// Every secret, for master-key rotation: calls `reseal` on each and stores its result, keeping the
    /// version, unless the secret changed meanwhile (then that one is re-read and resealed again).
    /// Returns how many were resealed.
    func resealAll(_ reseal: @Sendable (StoredSecret) throws -> [UInt8]) async throws(SecretStoreError) -> Int

    /// A small named value (the master-key check), or nil.
    func metadata(_ key: String) async throws(SecretStoreError) -> [UInt8]?

    /// Sets a named value.
    func setMetadata(_ key: String, _ value: [UInt8]) async throws(SecretStoreError)

    /// Records a service-JWT `jti` until `expiresAt` (Unix seconds); false if it is already recorded.
    /// This is how replicas share replay protection.
    func claimNonce(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws(SecretStoreError) -> Bool

    /// Releases connections; the store is unusable afterwards.
    func close() async
}

extension SecretStore {
    public func withCurrent<T: Sendable>(owner: String, name: String,
                                         _ body: @Sendable (StoredSecret?) async throws -> T) async throws -> T {
        try await body(current(owner: owner, name: name))
    }
}
