import Foundation
import Logging
import NIOCore
import PostgresNIO
import Secrets

/// Signing keys in PostgreSQL, beside `secrets`: creation takes the owner's advisory lock (as secret creation
/// does), so "a name is a secret or a signing key" holds across replicas; every change locks its row
/// (`FOR UPDATE`), so a scheduled rotation due on several replicas is made by exactly one.
extension PostgresSecretStore: SigningKeyStore {
    static let signingKeyColumns = """
        owner, name, version, sealed, public_key, created_at, valid_from, rotated_at, last_rotation_manual,
        previous_version, previous_sealed, previous_public_key, previous_valid_from, previous_valid_until,
        next_version, next_sealed, next_public_key, next_announced_at,
        overlap_seconds, interval_days, minute_of_day, next_rotation_at, last_status, last_message
        """

    public func createSigningKey(_ key: StoredSigningKey, maxPerOwner: Int) async throws(StoreError) {
        let t = tables
        let space = lockSpace
        try await transaction("createSigningKey") { connection, logger in
            try await connection.rows("SELECT pg_advisory_xact_lock(hashtext(\(space)), hashtext(\(key.owner)))", logger)
            let taken = try await connection.rows(
                """
                SELECT 1 FROM \(unescaped: t.secrets) WHERE owner = \(key.owner) AND name = \(key.name)
                UNION ALL SELECT 1 FROM \(unescaped: t.signingKeys) WHERE owner = \(key.owner) AND name = \(key.name)
                """, logger)
            if !taken.isEmpty { throw StoreError.alreadyExists }
            let counts = try await connection.rows("SELECT count(*) FROM \(unescaped: t.signingKeys) WHERE owner = \(key.owner)", logger)
            let total = try counts.first?.decode(Int64.self) ?? 0
            if total >= Int64(maxPerOwner) { throw StoreError.limitReached(maxPerOwner) }
            try await connection.rows(
                """
                INSERT INTO \(unescaped: t.signingKeys) (owner, name, version, sealed, public_key, created_at, valid_from, overlap_seconds)
                VALUES (\(key.owner), \(key.name), \(key.version), \(ByteBuffer(bytes: key.sealed)), \(ByteBuffer(bytes: key.publicKey)),
                        \(key.createdAt), \(key.validFrom), \(key.overlapSeconds))
                """, logger)
            try await Self.writeSigningKey(t, key, connection, logger)
        }
    }

    public func signingKey(owner: String, name: String) async throws(StoreError) -> StoredSigningKey? {
        let t = tables
        let rows = try await read(
            "signingKey",
            """
            SELECT \(unescaped: Self.signingKeyColumns) FROM \(unescaped: t.signingKeys) WHERE owner = \(owner) AND name = \(name)
            """)
        return try decoding("signingKey") { try rows.first.map(Self.storedSigningKey) }
    }

