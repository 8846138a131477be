import Foundation
import Logging
import PostgresNIO
import Secrets

/// Transactions, reads and the mapping of PostgreSQL errors to `StoreError`.
extension PostgresSecretStore {
    // MARK: - Plumbing

    /// Runs `body` in a transaction on one pooled connection: `BEGIN`, then `COMMIT` if it returns, `ROLLBACK`
    /// if it throws (a connection whose rollback fails is closed, so the pool never hands out a broken
    /// transaction). Every error comes out as a ``StoreError``.
    func transaction<Value: Sendable>(
        _ operation: String,
        _ body: (PostgresConnection, Logger) async throws -> Value
    ) async throws(StoreError) -> Value {
        let logger = self.logger
        do {
            return try await client.withConnection { connection in
                try await Self.inTransaction(connection, logger, body)
            }
        } catch {
            throw Self.storeError(error, operation: operation)
        }
    }

    /// ``transaction(_:_:)`` on a given connection.
    static func transaction<Value: Sendable>(
        _ operation: String,
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection, Logger) async throws -> Value
    ) async throws(StoreError) -> Value {
        do {
            return try await inTransaction(connection, logger, body)
        } catch {
            throw storeError(error, operation: operation)
        }
    }

    nonisolated(nonsending) static func inTransaction<Value: Sendable>(
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ body: (PostgresConnection, Logger) async throws -> Value
    ) async throws -> Value {
        try await connection.rows("BEGIN", logger)
        let value: Value
        do {
            value = try await body(connection, logger)
        } catch {
            do {
                try await connection.rows("ROLLBACK", logger)
            } catch {
                try? await connection.close()
            }
            throw error
        }
        try await connection.rows("COMMIT", logger)
        return value
    }

    /// One statement in its own (auto-committed) transaction; its rows.
    func read(_ operation: String, _ query: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        do {
            return try await client.query(query, logger: logger).collect()
        } catch {
            throw Self.storeError(error, operation: operation)
        }
    }

    /// Runs row decoding, turning its errors into ``StoreError``s.
    func decoding<T>(_ operation: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw Self.storeError(error, operation: operation)
        }
    }

    static func callSeal(
        _ seal: @Sendable (Int64) throws -> [UInt8], version: Int64,
        operation: String
    ) throws(StoreError) -> [UInt8] {
        do {
            return try seal(version)
        } catch {
            throw .unavailable("\(operation): sealing failed (\(type(of: error)))")
        }
    }

    /// A ``StoreError`` for any error: store errors pass through; database errors become `unavailable`
    /// with the SQLSTATE and the server's message, never the query's parameters (tokens, sealed bytes).
    static func storeError(_ error: any Error, operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError {
            if let server = error.serverInfo {
                let state = server[.sqlState] ?? "?????"
                let message = server[.message] ?? "no message"
                return .unavailable("\(operation): PostgreSQL error \(state): \(message)")
            }
            switch error.code {
            case .connectionError, .sslUnsupported, .failedToAddSSLHandler:
                // Network and TLS errors name the address, never the credentials.
                let reason = error.underlying.map { ": \(String(describing: $0))" } ?? ""
                return .unavailable("\(operation): cannot connect to PostgreSQL (\(error.code))\(reason)")
            default:
                return .unavailable("\(operation): PostgreSQL client error (\(error.code))")
            }
        }
        if error is PostgresDecodingError {
            return .unavailable("\(operation): unexpected data in the database")
        }
        if error is CancellationError {
            return .unavailable("\(operation): cancelled")
        }
        // The pool's own errors (`_ConnectionPoolModule.ConnectionPoolError`), told apart by name only: that
        // module is not a declared dependency.
        let description = String(describing: error)
        if description.contains("connectionCreationCircuitBreakerTripped") {
            return .unavailable("\(operation): cannot connect to PostgreSQL (every attempt for a minute failed; see the log)")
        }
        if description.contains("poolShutdown") {
            return .unavailable("\(operation): the store is closed")
        }
        if description.contains("requestCancelled") {
            return .unavailable("\(operation): cancelled")
        }
        return .unavailable("\(operation): \(type(of: error))")
    }

    static func isValidSchemaName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        return isLetter(first) && bytes.allSatisfy { isLetter($0) || isDigit($0) }
    }

    /// The schema-qualified, quoted names of the tables (the schema name is checked to need no escaping).
    struct Tables: Sendable {
        /// The name as given.
        let schemaName: String
        /// The name quoted for SQL.
        let schema: String
        let secrets: String
        let audit: String
        let metadata: String
        let nonces: String
        let migrations: String

        init(schema: String) {
            let quoted = "\"\(schema)\""
            self.schemaName = schema
            self.schema = quoted
            self.secrets = "\(quoted).secrets"
            self.audit = "\(quoted).secret_audit"
            self.metadata = "\(quoted).metadata"
            self.nonces = "\(quoted).nonces"
            self.migrations = "\(quoted).schema_migrations"
        }
    }
}
