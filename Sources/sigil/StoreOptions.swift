import ArgumentParser
import Foundation
import Logging
import Secrets
import SQLiteStore
import PostgresStore

/// Where secrets live and the key that seals them; shared by `serve` and `secrets`. Flags, else `SIGIL_*`.
struct StoreOptions: ParsableArguments {
    @Option(help: "Directory for Sigil's files: SQLite database, generated master key, dev identity (SIGIL_DATA_DIR, default ./.sigil).")
    var dataDir: String?

    @Option(help: "PostgreSQL URL (postgres://user:pass@host:port/db) to share secrets between replicas (SIGIL_DATABASE_URL; default: SQLite in the data directory).")
    var databaseUrl: String?

    @Option(help: .hidden) var databaseSchema: String?

    @Option(help: "File with the base64 master key that seals tokens (SIGIL_MASTER_KEY_FILE; default: DATA_DIR/master.key, generated on first run). With replicas, give every replica the same file.")
    var masterKeyFile: String?

    @Option(help: "A previous master key that may still open tokens, during an online re-key (SIGIL_PREVIOUS_MASTER_KEY_FILE).")
    var previousMasterKeyFile: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var resolvedDataDir: String { dataDir ?? environment["SIGIL_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./.sigil" }
    var resolvedDatabaseURL: String? { databaseUrl ?? environment["SIGIL_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    var resolvedMasterKeyFile: String? { masterKeyFile ?? environment["SIGIL_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } }
    var resolvedPreviousKeyFile: String? {
        previousMasterKeyFile ?? environment["SIGIL_PREVIOUS_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens and migrates the store.
    func openStore() async throws -> any SecretStore {
        let store: any SecretStore
        if let url = resolvedDatabaseURL {
            store = try PostgresSecretStore(url: url, schema: databaseSchema ?? environment["SIGIL_DATABASE_SCHEMA"] ?? "public")
        } else {
            try FileManager.default.createDirectory(atPath: resolvedDataDir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            store = try SQLiteSecretStore(path: (resolvedDataDir as NSString).appendingPathComponent("sigil.sqlite"))
        }
        try await store.migrate()
        return store
    }

    /// The key ring: an explicit key file must exist; without one, DATA_DIR/master.key is created on first run.
    func keyRing(logger: Logger) throws -> MasterKeyRing {
        let current: MasterKey
        if let path = resolvedMasterKeyFile {
            current = try MasterKey.read(from: path)
        } else {
            guard resolvedDatabaseURL == nil else {
                throw ValidationError("--master-key-file (or SIGIL_MASTER_KEY_FILE) is required with --database-url: every replica must share one key")
            }
            let path = (resolvedDataDir as NSString).appendingPathComponent("master.key")
            let (key, created) = try MasterKey.loadOrCreate(at: path)
            if created { logger.notice("generated a new master key at \(path) (mode 0600); back it up: without it no token can be used") }
            current = key
        }
        let previous = try resolvedPreviousKeyFile.map { try MasterKey.read(from: $0) }
        return MasterKeyRing(current: current, previous: previous.map { [$0] } ?? [])
    }

    /// The store, checked against the master key; fails loudly on a mismatch.
    func openService(maxPerOwner: Int = 100, logger: Logger) async throws -> SecretService {
        let keys = try keyRing(logger: logger)
        let store = try await openStore()
        do {
            return try await SecretService.open(store: store, keys: keys, maxPerOwner: maxPerOwner)
        } catch {
            await store.close()
            throw error
        }
    }
}

extension MasterKey.Failure: LocalizedError {
    public var errorDescription: String? { description }
}
