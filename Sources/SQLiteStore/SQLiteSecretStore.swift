import Foundation
import Secrets
import GRDB

/// The embedded default store: one SQLite file (WAL, `synchronous = FULL`), writes batched by group commit.
public final class SQLiteSecretStore: SecretStore {
    let pool: DatabasePool
    let committer: GroupCommitter

    /// Opens (creating if needed) the database at `path`.
    public init(path: String) throws(SecretStoreError) {
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

    public func migrate() async throws(SecretStoreError) {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE secrets (
                    owner TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL,
                    created_at INTEGER NOT NULL, rotated_at INTEGER, PRIMARY KEY (owner, name)) WITHOUT ROWID;
                CREATE TABLE secret_audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, name TEXT NOT NULL,
                    action TEXT NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL);
                CREATE INDEX secret_audit_owner ON secret_audit (owner, name, id);
                CREATE TABLE metadata (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE nonces (issuer TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL,
                    PRIMARY KEY (issuer, jti)) WITHOUT ROWID;
                CREATE INDEX nonces_expiry ON nonces (expires_at);
                """)
        }
        Self.registerDeliveryMigrations(&migrator)
        do {
            try migrator.migrate(pool)
        } catch {
            throw .unavailable("migration failed: \(error)")
        }
    }

    public func create(owner: String, name: String, at: Int64, maxPerOwner: Int,
                       seal: @Sendable (Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret {
        try await Self.escaping(seal) { seal throws(SecretStoreError) in try await self.insert(owner: owner, name: name, at: at, maxPerOwner: maxPerOwner, seal: seal) }
    }

    private func insert(owner: String, name: String, at: Int64, maxPerOwner: Int,
                        seal: @escaping @Sendable (Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret {
        try await committer.write { db throws(SecretStoreError) in
            try Self.guarded {
                if try Int64.fetchOne(db, sql: "SELECT 1 FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name]) != nil {
                    throw SecretStoreError.alreadyExists
                }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets WHERE owner = ?", arguments: [owner]) ?? 0
                guard count < maxPerOwner else { throw SecretStoreError.limitReached(maxPerOwner) }
                let sealed = try Self.sealing { try seal(1) }
                try db.execute(sql: "INSERT INTO secrets (owner, name, version, sealed, created_at) VALUES (?, ?, 1, ?, ?)",
                               arguments: [owner, name, Data(sealed), at])
                try Self.audit(db, owner, name, .created, 1, at)
                return StoredSecret(owner: owner, name: name, version: 1, sealed: sealed, createdAt: at, rotatedAt: nil)
            }
        }
    }

    public func rotate(owner: String, name: String, at: Int64,
                       seal: @Sendable (Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret {
        try await Self.escaping(seal) { seal throws(SecretStoreError) in try await self.replace(owner: owner, name: name, at: at, seal: seal) }
    }

    private func replace(owner: String, name: String, at: Int64,
                         seal: @escaping @Sendable (Int64) throws -> [UInt8]) async throws(SecretStoreError) -> StoredSecret {
        try await committer.write { db throws(SecretStoreError) in
            try Self.guarded {
                guard let row = try Row.fetchOne(db, sql: "SELECT version, created_at FROM secrets WHERE owner = ? AND name = ?",
                                                 arguments: [owner, name]) else { throw SecretStoreError.notFound }
                let version: Int64 = row["version"] + 1
                let createdAt: Int64 = row["created_at"]
                let sealed = try Self.sealing { try seal(version) }
                try db.execute(sql: "UPDATE secrets SET version = ?, sealed = ?, rotated_at = ? WHERE owner = ? AND name = ?",
                               arguments: [version, Data(sealed), at, owner, name])
                try Self.audit(db, owner, name, .rotated, version, at)
                return StoredSecret(owner: owner, name: name, version: version, sealed: sealed, createdAt: createdAt, rotatedAt: at)
            }
        }
    }

    public func delete(owner: String, name: String, at: Int64) async throws(SecretStoreError) -> Int64 {
        try await committer.write { db throws(SecretStoreError) in
            try Self.guarded {
                guard let version = try Int64.fetchOne(db, sql: "SELECT version FROM secrets WHERE owner = ? AND name = ?",
                                                       arguments: [owner, name]) else { throw SecretStoreError.notFound }
                try db.execute(sql: "DELETE FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name])
                try Self.audit(db, owner, name, .deleted, version, at)
                return version
            }
        }
    }

    public func current(owner: String, name: String) async throws(SecretStoreError) -> StoredSecret? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name]).map(Self.secret)
        }
    }

    public func list(owner: String, after cursor: String?, limit: Int) async throws(SecretStoreError) -> [SecretSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, version, created_at, rotated_at FROM secrets WHERE owner = ? AND name > ? ORDER BY name LIMIT ?",
                             arguments: [owner, cursor ?? "", limit]).map { row in
                SecretSummary(name: row["name"], version: row["version"], createdAt: row["created_at"], rotatedAt: row["rotated_at"])
            }
        }
    }

    public func audit(owner: String, name: String?) async throws(SecretStoreError) -> [AuditEvent] {
        try await read { db in
            let rows: [Row]
            if let name {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM secret_audit WHERE owner = ? AND name = ? ORDER BY id", arguments: [owner, name])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM secret_audit WHERE owner = ? ORDER BY id", arguments: [owner])
            }
            return rows.compactMap { row in
                AuditEvent.Action(rawValue: row["action"]).map {
                    AuditEvent(owner: row["owner"], name: row["name"], action: $0, version: row["version"], at: row["at"])
                }
            }
        }
    }

    public func resealAll(_ reseal: @Sendable (StoredSecret) throws -> [UInt8]) async throws(SecretStoreError) -> Int {
        try await Self.escaping(reseal) { reseal throws(SecretStoreError) in try await self.resealEach(reseal) }
    }

    private func resealEach(_ reseal: @escaping @Sendable (StoredSecret) throws -> [UInt8]) async throws(SecretStoreError) -> Int {
        var count = 0
        var cursor: (String, String) = ("", "")
        while true {
            let after = cursor
            let page: [StoredSecret] = try await read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM secrets WHERE (owner, name) > (?, ?) ORDER BY owner, name LIMIT 200",
                                 arguments: [after.0, after.1]).map(Self.secret)
            }
            guard let last = page.last else { return count }
            cursor = (last.owner, last.name)
            // Each row is resealed inside its write job from the row as it is then, so a concurrent
            // rotation can never be overwritten by a stale reseal.
            for secret in page {
                let done: Bool = try await committer.write { db throws(SecretStoreError) in
                    try Self.guarded {
                        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?",
                                                         arguments: [secret.owner, secret.name]) else { return false }
                        let fresh = Self.secret(row)
                        let sealed = try Self.sealing { try reseal(fresh) }
                        try db.execute(sql: "UPDATE secrets SET sealed = ? WHERE owner = ? AND name = ? AND version = ?",
                                       arguments: [Data(sealed), fresh.owner, fresh.name, fresh.version])
                        return true
                    }
                }
                if done { count += 1 }
            }
        }
    }

    public func metadata(_ key: String) async throws(SecretStoreError) -> [UInt8]? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [key]).map { [UInt8]($0) }
        }
    }

    public func setMetadata(_ key: String, _ value: [UInt8]) async throws(SecretStoreError) {
        try await committer.write { db throws(SecretStoreError) in
            try Self.guarded {
                try db.execute(sql: "INSERT INTO metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               arguments: [key, Data(value)])
            }
        }
    }

    public func claimNonce(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws(SecretStoreError) -> Bool {
        try await committer.write { db throws(SecretStoreError) in
            try Self.guarded {
                if now % 64 == 0 { try db.execute(sql: "DELETE FROM nonces WHERE expires_at <= ?", arguments: [now]) }
                try db.execute(sql: """
                    INSERT INTO nonces (issuer, jti, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?
                    """, arguments: [issuer, jti, expiresAt, now])
                return db.changesCount > 0
            }
        }
    }

    public func close() async {
        try? pool.close()
    }

    // MARK: - Helpers

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(SecretStoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .unavailable("read failed: \(error)")
        }
    }

    private static func secret(_ row: Row) -> StoredSecret {
        let sealed: Data = row["sealed"]
        return StoredSecret(owner: row["owner"], name: row["name"], version: row["version"], sealed: [UInt8](sealed),
                            createdAt: row["created_at"], rotatedAt: row["rotated_at"])
    }

    private static func audit(_ db: Database, _ owner: String, _ name: String, _ action: AuditEvent.Action, _ version: Int64, _ at: Int64) throws {
        try db.execute(sql: "INSERT INTO secret_audit (owner, name, action, version, at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [owner, name, action.rawValue, version, at])
    }

    /// Maps database errors to ``SecretStoreError`` (store errors pass through).
    static func guarded<T>(_ body: () throws -> T) throws(SecretStoreError) -> T {
        do {
            return try body()
        } catch let error as SecretStoreError {
            throw error
        } catch {
            throw .unavailable("database error: \(error)")
        }
    }

    private static func sealing(_ body: () throws -> [UInt8]) throws -> [UInt8] {
        do {
            return try body()
        } catch {
            throw SecretStoreError.unavailable("sealing failed")
        }
    }
}

extension SQLiteSecretStore {
    /// Lends a non-escaping closure to a write job. Safe: the job runs, and the closure is dropped, before
    /// the awaiting call returns.
    static func escaping<A, R, T>(_ closure: @Sendable (A) throws -> R,
                                  _ body: (@escaping @Sendable (A) throws -> R) async throws(SecretStoreError) -> T) async throws(SecretStoreError) -> T {
        do {
            return try await withoutActuallyEscaping(closure) { escapable in
                do { return try await body(escapable) } catch { throw error }
            }
        } catch let error as SecretStoreError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
