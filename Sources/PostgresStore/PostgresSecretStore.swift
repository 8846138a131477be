import Foundation
import Logging
import PostgresNIO
import Secrets
import Storage

/// The PostgreSQL ``SecretStore``: several Sigil replicas can share one database.
///
/// Every table lives in one schema (`public` unless told otherwise), created by ``migrate()``:
///
/// - `secrets(owner, name, version, sealed, created_at, rotated_at, previous_…, policy columns, last_rotation_by,
///   expired_at, fingerprint)`, keyed by `(owner, name)`, indexed by `fingerprint`;
/// - `secret_audit(id, owner, name, action, version, at, actor)`, in `id` order;
/// - `metadata(key, value)`;
/// - `nonces(issuer, jti, expires_at)`, the service-JWT replay cache shared by the replicas;
/// - `webhooks`, `cursors` and `deliveries`, the ``DeliveryStore`` tables (see `PostgresDeliveryStore.swift`);
/// - `schema_migrations(version, applied_at)`, which migrations have run.
///
/// Mutations run in one transaction each, with PostgreSQL's default `synchronous_commit` (so a commit is on
/// disk before the call returns), and write their audit row in the same transaction. Rotations of one secret
/// are serialized by a row lock (`SELECT … FOR UPDATE`), creations by one owner by a transaction-scoped advisory
/// lock, so both stay correct when several replicas write at once.
///
/// Connections come from a `PostgresClient` pool that runs in a background task from `init` until ``close()``.
public final class PostgresSecretStore: SecretStore {
    let client: PostgresClient
    /// A separate pool for ``withCurrent(owner:name:_:)``: signers hold its connections while their request
    /// is being connected, which must never starve the main pool (XRPC calls, nonce claims, the queue).
    let signingClient: PostgresClient
    /// For ``migrate()``'s own connection.
    let connectionConfiguration: PostgresConnection.Configuration
    let runTask: Task<Void, Never>
    let signingRunTask: Task<Void, Never>
    let logger: Logger
    let tables: Tables
    /// First key of the advisory locks this store takes, so that two schemas in one database do not contend.
    let lockSpace: String
    let nonceSweep = NonceSweep()

    /// How many secrets `resealAll` locks and rewrites per transaction.
    static let resealBatchSize = 100
    /// How often (Unix seconds) each replica deletes expired nonces.
    static let nonceSweepInterval: Int64 = 60

