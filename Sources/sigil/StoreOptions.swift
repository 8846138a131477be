import ArgumentParser
import Foundation
import Logging
import PostgresStore
import SQLiteStore
import Secrets
import Storage

/// Where secrets live and the key that seals them; shared by `serve` and `secrets`. Flags, else `SIGIL_*`.
struct StoreOptions: ParsableArguments {
    @Option(help: "Directory for Sigil's files: SQLite database, generated master key, dev identity (SIGIL_DATA_DIR, default ./.sigil).")
    var dataDir: String?

    @Option(
        help:
            "PostgreSQL URL (postgres://user:pass@host:port/db) to share secrets between replicas (SIGIL_DATABASE_URL; default: SQLite in the data directory)."
    )
    var databaseUrl: String?

    @Option(help: .hidden) var databaseSchema: String?

    @Option(
        help:
            "File with the base64 master key that seals tokens (SIGIL_MASTER_KEY_FILE; default: DATA_DIR/master.key, generated on first run). With replicas, give every replica the same file."
    )
    var masterKeyFile: String?

    @Option(help: "A previous master key that may still open tokens, during an online re-key (SIGIL_PREVIOUS_MASTER_KEY_FILE).")
    var previousMasterKeyFile: String?

    /// Each value: the flag, else the environment variable (unset or empty: the default).
    func resolvedDataDir(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        dataDir ?? Self.value("SIGIL_DATA_DIR", environment) ?? "./.sigil"
    }
    func resolvedDatabaseURL(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        databaseUrl ?? Self.value("SIGIL_DATABASE_URL", environment)
    }
    func resolvedMasterKeyFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        masterKeyFile ?? Self.value("SIGIL_MASTER_KEY_FILE", environment)
    }
    func resolvedPreviousKeyFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        previousMasterKeyFile ?? Self.value("SIGIL_PREVIOUS_MASTER_KEY_FILE", environment)
    }
    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens and migrates the backend: PostgreSQL with a database URL, else SQLite in the data directory.
    func openStores(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) async throws -> Stores {
        if let url = resolvedDatabaseURL(environment) {
            return try await PostgresSecretStore.open(
                url: url, schema: databaseSchema ?? Self.value("SIGIL_DATABASE_SCHEMA", environment) ?? "public")
        }
        let directory = resolvedDataDir(environment)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try await SQLiteSecretStore.open(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
    }

    /// The key ring: an explicit key file must exist; without one, DATA_DIR/master.key is created on first run.
    func keyRing(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) throws -> MasterKeyRing {
        let current: MasterKey
        if let path = resolvedMasterKeyFile(environment) {
            current = try MasterKey.read(from: path)
        } else {
            guard resolvedDatabaseURL(environment) == nil else {
                throw ValidationError(
                    "--master-key-file (or SIGIL_MASTER_KEY_FILE) is required with --database-url: every replica must share one key")
            }
            let path = (resolvedDataDir(environment) as NSString).appendingPathComponent("master.key")
            let (key, created) = try MasterKey.loadOrCreate(at: path)
            if created { logger.notice("generated a new master key at \(path) (mode 0600); back it up: without it no token can be used") }
            current = key
        }
        let previous = try resolvedPreviousKeyFile(environment).map { try MasterKey.read(from: $0) }
        return MasterKeyRing(current: current, previous: previous.map { [$0] } ?? [])
    }

    /// The stores and the secret service on them, checked against the master key; fails loudly on a mismatch.
    func openService(maxPerOwner: Int = 100, logger: Logger) async throws -> (service: SecretService, stores: Stores) {
        let keys = try keyRing(logger: logger)
        let stores = try await openStores(logger: logger)
        do {
            return (try await SecretService.open(store: stores.secrets, keys: keys, maxPerOwner: maxPerOwner), stores)
        } catch {
            await stores.close()
            throw error
        }
    }
}

extension MasterKey.Failure: LocalizedError {
    public var errorDescription: String? { description }
}
