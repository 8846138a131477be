import Foundation
import Logging
import PostgresNIO
import Secrets

/// Writes of one secret under its row lock, the rotation state's columns, the audit trail, re-keying.
extension PostgresSecretStore {
    static let secretColumns = """
        owner, name, version, sealed, created_at, rotated_at, previous_version, previous_sealed, previous_valid_until, \
        overlap_seconds, rotation_period_seconds, policy_expires_at, last_rotation_by, expired_at, fingerprint
        """
    static let auditColumns = "id, owner, name, action, version, at, actor"

    /// Locks the row (`FOR UPDATE`: writes of this secret on any replica, and signers holding it `FOR SHARE`,
    /// take turns), applies `change`, writes the row and its events, in one transaction.
    public func update(
        owner: String, name: String,
        _ change: @Sendable (StoredSecret) throws(StoreError) -> SecretChange
    ) async throws(StoreError) -> SecretChange {
        let t = tables
        return try await transaction("update") { connection, logger in
            let rows = try await connection.rows(
                """
                SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets) WHERE owner = \(owner) AND name = \(name) FOR UPDATE
                """, logger)
            guard let row = rows.first else { throw StoreError.notFound }
            let before = try Self.storedSecret(row)
            let result = try change(before)
            let s = result.secret
            if let record = result.tokenRecord { try await Self.recordToken(t, record, at: s.rotatedAt ?? before.createdAt, connection, logger) }
            try await connection.rows(
                """
                UPDATE \(unescaped: t.secrets) SET version = \(s.version), sealed = \(ByteBuffer(bytes: s.sealed)), rotated_at = \(s.rotatedAt),
                    previous_version = \(s.previous?.version), previous_sealed = \(s.previous.map { ByteBuffer(bytes: $0.sealed) }),
                    previous_valid_until = \(s.previous?.validUntil), overlap_seconds = \(s.policy.overlapSeconds),
                    rotation_period_seconds = \(s.policy.rotationPeriodSeconds), policy_expires_at = \(s.policy.expiresAt),
                    last_rotation_by = \(s.lastRotationBy?.rawValue), expired_at = \(s.expiredAt),
                    fingerprint = \(s.fingerprint.map { ByteBuffer(bytes: $0) })
                WHERE owner = \(owner) AND name = \(name)
                """, logger)
            for event in result.events { try await Self.append(t, event, connection, logger) }
            return result
        }
    }

    /// Deletes the row (and so its sealed tokens), appends `events(row)` and `deleted`, in one transaction.
    public func delete(
        owner: String, name: String, at: Int64, by: RotationActor?,
        events: @Sendable (StoredSecret) -> [AuditEvent]
    ) async throws(StoreError) -> Int64 {
        let t = tables
        return try await transaction("delete") { connection, logger in
            let rows = try await connection.rows(
                """
                DELETE FROM \(unescaped: t.secrets) WHERE owner = \(owner) AND name = \(name) RETURNING \(unescaped: Self.secretColumns)
                """, logger)
            guard let row = rows.first else { throw StoreError.notFound }
            let secret = try Self.storedSecret(row)
            for event in events(secret) { try await Self.append(t, event, connection, logger) }
            try await Self.append(
                t, AuditEvent(owner: owner, name: name, action: .deleted, version: secret.version, at: at, by: by), connection, logger)
            return secret.version
        }
    }

    /// The secret whose `fingerprint` is one of these (an index lookup).
    public func secret(fingerprints: [[UInt8]]) async throws(StoreError) -> StoredSecret? {
        let t = tables
        for fingerprint in fingerprints {
            let rows = try await read(
                "secret by fingerprint",
                """
                SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets) WHERE fingerprint = \(ByteBuffer(bytes: fingerprint)) LIMIT 1
                """)
            if let row = rows.first { return try decoding("secret by fingerprint") { try Self.storedSecret(row) } }
        }
        return nil
    }