    /// Connects lazily to the database at `url`.
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database?sslmode=disable` (or `postgresql://`; user, password
    ///     and database percent-encoded). Query parameters, as in libpq: `sslmode` (`disable`, the default here;
    ///     `prefer`, `require`, `verify-ca`, `verify-full`), `sslrootcert` (a PEM file of trusted roots),
    ///     `host` (a Unix socket directory such as `/var/run/postgresql`, instead of TCP), `connect_timeout`
    ///     (seconds) and `application_name`; others are ignored.
    ///   - schema: The PostgreSQL schema holding the tables: letters, digits and `_`, not starting with a digit,
    ///     at most 63 characters. Case is kept (the name is always quoted).
    ///   - maximumConnections: The size of the connection pool.
    ///   - logger: Where the pool logs; it never logs below `debug` (trace logs would show row contents).
    /// - Throws: `StoreError.unavailable` for a URL or schema that cannot be used. Nothing is connected yet:
    ///   an unreachable server shows up on the first call (usually ``migrate()``).
    ///   - signingConnections: The size of the signing pool (see ``withCurrent(owner:name:_:)``): at most this
    ///     many deliveries are between reading their token and starting to write, per replica.
    public init(
        url: String, schema: String = "public", maximumConnections: Int = 10, signingConnections: Int = 16,
        logger: Logger = Logger(label: "sigil.secrets.postgres")
    ) throws(StoreError) {
        guard Self.isValidSchemaName(schema) else {
            throw .unavailable("invalid PostgreSQL schema name: use letters, digits and _ (at most 63, not starting with a digit)")
        }
        guard maximumConnections >= 1 else {
            throw .unavailable("maximumConnections must be at least 1")
        }
        let parsed = try PostgresURLConfiguration(url)
        var configuration = parsed.configuration
        self.connectionConfiguration = parsed.connectionConfiguration
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0

        var quiet = logger
        if quiet.logLevel < .debug { quiet.logLevel = .debug }
        self.logger = quiet
        self.tables = Tables(schema: schema)
        self.lockSpace = "sigil.secrets:" + schema
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.client = client
        var signingConfiguration = configuration
        signingConfiguration.options.maximumConnections = max(1, signingConnections)
        let signingClient = PostgresClient(configuration: signingConfiguration, backgroundLogger: quiet)
        self.signingClient = signingClient
        self.signingRunTask = Task { await signingClient.run() }
        // Started immediately (where available), so that the pool is running before the first query asks it
        // for a connection: no "run() hasn't been called yet" warning.
        #if canImport(Darwin)
            if #available(macOS 26.0, iOS 26.0, tvOS 26.0, watchOS 26.0, visionOS 26.0, *) {
                self.runTask = Task.immediate { await client.run() }
            } else {
                self.runTask = Task { await client.run() }
            }
        #else
            self.runTask = Task.immediate { await client.run() }
        #endif
    }

    deinit {
        runTask.cancel()
        signingRunTask.cancel()
    }

    /// Closes the pools' connections; every later call fails with `unavailable`.
    public func close() async {
        runTask.cancel()
        signingRunTask.cancel()
        await runTask.value
        await signingRunTask.value
    }

    // MARK: - Secrets

    /// Inserts version 1 of `name` for `owner`, with its audit event, in one transaction. An advisory lock per
    /// owner makes the count-then-insert atomic against other creations by the same owner on any replica.
    public func create(
        owner: String, name: String, at: Int64, maxPerOwner: Int, fingerprint: [UInt8]?, tokenRecord: [UInt8]?,
        seal: @Sendable (_ version: Int64) throws -> [UInt8]
    ) async throws(StoreError) -> StoredSecret {
        let t = tables
        let space = lockSpace
        return try await transaction("create") { connection, logger in
            try await connection.rows("SELECT pg_advisory_xact_lock(hashtext(\(space)), hashtext(\(owner)))", logger)
            let counts = try await connection.rows(
                """
                SELECT count(*), count(*) FILTER (WHERE name = \(name)) FROM \(unescaped: t.secrets) WHERE owner = \(owner)
                """, logger)
            guard let row = counts.first else { throw StoreError.unavailable("create: no count returned") }
            let (total, same) = try row.decode((Int64, Int64).self)
            if same > 0 { throw StoreError.alreadyExists }
            if total >= Int64(maxPerOwner) { throw StoreError.limitReached(maxPerOwner) }
            // One name space per account: under the same advisory lock signing-key creation takes.
            let key = try await connection.rows("SELECT 1 FROM \(unescaped: t.signingKeys) WHERE owner = \(owner) AND name = \(name)", logger)
            if !key.isEmpty { throw StoreError.alreadyExists }

            if let tokenRecord { try await Self.recordToken(t, tokenRecord, at: at, connection, logger) }
            let sealed = try Self.callSeal(seal, version: 1, operation: "create")
            let inserted = try await connection.rows(
                """
                INSERT INTO \(unescaped: t.secrets) (owner, name, version, sealed, created_at, rotated_at, fingerprint)
                VALUES (\(owner), \(name), \(Int64(1)), \(ByteBuffer(bytes: sealed)), \(at), NULL, \(fingerprint.map { ByteBuffer(bytes: $0) }))
                ON CONFLICT (owner, name) DO NOTHING
                RETURNING 1
                """, logger)
            if inserted.isEmpty { throw StoreError.alreadyExists }
            try await Self.append(t, AuditEvent(owner: owner, name: name, action: .created, version: 1, at: at, by: .account), connection, logger)
            return StoredSecret(owner: owner, name: name, version: 1, sealed: sealed, createdAt: at, rotatedAt: nil, fingerprint: fingerprint)
        }
    }

    /// Reads the secret from the database (no cache).
    public func current(owner: String, name: String) async throws(StoreError) -> StoredSecret? {
        let t = tables
        let rows = try await read(
            "current",
            """
            SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets) WHERE owner = \(owner) AND name = \(name)
            """)
        guard let row = rows.first else { return nil }
        return try decoding("current") { try Self.storedSecret(row) }
    }

    /// Reads the secret `FOR SHARE` in a transaction on the signing pool and runs `body` inside it: a rotation
    /// or deletion on any replica (`FOR UPDATE`, `DELETE`) waits until `body` returns, and a signer that
    /// comes while a rotation commits waits for it and then reads the new version (READ COMMITTED re-reads
    /// a row whose locker committed).
    public func withCurrent<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?) async throws -> T
    ) async throws -> T {
        let t = tables
        let logger = self.logger
        do {
            return try await signingClient.withConnection { connection in
                try await Self.inTransaction(connection, logger) { connection, logger in
                    let rows = try await connection.rows(
                        """
                        SELECT \(unescaped: Self.secretColumns) FROM \(unescaped: t.secrets)
                        WHERE owner = \(owner) AND name = \(name) FOR SHARE
                        """, logger)
                    let secret = try rows.first.map { try Self.storedSecret($0) }
                    return try await BodyError.wrapping { try await body(secret) }
                }
            }
        } catch let error as BodyError {
            throw error.underlying
        } catch {
            throw Self.storeError(error, operation: "withCurrent")
        }
    }

    /// Carries an error of a caller's closure through the store's error mapping untouched.
    struct BodyError: Error {
        let underlying: any Error
        static func wrapping<T>(_ body: () async throws -> T) async throws -> T {
            do { return try await body() } catch { throw BodyError(underlying: error) }
        }
    }

    /// The owner's secrets in byte order of their names (`COLLATE "C"`), strictly after `cursor`.
    public func list(owner: String, after cursor: String?, limit: Int) async throws(StoreError) -> [SecretSummary] {
        guard limit > 0 else { return [] }
        let t = tables
        let rows: [PostgresRow]
        if let cursor {
            rows = try await read(
                "list",
                """
                SELECT name, version, created_at, rotated_at FROM \(unescaped: t.secrets)
                WHERE owner = \(owner) AND name > \(cursor) ORDER BY name LIMIT \(Int64(limit))
                """)
        } else {
            rows = try await read(
                "list",
                """
                SELECT name, version, created_at, rotated_at FROM \(unescaped: t.secrets)
                WHERE owner = \(owner) ORDER BY name LIMIT \(Int64(limit))
                """)
        }
        return try decoding("list") {
            try rows.map { row in
                let (name, version, createdAt, rotatedAt) = try row.decode((String, Int64, Int64, Int64?).self)
                return SecretSummary(name: name, version: version, createdAt: createdAt, rotatedAt: rotatedAt)
            }
        }
    }

    public func unsettled(at now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)] {
        let t = tables
        let rows = try await read(
            "unsettled",
            """
            SELECT owner, name FROM \(unescaped: t.secrets)
            WHERE (previous_valid_until IS NOT NULL AND previous_valid_until <= \(now)) OR (expired_at IS NULL AND policy_expires_at <= \(now))
            LIMIT \(Int64(max(0, limit)))
            """)
        return try decoding("unsettled") {
            try rows.map { row in
                let (owner, name) = try row.decode((String, String).self)
                return (owner: owner, name: name)
            }
        }
    }

    public func pruneAudit(before: Int64, limit: Int) async throws(StoreError) -> Int {
        let t = tables
        return try await read(
            "pruneAudit",
            """
            DELETE FROM \(unescaped: t.audit) WHERE id IN (SELECT id FROM \(unescaped: t.audit) WHERE at < \(before) LIMIT \(Int64(max(0, limit))))
            RETURNING id
            """
        ).count
    }

    /// The owner's audit trail (optionally of one name), in the order it was written.
    public func audit(owner: String, name: String?) async throws(StoreError) -> [AuditEvent] {
        let t = tables
        let rows: [PostgresRow]
        if let name {
            rows = try await read(
                "audit",
                """
                SELECT \(unescaped: Self.auditColumns) FROM \(unescaped: t.audit) WHERE owner = \(owner) AND name = \(name) ORDER BY id
                """)
        } else {
            rows = try await read(
                "audit",
                """
                SELECT \(unescaped: Self.auditColumns) FROM \(unescaped: t.audit) WHERE owner = \(owner) ORDER BY id
                """)
        }
        return try decoding("audit") { try rows.map(Self.auditEvent) }
    }

    // MARK: - Metadata and nonces

    /// A named value from the `metadata` table, or nil.
    public func metadata(_ key: String) async throws(StoreError) -> [UInt8]? {
        let t = tables
        let rows = try await read("metadata", "SELECT value FROM \(unescaped: t.metadata) WHERE key = \(key)")
        guard let row = rows.first else { return nil }
        return try decoding("metadata") {
            let value = try row.decode(ByteBuffer.self)
            return Array(value.readableBytesView)
        }
    }

    /// Inserts or replaces a named value.
    public func insertMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError) -> [UInt8] {
        let t = tables
        _ = try await read(
            "insertMetadata",
            "INSERT INTO \(unescaped: t.metadata) (key, value) VALUES (\(key), \(ByteBuffer(bytes: value))) ON CONFLICT (key) DO NOTHING")
        let rows = try await read("insertMetadata", "SELECT value FROM \(unescaped: t.metadata) WHERE key = \(key)")
        return try decoding("insertMetadata") { try rows.first.map { Array(try $0.decode(ByteBuffer.self).readableBytesView) } ?? value }
    }

    public func setMetadata(_ key: String, _ value: [UInt8]) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "setMetadata",
            """
            INSERT INTO \(unescaped: t.metadata) (key, value) VALUES (\(key), \(ByteBuffer(bytes: value)))
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
            """)
    }

    /// Records `(issuer, jti)` until `expiresAt`: true if it was not recorded, or only by a claim that has expired
    /// (`expires_at <= now`), which this one replaces. One statement, so two replicas claiming the same id at
    /// once cannot both succeed. About once a minute, each replica also deletes expired claims.
    public func claimNonce(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws(StoreError) -> Bool {
        let t = tables
        let rows = try await read(
            "claimNonce",
            """
            INSERT INTO \(unescaped: t.nonces) AS claimed (issuer, jti, expires_at) VALUES (\(issuer), \(jti), \(expiresAt))
            ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at
            WHERE claimed.expires_at <= \(now)
            RETURNING 1
            """)
        if nonceSweep.isDue(now: now, interval: Self.nonceSweepInterval) {
            do {
                _ = try await read("claimNonce sweep", "DELETE FROM \(unescaped: t.nonces) WHERE expires_at <= \(now)")
            } catch {
                logger.warning("could not delete expired nonces", metadata: ["error": "\(error)"])
            }
        }
        return !rows.isEmpty
    }

}

/// When this replica last deleted expired nonces (Unix seconds).
final class NonceSweep: @unchecked Sendable {
    let lock = NSLock()
    private var last: Int64 = .min

    /// True at most once per `interval` (and on the first call); records `now` when it says true.
    func isDue(now: Int64, interval: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if last != .min, now >= last, now - last < interval { return false }
        last = now
        return true
    }
}

extension PostgresConnection {
    /// Runs one statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
