import Foundation
import GRDB
import Secrets

/// The rotation state of secrets (overlap, policy, expiry, fingerprint) and the audit trail, in SQLite.
extension SQLiteSecretStore {
    public func update(
        owner: String, name: String,
        _ change: @Sendable (StoredSecret) throws(StoreError) -> SecretChange
    ) async throws(StoreError) -> SecretChange {
        let escaping: @Sendable (StoredSecret) throws -> SecretChange = { secret in try change(secret) }
        return try await Self.escaping(escaping) { change throws(StoreError) in
            try await self.committer.write { db throws(StoreError) in
                try Self.guarded {
                    guard
                        let row = try Row.fetchOne(
                            db.cachedStatement(sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?"), arguments: [owner, name])
                    else {
                        throw StoreError.notFound
                    }
                    let before = Self.secret(row)
                    let result = try change(before)
                    if let record = result.tokenRecord { try Self.recordToken(db, record, at: result.secret.rotatedAt ?? before.createdAt) }
                    try Self.write(db, result.secret)
                    for event in result.events { try Self.append(db, event) }
                    return result
                }
            }
        }
    }

    public func delete(
        owner: String, name: String, at: Int64, by: RotationActor?,
        events: @Sendable (StoredSecret) -> [AuditEvent]
    ) async throws(StoreError) -> Int64 {
        let escaping: @Sendable (StoredSecret) throws -> [AuditEvent] = { events($0) }
        return try await Self.escaping(escaping) { events throws(StoreError) in
            try await self.committer.write { db throws(StoreError) in
                try Self.guarded {
                    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name]) else {
                        throw StoreError.notFound
                    }
                    let secret = Self.secret(row)
                    try db.execute(sql: "DELETE FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name])
                    for event in try events(secret) { try Self.append(db, event) }
                    try Self.append(db, AuditEvent(owner: owner, name: name, action: .deleted, version: secret.version, at: at, by: by))
                    return secret.version
                }
            }
        }
    }

    public func secret(fingerprints: [[UInt8]]) async throws(StoreError) -> StoredSecret? {
        guard !fingerprints.isEmpty else { return nil }
        return try await read { db in
            for fingerprint in fingerprints {
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE fingerprint = ? LIMIT 1", arguments: [Data(fingerprint)]) {
                    return Self.secret(row)
                }
            }
            return nil
        }
    }

    public func tokenWasUsed(fingerprints: [[UInt8]]) async throws(StoreError) -> Bool {
        guard !fingerprints.isEmpty else { return false }
        return try await read { db in
            try fingerprints.contains { fingerprint in
                try Int64.fetchOne(db, sql: "SELECT 1 FROM token_history WHERE fingerprint = ?", arguments: [Data(fingerprint)]) != nil
            }
        }
    }

    /// Records a token's fingerprint in the history, in the caller's transaction; `tokenReused` if it is there.
    static func recordToken(_ db: Database, _ fingerprint: [UInt8], at: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO token_history (fingerprint, recorded_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .execute(arguments: [Data(fingerprint), at])
        guard db.changesCount == 1 else { throw StoreError.tokenReused }
    }

    public func fillTokenHistory(_ fingerprints: @Sendable (StoredSecret) -> [[UInt8]]) async throws(StoreError) -> Int {
        let escaping: @Sendable (StoredSecret) throws -> [[UInt8]] = { fingerprints($0) }
        return try await Self.escaping(escaping) { fingerprints throws(StoreError) in
            try await self.eachSecret { db, secret in
                for fingerprint in try fingerprints(secret) {
                    try db.execute(
                        sql: "INSERT INTO token_history (fingerprint, recorded_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        arguments: [Data(fingerprint), secret.rotatedAt ?? secret.createdAt])
                }
                return true
            }
        }
    }

    public func history(owner: String, name: String, before: Int64?, limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM secret_audit WHERE owner = ? AND name = ? AND id < ? ORDER BY id DESC LIMIT ?",
                arguments: [owner, name, before ?? Int64.max, max(0, limit)]
            ).compactMap(Self.event)
        }
    }

    public func resealAll(_ reseal: @Sendable (StoredSecret) throws -> ResealedSecret) async throws(StoreError) -> Int {
        try await Self.escaping(reseal) { reseal throws(StoreError) in
            try await self.eachSecret { db, secret in
                let result = try Self.sealing { try reseal(secret) }
                try db.execute(
                    sql: """
                        UPDATE secrets SET sealed = ?, previous_sealed = ?, fingerprint = ? WHERE owner = ? AND name = ? AND version = ?
                        """,
                    arguments: [
                        Data(result.sealed), result.previousSealed.map { Data($0) }, Data(result.fingerprint),
                        secret.owner, secret.name, secret.version,
                    ])
                return true
            }
        }
    }

