import Foundation
import GRDB
import Secrets

/// The embedded default store: one SQLite file (WAL, `synchronous = FULL`), writes batched by group commit.
public final class SQLiteSecretStore: SecretStore {
    let pool: DatabasePool
    let committer: GroupCommitter

    /// Opens (creating if needed) the database at `path`.
    public init(path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Durable commits: fsync on every (group) commit, also in WAL mode.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .unavailable("cannot open \(path): \(error)")
        }
        committer = GroupCommitter(pool: pool)
    }

    public func migrate() async throws(StoreError) {
        let migrator = SQLiteSchema.migrator()
        do {
            try migrator.migrate(pool)
        } catch {
            throw .unavailable("migration failed: \(error)")
        }
    }

    public func create(
        owner: String, name: String, at: Int64, maxPerOwner: Int, fingerprint: [UInt8]?, tokenRecord: [UInt8]?,
        seal: @Sendable (Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        try await Self.escaping(seal) { seal throws(StoreError) in
            try await self.insert(
                owner: owner, name: name, at: at, maxPerOwner: maxPerOwner, fingerprint: fingerprint, tokenRecord: tokenRecord, seal: seal)
        }
    }

    private func insert(
        owner: String, name: String, at: Int64, maxPerOwner: Int, fingerprint: [UInt8]?, tokenRecord: [UInt8]?,
        seal: @escaping @Sendable (Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                // One name space per account: a name is a secret or a signing key (the same write transaction checks both).
                for table in ["secrets", "signing_keys"] {
                    if try Int64.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE owner = ? AND name = ?", arguments: [owner, name]) != nil {
                        throw StoreError.alreadyExists
                    }
                }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets WHERE owner = ?", arguments: [owner]) ?? 0
                guard count < maxPerOwner else { throw StoreError.limitReached(maxPerOwner) }
                if let tokenRecord { try Self.recordToken(db, tokenRecord, at: at) }
                let sealed = try Self.sealing { try seal(1) }
                try db.execute(
                    sql: "INSERT INTO secrets (owner, name, version, sealed, created_at, fingerprint) VALUES (?, ?, 1, ?, ?, ?)",
                    arguments: [owner, name, Data(sealed), at, fingerprint.map { Data($0) }])
                try Self.append(db, AuditEvent(owner: owner, name: name, action: .created, version: 1, at: at, by: .account))
                return StoredSecret(owner: owner, name: name, version: 1, sealed: sealed, createdAt: at, rotatedAt: nil, fingerprint: fingerprint)
            }
        }
    }

    public func current(owner: String, name: String) async throws(StoreError) -> StoredSecret? {
        try await read { db in
            // Cached: every signed delivery reads its secret here.
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?"), arguments: [owner, name]).map(Self.secret)
        }
    }

    public func list(owner: String, after cursor: String?, limit: Int) async throws(StoreError) -> [SecretSummary] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, version, created_at, rotated_at FROM secrets WHERE owner = ? AND name > ? ORDER BY name LIMIT ?",
                arguments: [owner, cursor ?? "", limit]
            ).map { row in
                SecretSummary(name: row["name"], version: row["version"], createdAt: row["created_at"], rotatedAt: row["rotated_at"])
            }
        }
    }

    public func unsettled(at now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT owner, name FROM secrets
                    WHERE (previous_valid_until IS NOT NULL AND previous_valid_until <= ?) OR (expired_at IS NULL AND policy_expires_at <= ?)
                    LIMIT ?
                    """, arguments: [now, now, max(0, limit)]
            ).map { (owner: $0["owner"] as String, name: $0["name"] as String) }
        }
    }

    public func pruneAudit(before: Int64, limit: Int) async throws(StoreError) -> Int {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: "DELETE FROM secret_audit WHERE id IN (SELECT id FROM secret_audit WHERE at < ? LIMIT ?)",
                    arguments: [before, max(0, limit)])
                return db.changesCount
            }
        }
    }

    public func audit(owner: String, name: String?) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            let rows: [Row]
            if let name {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM secret_audit WHERE owner = ? AND name = ? ORDER BY id", arguments: [owner, name])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM secret_audit WHERE owner = ? ORDER BY id", arguments: [owner])
            }
            return rows.compactMap { row in
                Self.event(row)
            }
        }
    }

    public func metadata(_ key: String) async throws(StoreError) -> [UInt8]? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [key]).map { [UInt8]($0) }
        }
    }

    public func insertMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError) -> [UInt8] {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(sql: "INSERT INTO metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", arguments: [key, Data(value)])
                let stored = try Data.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [key])
                return stored.map { [UInt8]($0) } ?? value
            }
        }
    }

    public func setMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: "INSERT INTO metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [key, Data(value)])
            }
        }
    }

    public func claimNonce(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws(StoreError) -> Bool {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                if now % 64 == 0 { try db.cachedStatement(sql: "DELETE FROM nonces WHERE expires_at <= ?").execute(arguments: [now]) }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO nonces (issuer, jti, expires_at) VALUES (?, ?, ?)
                        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?
                        """
                ).execute(arguments: [issuer, jti, expiresAt, now])
                return db.changesCount > 0
            }
        }
    }

    public func close() async {
        try? pool.close()
    }

    // MARK: - Helpers

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .unavailable("read failed: \(error)")
        }
    }

    /// Maps database errors to ``StoreError`` (store errors pass through).
    static func guarded<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unavailable("database error: \(error)")
        }
    }

    static func sealing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreError.unavailable("sealing failed")
        }
    }
}

extension SQLiteSecretStore {
    /// Lends a non-escaping closure to a write job. Safe: the job runs, and the closure is dropped, before
    /// the awaiting call returns.
    static func escaping<A, R, T>(
        _ closure: @Sendable (A) throws -> R,
        _ body: (@escaping @Sendable (A) throws -> R) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        do {
            return try await withoutActuallyEscaping(closure) { escapable in
                do { return try await body(escapable) } catch { throw error }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
