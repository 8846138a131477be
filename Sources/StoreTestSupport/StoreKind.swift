import Foundation
import PostgresStore
import SQLiteStore
import Secrets
import SigilTestSupport
import Storage

/// The store implementations every store-backed test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// PostgreSQL tests need `SIGIL_TEST_DATABASE_URL` (`.ci/test` starts a server and sets it). Without it
    /// they fail, unless `SIGIL_SKIP_POSTGRES=1` says to skip them on purpose.
    public static var testDatabaseURL: String? { ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"] }
    public static var skipPostgres: Bool {
        ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] == "1" || TestKind.skipped.contains("postgres")
    }

    /// The kinds to run: both, or SQLite alone when PostgreSQL is skipped on purpose.
    public static var enabled: [StoreKind] { skipPostgres ? [.sqlite] : allCases }

    /// A fresh, empty, migrated store of this kind (PostgreSQL: a new schema of its own), and what removes it:
    /// `cleanUp` closes the store and deletes its directory or drops its schema. Call it whichever way the test ends.
    public func open() async throws -> (store: any SecretStore, cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let (store, cleanUp) = try await Self.openSQLite()
            return (store, cleanUp)
        case .postgres:
            let (stores, cleanUp) = try await Self.openPostgresReplicas(1)
            return (stores[0], cleanUp)
        }
    }

    /// A fresh, empty, migrated backend of this kind, every store it holds, and what removes it (as ``open()``).
    public func openStores() async throws -> (stores: Stores, cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let (store, cleanUp) = try await Self.openSQLite()
            return (store.stores, cleanUp)
        case .postgres:
            let (stores, cleanUp) = try await Self.openPostgresReplicas(1)
            return (stores[0].stores, cleanUp)
        }
    }

    /// A fresh migrated SQLite store in a temporary directory, and what closes it and removes the directory.
    public static func openSQLite() async throws -> (store: SQLiteSecretStore, cleanUp: @Sendable () async -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store: SQLiteSecretStore
        do {
            store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
            try await store.migrate()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return (
            store,
            {
                await store.close()
                try? FileManager.default.removeItem(at: directory)
            }
        )
    }

    /// Runs `body` with a fresh, empty, migrated backend's stores, then removes it, whether `body` returned or threw.
    public func withStores<T>(_ body: (Stores) async throws -> T) async throws -> T {
        let (stores, cleanUp) = try await openStores()
        do {
            let result = try await body(stores)
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// Runs `body` with a fresh, empty, migrated store, then removes it, whether `body` returned or threw.
    public func withStore<T>(_ body: (any SecretStore) async throws -> T) async throws -> T {
        let (store, cleanUp) = try await open()
        do {
            let result = try await body(store)
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// One backend that can be opened again and again, as successive runs of a server (or replicas) would: `open`
    /// gives a new handle on the same data each time (close the previous one when it is a restart); `cleanUp`
    /// removes the data.
    public func reopenable() async throws -> (open: @Sendable () async throws -> Stores, cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("sigil.sqlite").path
            return ({ try await SQLiteSecretStore.open(path: path) }, { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            guard let url = Self.testDatabaseURL else {
                throw StoreKindError("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
            }
            let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            return (
                { try await PostgresSecretStore.open(url: url, schema: schema) },
                {
                    // Bounded: a transaction a cancelled replica left open would make DROP SCHEMA wait for it; after 15 s
                    // the schema is left behind in the throw-away test database rather than the test hanging.
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let once = ResumeOnce(continuation)
                        Task {
                            if let dropper = try? PostgresSecretStore(url: url, schema: schema) {
                                try? await dropper.dropSchema()
                                await dropper.close()
                            }
                            once.resume()
                        }
                        Task {
                            try? await Task.sleep(for: .seconds(15))
                            once.resume()
                        }
                    }
                }
            )
        }
    }

    /// Runs `body` with `count` PostgreSQL replicas on one new schema (see ``openPostgresReplicas(_:)``), then
    /// closes them and drops the schema.
    public static func withPostgresReplicas<T>(_ count: Int, _ body: ([PostgresSecretStore]) async throws -> T) async throws -> T {
        let (stores, cleanUp) = try await openPostgresReplicas(count)
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
    /// concurrently, as replicas starting together do; and what closes them and drops the schema.
    public static func openPostgresReplicas(_ count: Int) async throws
        -> (stores: [PostgresSecretStore], cleanUp: @Sendable () async -> Void)
    {
        guard let url = testDatabaseURL else {
            throw StoreKindError("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        }
        let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let stores = try (0..<count).map { _ in try PostgresSecretStore(url: url, schema: schema) }
        let cleanUp: @Sendable () async -> Void = {
            for store in stores { await store.close() }
            // A store of its own drops the schema: the test may have closed the ones it was given.
            if let dropper = try? PostgresSecretStore(url: url, schema: schema) {
                try? await dropper.dropSchema()
                await dropper.close()
            }
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
        } catch {
            await cleanUp()
            throw error
        }
        return (stores, cleanUp)
    }
}

/// Why a store for a test could not be opened.
public struct StoreKindError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Resumes a continuation the first time only.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func resume() {
        let pending: CheckedContinuation<Void, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}
