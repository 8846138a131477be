import ArgumentParser
import Foundation
import Lexicon
import Logging
import Metrics
import Prometheus
import SQLiteStore
import SigilService

/// `sigil serve`: the XRPC service, on embedded defaults with no setup.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every lexicon query and procedure at /xrpc/{nsid}.",
        discussion: "Stops gracefully on SIGTERM or SIGINT: no new connections, in-flight requests finish."
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let configuration = try ServeConfiguration.resolve(options)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "sigil")
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))

        let catalog = try await failing("cannot load lexicons from \(configuration.lexicons ?? "the bundle"):\n") {
            try LexiconLocation(configuration.lexicons).catalog()
        }
        // One sigil serve per SQLite data directory (held until this process exits).
        let directoryLock = try await failing("") { () -> DataDirectoryLock? in
            guard options.store.resolvedDatabaseURL() == nil else { return nil }
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return try DataDirectoryLock.acquire(directory: configuration.dataDirectory)
        }
        let keys = try await failing("cannot open the secrets store: ") { try options.store.keyRing(logger: logger) }
        let stores = try await failing("cannot open the secrets store: ") { try await options.store.openStores(logger: logger) }
        logger.notice("secrets store: \(options.store.resolvedDatabaseURL() == nil ? "SQLite in \(configuration.dataDirectory)" : "PostgreSQL")")
        let server = try await failing("") {
            try await SigilServer.build(configuration: configuration, stores: stores, keys: keys, catalog: catalog, metrics: metrics, logger: logger)
        }
        defer { withExtendedLifetime(directoryLock) {} }
        do {
            try await server.run()
        } catch {
            printError("sigil: \(error)")
            throw ExitCode(1)
        }
    }

    /// Runs `body`; a failure is printed after `context` and exits 1.
    private func failing<T>(_ context: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            printError("sigil: \(context)\(error)")
            throw ExitCode(1)
        }
    }
}
