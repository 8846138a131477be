import Foundation
import Secrets
import SQLiteStore
import PostgresStore

/// The store implementations every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    /// PostgreSQL tests need `SIGIL_TEST_DATABASE_URL` (`.ci/test` starts a server and sets it). Without it
    /// they fail, unless `SIGIL_SKIP_POSTGRES=1` says to skip them on purpose.
    static var testDatabaseURL: String? { ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"] }
    static var skipPostgres: Bool { ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] == "1" || TestKind.skipped.contains("postgres") }

    static var enabled: [StoreKind] { skipPostgres ? [.sqlite] : allCases }

    /// Runs `body` with a fresh, empty, migrated store (PostgreSQL: a new schema of its own), then closes it
    /// and removes what it made (the temporary directory, the schema), whether `body` returned or threw.
    func withStore<T>(_ body: (any SecretStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
            try await store.migrate()
            do {
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres:
            return try await Self.withPostgresReplicas(1) { try await body($0[0]) }
        }
    }

    /// Runs `body` with `count` PostgreSQL replicas on one new schema (see ``postgresReplicas(_:)``), then
    /// closes them and drops the schema.
    static func withPostgresReplicas<T>(_ count: Int, _ body: ([PostgresSecretStore]) async throws -> T) async throws -> T {
        let stores = try await postgresReplicas(count)
        func cleanUp() async {
            for store in stores { await store.close() }
            // A store of its own drops the schema: the test may have closed the ones it was given.
            if let url = testDatabaseURL, let dropper = try? PostgresSecretStore(url: url, schema: stores[0].schema) {
                try? await dropper.dropSchema()
                await dropper.close()
            }
        }
        do {
            let result = try await body(stores)
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// `count` PostgreSQL stores ("replicas", each with its own pool) on one new schema, migrated
    /// concurrently, as replicas starting together do.
    private static func postgresReplicas(_ count: Int) async throws -> [PostgresSecretStore] {
        guard let url = testDatabaseURL else {
            throw StoreKindError("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        }
        let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let stores = try (0..<count).map { _ in try PostgresSecretStore(url: url, schema: schema) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        return stores
    }
}

struct StoreKindError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
