import Foundation
import GRDB
import Secrets

/// Signing keys in SQLite: one row per key, beside `secrets` (a name is in one table or the other, checked in
/// the same write transaction, and SQLite has one writer).
extension SQLiteSecretStore: SigningKeyStore {
    public func createSigningKey(_ key: StoredSigningKey, maxPerOwner: Int) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                for table in ["secrets", "signing_keys"] {
                    if try Int64.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE owner = ? AND name = ?", arguments: [key.owner, key.name]) != nil {
                        throw StoreError.alreadyExists
                    }
                }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signing_keys WHERE owner = ?", arguments: [key.owner]) ?? 0
                guard count < maxPerOwner else { throw StoreError.limitReached(maxPerOwner) }
                try Self.writeSigningKey(db, key, insert: true)
            }
        }
    }

    public func signingKey(owner: String, name: String) async throws(StoreError) -> StoredSigningKey? {
        try await read { db in
            // Cached: every delivery signed with a key reads it here.
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM signing_keys WHERE owner = ? AND name = ?"), arguments: [owner, name])
                .map(Self.signingKey)
        }
    }

    public func withSigner<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?, StoredSigningKey?) async throws -> T
    ) async throws -> T {
        // One read transaction (cached statements: every signed delivery comes here). A name is a secret or a
        // signing key, never both (one name space, checked at creation): the key is looked for only without a secret.
        let (secret, key) = try await read { db -> (StoredSecret?, StoredSigningKey?) in
            let secretsStatement = try db.cachedStatement(sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?")
            if let secret = try Row.fetchOne(secretsStatement, arguments: [owner, name]).map(Self.secret) { return (secret, nil) }
            let keysStatement = try db.cachedStatement(sql: "SELECT * FROM signing_keys WHERE owner = ? AND name = ?")
            return (nil, try Row.fetchOne(keysStatement, arguments: [owner, name]).map(Self.signingKey))
        }
        return try await body(secret, key)
    }

    public func signingKeys(owner: String) async throws(StoreError) -> [StoredSigningKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_keys WHERE owner = ? ORDER BY name", arguments: [owner]).map(Self.signingKey)
        }
    }

    public func updateSigningKey(
        owner: String, name: String,
        _ change: @Sendable (StoredSigningKey) throws(StoreError) -> StoredSigningKey
    ) async throws(StoreError)
        -> StoredSigningKey
    {
        let escaping: @Sendable (StoredSigningKey) throws -> StoredSigningKey = { key in try change(key) }
        return try await Self.escaping(escaping) { change throws(StoreError) in
            try await self.committer.write { db throws(StoreError) in
                try Self.guarded {
                    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM signing_keys WHERE owner = ? AND name = ?", arguments: [owner, name])
                    else {
                        throw StoreError.notFound
                    }
                    let changed = try change(Self.signingKey(row))
                    try Self.writeSigningKey(db, changed, insert: false)
                    return changed
                }
            }
        }
    }

    public func deleteSigningKey(owner: String, name: String) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(sql: "DELETE FROM signing_keys WHERE owner = ? AND name = ?", arguments: [owner, name])
                guard db.changesCount > 0 else { throw StoreError.notFound }
            }
        }
    }

    public func dueSigningKeys(now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT owner, name FROM (
                        SELECT owner, name, next_rotation_at AS at FROM signing_keys WHERE next_rotation_at <= ?
                        UNION SELECT owner, name, previous_valid_until AS at FROM signing_keys WHERE previous_valid_until <= ?)
                    GROUP BY owner, name ORDER BY MIN(at) LIMIT ?
                    """, arguments: [now, now, limit]
            ).map { (owner: $0["owner"], name: $0["name"]) }
        }
    }

    public func nextSigningKeyRotation() async throws(StoreError) -> Int64? {
        try await read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MIN(at) FROM (SELECT MIN(next_rotation_at) AS at FROM signing_keys UNION ALL SELECT MIN(previous_valid_until) FROM signing_keys)
                    """)
        }
    }

    public func signingKeyNames(after cursor: (owner: String, name: String)?, limit: Int) async throws(StoreError)
        -> [(owner: String, name: String)]
    {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT owner, name FROM signing_keys WHERE (owner, name) > (?, ?) ORDER BY owner, name LIMIT ?",
                arguments: [cursor?.owner ?? "", cursor?.name ?? "", limit]
            ).map { (owner: $0["owner"], name: $0["name"]) }
        }
    }

    static func signingKey(_ row: Row) -> StoredSigningKey {
        func bytes(_ column: String) -> [UInt8]? { (row[column] as Data?).map { [UInt8]($0) } }
        var previous: StoredSigningKey.Previous?
        if let version: Int64 = row["previous_version"], let sealed = bytes("previous_sealed"), let publicKey = bytes("previous_public_key") {
            previous = .init(
                version: version, sealed: sealed, publicKey: publicKey, validFrom: row["previous_valid_from"] ?? 0,
                validUntil: row["previous_valid_until"] ?? 0)
        }
        var next: StoredSigningKey.Next?
        if let version: Int64 = row["next_version"], let sealed = bytes("next_sealed"), let publicKey = bytes("next_public_key") {
            next = .init(version: version, sealed: sealed, publicKey: publicKey, announcedAt: row["next_announced_at"] ?? 0)
        }
        let interval: Int64? = row["interval_days"]
        let manual: Int64? = row["last_rotation_manual"]
        return StoredSigningKey(
            owner: row["owner"], name: row["name"], version: row["version"], sealed: bytes("sealed") ?? [], publicKey: bytes("public_key") ?? [],
            createdAt: row["created_at"], validFrom: row["valid_from"], rotatedAt: row["rotated_at"], lastRotationManual: manual.map { $0 != 0 },
            previous: previous, next: next, overlapSeconds: row["overlap_seconds"],
            schedule: interval.map { SigningKeySchedule(intervalDays: $0, minuteOfDay: row["minute_of_day"]) },
            nextRotationAt: row["next_rotation_at"], lastStatus: row["last_status"], lastMessage: row["last_message"])
    }

    static func writeSigningKey(_ db: Database, _ key: StoredSigningKey, insert: Bool) throws {
        let columns = [
            "version", "sealed", "public_key", "created_at", "valid_from", "rotated_at", "last_rotation_manual",
            "previous_version", "previous_sealed", "previous_public_key", "previous_valid_from", "previous_valid_until",
            "next_version", "next_sealed", "next_public_key", "next_announced_at",
            "overlap_seconds", "interval_days", "minute_of_day", "next_rotation_at", "last_status", "last_message",
        ]
        let values: [(any DatabaseValueConvertible)?] = [
            key.version, Data(key.sealed), Data(key.publicKey), key.createdAt, key.validFrom, key.rotatedAt,
            key.lastRotationManual.map { $0 ? 1 : 0 },
            key.previous?.version, key.previous.map { Data($0.sealed) }, key.previous.map { Data($0.publicKey) }, key.previous?.validFrom,
            key.previous?.validUntil,
            key.next?.version, key.next.map { Data($0.sealed) }, key.next.map { Data($0.publicKey) }, key.next?.announcedAt,
            key.overlapSeconds, key.schedule?.intervalDays, key.schedule?.minuteOfDay, key.nextRotationAt, key.lastStatus, key.lastMessage,
        ]
        if insert {
            let all = ["owner", "name"] + columns
            try db.execute(
                sql:
                    "INSERT INTO signing_keys (\(all.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: all.count).joined(separator: ", ")))",
                arguments: StatementArguments([key.owner, key.name] + values))
        } else {
            try db.execute(
                sql: "UPDATE signing_keys SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE owner = ? AND name = ?",
                arguments: StatementArguments(values + [key.owner, key.name]))
        }
    }
}