    public func tokenWasUsed(fingerprints: [[UInt8]]) async throws(StoreError) -> Bool {
        let t = tables
        for fingerprint in fingerprints {
            let rows = try await read(
                "tokenWasUsed", "SELECT 1 FROM \(unescaped: t.tokenHistory) WHERE fingerprint = \(ByteBuffer(bytes: fingerprint))")
            if !rows.isEmpty { return true }
        }
        return false
    }

    /// Records a token's fingerprint in the history, in the caller's transaction; `tokenReused` (and the
    /// transaction rolls back) if it is there. With `conflictIsFine`, a fingerprint already there is no error
    /// (a re-key or backfill recording a token already held).
    static func recordToken(
        _ t: Tables, _ fingerprint: [UInt8], at: Int64, conflictIsFine: Bool = false, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let inserted = try await connection.rows(
            """
            INSERT INTO \(unescaped: t.tokenHistory) (fingerprint, recorded_at) VALUES (\(ByteBuffer(bytes: fingerprint)), \(at))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger)
        if inserted.isEmpty && !conflictIsFine { throw StoreError.tokenReused }
    }

    public func fillTokenHistory(_ fingerprints: @Sendable (StoredSecret) -> [[UInt8]]) async throws(StoreError) -> Int {
        try await eachBatch("fillTokenHistory", where: "TRUE") { secret, connection, logger in
            for fingerprint in fingerprints(secret) {
                try await Self.recordToken(
                    self.tables, fingerprint, at: secret.rotatedAt ?? secret.createdAt, conflictIsFine: true, connection, logger)
            }
            return true
        }
    }

    /// One secret's events newest first, below `before`.
    public func history(owner: String, name: String, before: Int64?, limit: Int) async throws(StoreError) -> [AuditEvent] {
        let t = tables
        let rows = try await read(
            "history",
            """
            SELECT \(unescaped: Self.auditColumns) FROM \(unescaped: t.audit)
            WHERE owner = \(owner) AND name = \(name) AND id < \(before ?? Int64.max) ORDER BY id DESC LIMIT \(Int64(max(0, limit)))
            """)
        return try decoding("history") { try rows.map(Self.auditEvent) }
    }

    /// Reseals every secret (and its previous token), keeping its version, in transactions of
    /// ``resealBatchSize`` rows ordered by `(owner, name)`, each batch locked (`FOR UPDATE`) while it is read,
    /// resealed and written, so no rotation or deletion slips in between. A failing `reseal` rolls back its
    /// batch; the batches before it stay committed, and running `resealAll` again goes over every row again.
    public func resealAll(_ reseal: @Sendable (StoredSecret) throws -> ResealedSecret) async throws(StoreError) -> Int {
        try await eachBatch("resealAll", where: "TRUE") { secret, connection, logger in
            let resealed: ResealedSecret
            do {
                resealed = try reseal(secret)
            } catch {
                throw StoreError.unavailable("resealAll: reseal failed (\(type(of: error)))")
            }
            try await connection.rows(
                """
                UPDATE \(unescaped: self.tables.secrets) SET sealed = \(ByteBuffer(bytes: resealed.sealed)),
                    previous_sealed = \(resealed.previousSealed.map { ByteBuffer(bytes: $0) }), fingerprint = \(ByteBuffer(bytes: resealed.fingerprint))
                WHERE owner = \(secret.owner) AND name = \(secret.name) AND version = \(secret.version)
                """, logger)
            return true
        }
    }

    /// Fills in fingerprints of rows that have none (written before migration 3), batch by batch under row locks.
    public func fillMissingFingerprints(_ fingerprint: @Sendable (StoredSecret) -> [UInt8]?) async throws(StoreError) -> Int {
        try await eachBatch("fillMissingFingerprints", where: "fingerprint IS NULL") { secret, connection, logger in
            guard let value = fingerprint(secret) else { return false }
            try await connection.rows(
                """
                UPDATE \(unescaped: self.tables.secrets) SET fingerprint = \(ByteBuffer(bytes: value))
                WHERE owner = \(secret.owner) AND name = \(secret.name) AND version = \(secret.version)
                """, logger)
            return true
        }
    }

    /// Runs `body` on every row matching `condition` (a constant SQL condition), ``resealBatchSize`` rows a
    /// transaction, each batch locked `FOR UPDATE`. Counts the rows `body` said true for.
    private func eachBatch(
        _ operation: String, where condition: String,
        _ body: (StoredSecret, PostgresConnection, Logger) async throws -> Bool
    ) async throws(StoreError) -> Int {
        let t = tables
        let batchSize = Int64(Self.resealBatchSize)
        var total = 0
        var position: (owner: String, name: String) = ("", "")
        while true {
            let after = position
            let (rows, done, last) = try await transaction(operation) { connection, logger -> (Int, Int, (owner: String, name: String)?) in
                let rows = try await connection.rows(
                    """
                    SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets)
                    WHERE (owner, name) > (\(after.owner), \(after.name)) AND \(unescaped: condition)
                    ORDER BY owner, name LIMIT \(batchSize) FOR UPDATE
                    """, logger)
                var done = 0
                var last: (owner: String, name: String)?
                for row in rows {
                    let secret = try Self.storedSecret(row)
                    if try await body(secret, connection, logger) { done += 1 }
                    last = (secret.owner, secret.name)
                }
                return (rows.count, done, last)
            }
            total += done
            guard let last, rows == Self.resealBatchSize else { return total }
            position = last
        }
    }

    // MARK: - Rows

    /// A row of ``secretColumns``, as the secret it is.
    static func storedSecret(_ row: PostgresRow) throws -> StoredSecret {
        let r = row.makeRandomAccess()
        let sealed = try r["sealed"].decode(ByteBuffer.self)
        var previous: PreviousToken?
        if let version = try r["previous_version"].decode(Int64?.self), let old = try r["previous_sealed"].decode(ByteBuffer?.self),
            let until = try r["previous_valid_until"].decode(Int64?.self)
        {
            previous = PreviousToken(version: version, sealed: Array(old.readableBytesView), validUntil: until)
        }
        return StoredSecret(
            owner: try r["owner"].decode(String.self), name: try r["name"].decode(String.self), version: try r["version"].decode(Int64.self),
            sealed: Array(sealed.readableBytesView), createdAt: try r["created_at"].decode(Int64.self),
            rotatedAt: try r["rotated_at"].decode(Int64?.self),
            previous: previous,
            policy: RotationPolicy(
                overlapSeconds: try r["overlap_seconds"].decode(Int64?.self),
                rotationPeriodSeconds: try r["rotation_period_seconds"].decode(Int64?.self),
                expiresAt: try r["policy_expires_at"].decode(Int64?.self)),
            lastRotationBy: try r["last_rotation_by"].decode(String?.self).flatMap(RotationActor.init(rawValue:)),
            expiredAt: try r["expired_at"].decode(Int64?.self),
            fingerprint: try r["fingerprint"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) })
    }

    /// A row of ``auditColumns``.
    static func auditEvent(_ row: PostgresRow) throws -> AuditEvent {
        let (id, owner, name, actionName, version, at, actor) = try row.decode((Int64, String, String, String, Int64, Int64, String?).self)
        guard let action = AuditEvent.Action(rawValue: actionName) else {
            throw StoreError.unavailable("audit: unknown action in the database")
        }
        return AuditEvent(
            id: id, owner: owner, name: name, action: action, version: version, at: at, by: actor.flatMap(RotationActor.init(rawValue:)))
    }

    static func append(_ t: Tables, _ event: AuditEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.rows(
            """
            INSERT INTO \(unescaped: t.audit) (owner, name, action, version, at, actor)
            VALUES (\(event.owner), \(event.name), \(event.action.rawValue), \(event.version), \(event.at), \(event.by?.rawValue))
            """, logger)
    }
}

extension PostgresSecretStore.Tables {
    var tokenHistory: String { "\(schema).token_history" }
}
