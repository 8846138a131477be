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
            guard let url = Self.testDatabaseURL else {
                throw StoreKindError("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
            }
            let store = try PostgresSecretStore(url: url, schema: "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
            try await store.migrate()
            return store
        }
    }
}

struct StoreKindError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