    public func fillMissingFingerprints(_ fingerprint: @Sendable (StoredSecret) -> [UInt8]?) async throws(StoreError) -> Int {
        let missing = try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets WHERE fingerprint IS NULL") ?? 0 }
        guard missing > 0 else { return 0 }
        let escaping: @Sendable (StoredSecret) throws -> [UInt8]? = { fingerprint($0) }
        return try await Self.escaping(escaping) { fingerprint throws(StoreError) in
            try await self.eachSecret { db, secret in
                guard secret.fingerprint == nil, let value = try fingerprint(secret) else { return false }
                try db.execute(
                    sql: "UPDATE secrets SET fingerprint = ? WHERE owner = ? AND name = ? AND version = ?",
                    arguments: [Data(value), secret.owner, secret.name, secret.version])
                return true
            }
        }
    }

    /// Runs `body` on every secret, 200 rows a read, each row in a write job of its own with the row as it is
    /// then (a concurrent rotation is never overwritten by a stale value). Counts the rows `body` said true for.
    private func eachSecret(_ body: @escaping @Sendable (Database, StoredSecret) throws -> Bool) async throws(StoreError) -> Int {
        var count = 0
        var cursor: (String, String) = ("", "")
        while true {
            let after = cursor
            let page: [(String, String)] = try await read { db in
                try Row.fetchAll(
                    db, sql: "SELECT owner, name FROM secrets WHERE (owner, name) > (?, ?) ORDER BY owner, name LIMIT 200",
                    arguments: [after.0, after.1]
                ).map { ($0["owner"], $0["name"]) }
            }
            guard let last = page.last else { return count }
            cursor = last
            for (owner, name) in page {
                let done: Bool = try await committer.write { db throws(StoreError) in
                    try Self.guarded {
                        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE owner = ? AND name = ?", arguments: [owner, name])
                        else {
                            return false
                        }
                        return try body(db, Self.secret(row))
                    }
                }
                if done { count += 1 }
            }
        }
    }

    // MARK: - Rows

    static func secret(_ row: Row) -> StoredSecret {
        let sealed: Data = row["sealed"]
        var previous: PreviousToken?
        if let version: Int64 = row["previous_version"], let sealed: Data = row["previous_sealed"], let until: Int64 = row["previous_valid_until"] {
            previous = PreviousToken(version: version, sealed: [UInt8](sealed), validUntil: until)
        }
        let fingerprint: Data? = row["fingerprint"]
        let by: String? = row["last_rotation_by"]
        return StoredSecret(
            owner: row["owner"], name: row["name"], version: row["version"], sealed: [UInt8](sealed),
            createdAt: row["created_at"], rotatedAt: row["rotated_at"], previous: previous,
            policy: RotationPolicy(
                overlapSeconds: row["overlap_seconds"], rotationPeriodSeconds: row["rotation_period_seconds"],
                expiresAt: row["policy_expires_at"]),
            lastRotationBy: by.flatMap(RotationActor.init(rawValue:)), expiredAt: row["expired_at"],
            fingerprint: fingerprint.map { [UInt8]($0) })
    }

    /// Writes every mutable column of `secret`'s row.
    static func write(_ db: Database, _ secret: StoredSecret) throws {
        // Cached: prepared once per connection, not per rotation.
        try db.cachedStatement(
            sql: """
                UPDATE secrets SET version = ?, sealed = ?, rotated_at = ?, previous_version = ?, previous_sealed = ?, previous_valid_until = ?,
                    overlap_seconds = ?, rotation_period_seconds = ?, policy_expires_at = ?, last_rotation_by = ?, expired_at = ?, fingerprint = ?
                WHERE owner = ? AND name = ?
                """
        ).execute(
            arguments: [
                secret.version, Data(secret.sealed), secret.rotatedAt, secret.previous?.version, secret.previous.map { Data($0.sealed) },
                secret.previous?.validUntil, secret.policy.overlapSeconds, secret.policy.rotationPeriodSeconds, secret.policy.expiresAt,
                secret.lastRotationBy?.rawValue, secret.expiredAt, secret.fingerprint.map { Data($0) }, secret.owner, secret.name,
            ])
    }

    static func append(_ db: Database, _ event: AuditEvent) throws {
        try db.cachedStatement(sql: "INSERT INTO secret_audit (owner, name, action, version, at, actor) VALUES (?, ?, ?, ?, ?, ?)").execute(
            arguments: [event.owner, event.name, event.action.rawValue, event.version, event.at, event.by?.rawValue])
    }

    static func event(_ row: Row) -> AuditEvent? {
        guard let action = AuditEvent.Action(rawValue: row["action"]) else { return nil }
        let by: String? = row["actor"]
        return AuditEvent(
            id: row["id"], owner: row["owner"], name: row["name"], action: action, version: row["version"], at: row["at"],
            by: by.flatMap(RotationActor.init(rawValue:)))
    }
}
