import ArgumentParser
import Foundation
import Hummingbird
import Jetstream
import Lexicon
import Logging
import Observatory
import SQLiteStore
import ServiceLifecycle

/// `sigil observe`: the conformance observatory.
struct ObserveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observe",
        abstract: "Watch how the network's records fare against their published lexicons, on a web page.",
        subcommands: [ObserveRun.self, ObserveReport.self],
        defaultSubcommand: ObserveRun.self
    )
}

struct ObserveRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Follow a Jetstream, validate every record against its collection's lexicon, serve the results.",
        discussion: """
            Every record create and update is validated as its collection's main record type against the lexicon the \
            network publishes (resolved and verified like sigil lexicon resolve, off the stream; records wait, \
            bounded, while it resolves), or, with --lexicons, against the drafts in that directory for the NSIDs \
            found there. Counts per collection (seen, valid, invalid by rule and path with examples, unresolvable by \
            reason, per hour for 7 days) are kept in DATA/observatory.sqlite with the Jetstream cursor: a restart \
            continues where it stopped. Pages at / (overview), /collection/NSID, /authority/AUTHORITY, /search?q=; \
            the same data at /observatory.json; Prometheus text at /metrics. Stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: "The Jetstream to follow, e.g. wss://jetstream2.us-east.bsky.network/subscribe.") var jetstream: String
    @Option(help: "Collections to watch (NSIDs or prefix globs like app.bsky.*), comma-separated; default all.") var collections: String?
    @Option(help: "A lexicon directory of drafts to validate against instead of the published schemas (what-if).") var lexicons: String?
    @Option(help: "Where the state is kept.") var data = ".sigil-observe"
    @Option(help: "Keep the state in PostgreSQL instead, shared with other observers (SIGIL_OBSERVE_DATABASE_URL).") var databaseUrl: String?
    @Option(help: "The PostgreSQL schema for the shared state.") var databaseSchema = "public"
    @Option(help: "This observer's name in a shared store (its own cursor); give each observer its own.") var observer = "default"
    @Option(help: "Address to serve the pages on.") var host = "127.0.0.1"
    @Option(help: "Port to serve the pages on (0: any free port).") var port = 2590
    @Flag(help: "Validate only against --lexicons; never resolve from the network.") var offline = false
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        guard jetstream.hasPrefix("ws://") || jetstream.hasPrefix("wss://") else {
            throw ValidationError("--jetstream must be a ws:// or wss:// URL")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        let patterns = (collections ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for pattern in patterns where !NSID.isValid(pattern.hasSuffix(".*") ? String(pattern.dropLast(2)) + ".x" : pattern) {
            throw ValidationError("--collections: \(pattern) is neither an NSID nor a prefix glob like app.bsky.*")
        }
        let drafts = try lexicons.map { try LexiconLocation.directory($0).sources() } ?? []
        if offline && drafts.isEmpty { throw ValidationError("--offline needs --lexicons") }
        let databaseURL = databaseUrl ?? ProcessInfo.processInfo.environment["SIGIL_OBSERVE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var lock: DataDirectoryLock?
        if databaseURL == nil {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            lock = try DataDirectoryLock.acquire(directory: data)
        }
        defer { withExtendedLifetime(lock) {} }
        var logger = Logger(label: "sigil-observe")
        logger.logLevel = .notice
        var url = jetstream
        for pattern in patterns { url += (url.contains("?") ? "&" : "?") + "wantedCollections=\(pattern)" }
        let subscription = url
        try await network.withResolver { resolver in
            let store: any ObservatoryStorage =
                if let databaseURL {
                    try await ObservatoryPostgresStore(url: databaseURL, schema: databaseSchema, observer: observer, logger: logger)
                } else {
                    try ObservatoryStore(path: (data as NSString).appendingPathComponent("observatory.sqlite"))
                }
            let observatory = try await Observatory(
                store: store, lexicons: ObservatoryLexicons(local: drafts, resolver: offline ? nil : resolver), collections: patterns)
            let app = Application(
                router: try ObservatoryWeb.router(observatory), configuration: .init(address: .hostname(host, port: port)),
                onServerRunning: { channel in
                    FileHandle.standardError.write(Data("observatory listening on http://\(host):\(channel.localAddress?.port ?? port)\n".utf8))
                }, logger: logger)
            let consumer = JetstreamConsumer(url: subscription, sink: observatory, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [app, consumer, ObservatoryFlusher(observatory: observatory, logger: logger)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
            try await observatory.flush()
        }
    }
}

struct ObserveReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print what the observatory counted in a recent window, for CI.",
        discussion: """
            Collections with records in the window, by volume, with their top violations (last seen in the window) \
            and unresolvable reasons. --format junit makes a test case per collection (invalid records fail it; \
            only unresolvable ones skip it). With --fail-on-invalid, exit 1 when any record in the window was invalid.
            """
    )

    @Option(help: "The window: 30m, 1h, 24h, 7d … (hours are counted whole).") var since = "1h"
    @Option(help: "json, markdown or junit.") var format = "markdown"
    @Option(help: "Where the state is kept.") var data = ".sigil-observe"
    @Option(help: "Read the shared state in PostgreSQL instead (SIGIL_OBSERVE_DATABASE_URL).") var databaseUrl: String?
    @Option(help: "The PostgreSQL schema of the shared state.") var databaseSchema = "public"
    @Flag(help: "Exit 1 when any record in the window was invalid.") var failOnInvalid = false

    func run() async throws {
        guard ["json", "markdown", "junit"].contains(format) else { throw ValidationError("--format must be json, markdown or junit") }
        guard let window = Self.seconds(since) else { throw ValidationError("--since must be a number and a unit (m, h or d), like 1h") }
        let loaded: ObservatoryStore.Loaded
        if let url = databaseUrl ?? ProcessInfo.processInfo.environment["SIGIL_OBSERVE_DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let store = try await ObservatoryPostgresStore(
                url: url, schema: databaseSchema, observer: "report", logger: Logger(label: "report", factory: { _ in SwiftLogNoOpLogHandler() }))
            loaded = try await store.load()
            store.close()
        } else {
            let path = (data as NSString).appendingPathComponent("observatory.sqlite")
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) does not exist: run sigil observe first") }
            loaded = try ObservatoryStore(path: path).loadNow()
        }
        // The window ends at the newest hour counted (the stream's time, not this machine's clock).
        let latest = loaded.collections.compactMap { $0.hourly.keys.max() }.max() ?? Int64(Date().timeIntervalSince1970) / 3_600
        let hours = max(1, Int64((window + 3_599) / 3_600))
        let report = ObservatoryReport(loaded.collections, sinceHour: latest - hours + 1)
        switch format {
        case "json": print(report.json)
        case "junit": print(report.junit, terminator: "")
        default: print(report.markdown, terminator: "")
        }
        if failOnInvalid && report.hasInvalid { throw ExitCode(1) }
    }

    static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0, value <= 10_000 else { return nil }
        switch unit {
        case "m": return value * 60
        case "h": return value * 3_600
        case "d": return value * 86_400
        default: return nil
        }
    }
}