    public func withSigner<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?, StoredSigningKey?) async throws -> T
    ) async throws -> T {
        let t = tables
        let logger = self.logger
        do {
            return try await signingClient.withConnection { connection in
                try await Self.inTransaction(connection, logger) { connection, logger in
                    // The row found is held FOR SHARE until `body` returns: its rotation or deletion, on any replica, waits.
                    let secrets = try await connection.rows(
                        """
                        SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets)
                        WHERE owner = \(owner) AND name = \(name) FOR SHARE
                        """, logger)
                    let secret = try secrets.first.map { try Self.storedSecret($0) }
                    // A name is a secret or a signing key, never both (creation checks both under the owner's lock).
                    var key: StoredSigningKey?
                    if secret == nil {
                        let keys = try await connection.rows(
                            """
                            SELECT \(unescaped: Self.signingKeyColumns) FROM \(unescaped: t.signingKeys)
                            WHERE owner = \(owner) AND name = \(name) FOR SHARE
                            """, logger)
                        key = try keys.first.map { try Self.storedSigningKey($0) }
                    }
                    return try await BodyError.wrapping { try await body(secret, key) }
                }
            }
        } catch let error as BodyError {
            throw error.underlying
        } catch {
            throw Self.storeError(error, operation: "withSigner")
        }
    }

    public func signingKeys(owner: String) async throws(StoreError) -> [StoredSigningKey] {
        let t = tables
        let rows = try await read(
            "signingKeys",
            """
            SELECT \(unescaped: Self.signingKeyColumns) FROM \(unescaped: t.signingKeys) WHERE owner = \(owner) ORDER BY name
            """)
        return try decoding("signingKeys") { try rows.map(Self.storedSigningKey) }
    }

    public func updateSigningKey(
        owner: String, name: String,
        _ change: @Sendable (StoredSigningKey) throws(StoreError) -> StoredSigningKey
    ) async throws(StoreError)
        -> StoredSigningKey
    {
        let t = tables
        return try await transaction("updateSigningKey") { connection, logger in
            let rows = try await connection.rows(
                """
                SELECT \(unescaped: Self.signingKeyColumns) FROM \(unescaped: t.signingKeys) WHERE owner = \(owner) AND name = \(name) FOR UPDATE
                """, logger)
            guard let row = rows.first else { throw StoreError.notFound }
            let changed = try change(try Self.storedSigningKey(row))
            try await Self.writeSigningKey(t, changed, connection, logger)
            return changed
        }
    }

    public func deleteSigningKey(owner: String, name: String) async throws(StoreError) {
        let t = tables
        let rows = try await read(
            "deleteSigningKey",
            """
            DELETE FROM \(unescaped: t.signingKeys) WHERE owner = \(owner) AND name = \(name) RETURNING 1
            """)
        if rows.isEmpty { throw .notFound }
    }

    public func dueSigningKeys(now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)] {
        let t = tables
        let rows = try await read(
            "dueSigningKeys",
            """
            SELECT owner, name FROM (
                SELECT owner, name, next_rotation_at AS at FROM \(unescaped: t.signingKeys) WHERE next_rotation_at <= \(now)
                UNION ALL SELECT owner, name, previous_valid_until AS at FROM \(unescaped: t.signingKeys) WHERE previous_valid_until <= \(now)
            ) due GROUP BY owner, name ORDER BY min(at) LIMIT \(Int64(limit))
            """)
        return try decoding("dueSigningKeys") {
            try rows.map { row in
                let (owner, name) = try row.decode((String, String).self)
                return (owner, name)
            }
        }
    }

    public func nextSigningKeyRotation() async throws(StoreError) -> Int64? {
        let t = tables
        let rows = try await read(
            "nextSigningKeyRotation",
            """
            SELECT least(min(next_rotation_at), min(previous_valid_until)) FROM \(unescaped: t.signingKeys)
            """)
        return try decoding("nextSigningKeyRotation") { try rows.first?.decode(Int64?.self) ?? nil }
    }

    public func signingKeyNames(after cursor: (owner: String, name: String)?, limit: Int) async throws(StoreError)
        -> [(owner: String, name: String)]
    {
        let t = tables
        let rows = try await read(
            "signingKeyNames",
            """
            SELECT owner, name FROM \(unescaped: t.signingKeys) WHERE (owner, name) > (\(cursor?.owner ?? ""), \(cursor?.name ?? ""))
            ORDER BY owner, name LIMIT \(Int64(limit))
            """)
        return try decoding("signingKeyNames") {
            try rows.map { row in
                let (owner, name) = try row.decode((String, String).self)
                return (owner, name)
            }
        }
    }

    static func writeSigningKey(_ t: Tables, _ k: StoredSigningKey, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.rows(
            """
            UPDATE \(unescaped: t.signingKeys) SET version = \(k.version), sealed = \(ByteBuffer(bytes: k.sealed)),
                public_key = \(ByteBuffer(bytes: k.publicKey)), valid_from = \(k.validFrom), rotated_at = \(k.rotatedAt),
                last_rotation_manual = \(k.lastRotationManual),
                previous_version = \(k.previous?.version), previous_sealed = \(k.previous.map { ByteBuffer(bytes: $0.sealed) }),
                previous_public_key = \(k.previous.map { ByteBuffer(bytes: $0.publicKey) }), previous_valid_from = \(k.previous?.validFrom),
                previous_valid_until = \(k.previous?.validUntil),
                next_version = \(k.next?.version), next_sealed = \(k.next.map { ByteBuffer(bytes: $0.sealed) }),
                next_public_key = \(k.next.map { ByteBuffer(bytes: $0.publicKey) }), next_announced_at = \(k.next?.announcedAt),
                overlap_seconds = \(k.overlapSeconds), interval_days = \(k.schedule?.intervalDays), minute_of_day = \(k.schedule?.minuteOfDay),
                next_rotation_at = \(k.nextRotationAt), last_status = \(k.lastStatus), last_message = \(k.lastMessage)
            WHERE owner = \(k.owner) AND name = \(k.name)
            """, logger)
    }

    static func storedSigningKey(_ row: PostgresRow) throws -> StoredSigningKey {
        let r = row.makeRandomAccess()
        func bytes(_ column: String) throws -> [UInt8]? { try r[column].decode(ByteBuffer?.self).map { Array($0.readableBytesView) } }
        var previous: StoredSigningKey.Previous?
        if let version = try r["previous_version"].decode(Int64?.self), let sealed = try bytes("previous_sealed"),
            let publicKey = try bytes("previous_public_key")
        {
            previous = .init(
                version: version, sealed: sealed, publicKey: publicKey, validFrom: try r["previous_valid_from"].decode(Int64?.self) ?? 0,
                validUntil: try r["previous_valid_until"].decode(Int64?.self) ?? 0)
        }
        var next: StoredSigningKey.Next?
        if let version = try r["next_version"].decode(Int64?.self), let sealed = try bytes("next_sealed"),
            let publicKey = try bytes("next_public_key")
        {
            next = .init(version: version, sealed: sealed, publicKey: publicKey, announcedAt: try r["next_announced_at"].decode(Int64?.self) ?? 0)
        }
        let interval = try r["interval_days"].decode(Int64?.self)
        let minute = try r["minute_of_day"].decode(Int64?.self)
        return StoredSigningKey(
            owner: try r["owner"].decode(String.self), name: try r["name"].decode(String.self), version: try r["version"].decode(Int64.self),
            sealed: try bytes("sealed") ?? [], publicKey: try bytes("public_key") ?? [], createdAt: try r["created_at"].decode(Int64.self),
            validFrom: try r["valid_from"].decode(Int64.self), rotatedAt: try r["rotated_at"].decode(Int64?.self),
            lastRotationManual: try r["last_rotation_manual"].decode(Bool?.self), previous: previous, next: next,
            overlapSeconds: try r["overlap_seconds"].decode(Int64.self),
            schedule: interval.map { SigningKeySchedule(intervalDays: $0, minuteOfDay: minute) },
            nextRotationAt: try r["next_rotation_at"].decode(Int64?.self), lastStatus: try r["last_status"].decode(String?.self),
            lastMessage: try r["last_message"].decode(String?.self))
    }
}

extension PostgresSecretStore.Tables {
    var signingKeys: String { "\(schema).signing_keys" }
}
