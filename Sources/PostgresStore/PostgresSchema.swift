import Foundation
import Logging
import PostgresNIO
import Secrets

/// The PostgreSQL schema: its tables and their append-only migrations, in one place.
extension PostgresSecretStore {
    // MARK: - Schema

    /// The schema name as given.
    package var schema: String { tables.schemaName }

    /// Runs one statement as given (tests: `CHECKPOINT`, inspection). Never with outside input.
    package func execute(unsafeSQL sql: String) async throws(StoreError) -> [PostgresRow] {
        try await read("execute", PostgresQuery(unsafeSQL: sql))
    }

    /// Drops the schema with every table in it (tests clean up after themselves with it). Not reversible.
    package func dropSchema() async throws(StoreError) {
        _ = try await read("drop schema", PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(tables.schema) CASCADE"))
    }

    /// Creates the schema and its tables, or applies the migrations it lacks; safe to call on every start and
    /// from several replicas at once (they take turns on an advisory lock).
    ///
    /// It runs on a connection of its own rather than the pool's, so that a server that cannot be reached (or
    /// refuses the password) is reported at once and with its reason; the pool would keep retrying for a minute.
    public func migrate() async throws(StoreError) {
        try await migrate(through: PostgresSchemaHistory.latestVersion)
    }

    /// Applies the migrations up to and including `version` (tests build the schema of an earlier build with it).
    package func migrate(through version: Int64) async throws(StoreError) {
        let t = tables
        let space = lockSpace
        let migrations = PostgresSchemaHistory.migrations.filter { $0.version <= version }
        let logger = self.logger
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
        } catch {
            throw Self.storeError(error, operation: "migrate")
        }
        let outcome: Result<Void, StoreError>
        do {
            try await Self.transaction("migrate", on: connection, logger: logger) { connection, logger in
                try await Self.applyMigrations(migrations, tables: t, lockSpace: space, connection, logger)
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await connection.close()
        try outcome.get()
    }

    static func applyMigrations(
        _ migrations: [PostgresMigration], tables t: Tables, lockSpace space: String,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.rows("SELECT pg_advisory_xact_lock(hashtext(\(space)), hashtext('migrate'))", logger)
        // Durability is the server's `synchronous_commit`; this store never changes it, but says when it is off.
        if let row = try await connection.rows("SELECT current_setting('synchronous_commit')", logger).first,
            try row.decode(String.self) == "off"
        {
            logger.warning("synchronous_commit is off for this database or role: a crash can lose the last committed secret changes")
        }
        // Only what is missing: CREATE … IF NOT EXISTS still needs the CREATE privilege (on the database, on the
        // schema), which a role that only uses an up-to-date schema may lack.
        let existing = try await connection.rows("SELECT 1 FROM pg_namespace WHERE nspname = \(t.schemaName)", logger)
        if existing.isEmpty {
            try await connection.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(t.schema)"), logger)
        }
        let ledger = try await connection.rows("SELECT 1 WHERE to_regclass(\(t.migrations)) IS NOT NULL", logger)
        if ledger.isEmpty {
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(t.migrations) (
                            version bigint PRIMARY KEY,
                            applied_at bigint NOT NULL
                        )
                        """), logger)
        }
        let rows = try await connection.rows("SELECT coalesce(max(version), 0) FROM \(unescaped: t.migrations)", logger)
        var current: Int64 = 0
        if let row = rows.first { current = try row.decode(Int64.self) }
        if current > PostgresSchemaHistory.latestVersion {
            logger.warning(
                "PostgreSQL secrets schema is newer than this build",
                metadata: [
                    "schema.version": "\(current)", "supported.version": "\(PostgresSchemaHistory.latestVersion)",
                ])
            return
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // The migrations name their tables without a schema: for the rest of this transaction, they are this one's.
        try await connection.rows(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(t.schema)"), logger)
        for migration in migrations where migration.version > current {
            for statement in migration.statements {
                try await connection.rows(PostgresQuery(unsafeSQL: statement), logger)
            }
            try await connection.rows("INSERT INTO \(unescaped: t.migrations) (version, applied_at) VALUES (\(migration.version), \(now))", logger)
        }
    }
}
