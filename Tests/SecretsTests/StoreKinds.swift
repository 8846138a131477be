import Foundation
import Secrets

/// The store implementations every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    /// PostgreSQL tests need `SIGIL_TEST_DATABASE_URL` (`.ci/test` starts a server and sets it). Without it
    /// they fail, unless `SIGIL_SKIP_POSTGRES=1` says to skip them on purpose.
    static var testDatabaseURL: String? { ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"] }
    static var skipPostgres: Bool { ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] == "1" }

    static var enabled: [StoreKind] { skipPostgres ? [.sqlite] : allCases }

    /// A fresh, empty, migrated store (PostgreSQL: a new schema of its own).
    func make() async throws -> any SecretStore {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
            try await store.migrate()
            return store
        case .postgres:
            return try await Self.postgresReplicas(1)[0]
        }
    }

    /// `count` PostgreSQL stores ("replicas", each with its own pool) on one new schema, migrated
    /// concurrently, as replicas starting together do.
    static func postgresReplicas(_ count: Int) async throws -> [PostgresSecretStore] {
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
