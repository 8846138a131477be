import ArgumentParser
import Foundation
import Logging
import SigilService

/// How `sigil serve` resolves its ``SigilServer/Configuration``: flag, else `SIGIL_<FLAG>` environment variable,
/// else the default.
enum ServeConfiguration {
    /// Reads the environment for every flag left unset; a malformed value is a usage error naming the variable,
    /// a value out of range one naming the flag.
    static func resolve(
        _ options: ServeOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SigilServer.Configuration {
        func value<T>(_ flag: T?, _ name: String, _ parse: (String) -> T?, _ fallback: T) throws -> T {
            if let flag { return flag }
            guard let raw = environment["SIGIL_\(name)"], !raw.isEmpty else { return fallback }
            guard let parsed = parse(raw) else {
                throw ValidationError("SIGIL_\(name)=\(raw.prefix(64)) is not a valid value")
            }
            return parsed
        }
        let defaults = SigilServer.Configuration()
        var configuration = SigilServer.Configuration()
        configuration.host = try value(options.host, "HOST", { $0 }, defaults.host)
        configuration.port = try value(options.port, "PORT", { Int($0) }, defaults.port)
        configuration.lexicons = try value(options.lexicons, "LEXICONS", { Optional($0) }, defaults.lexicons)
        configuration.logLevel = try value(options.logLevel?.level, "LOG_LEVEL", { Logger.Level(rawValue: $0.lowercased()) }, defaults.logLevel)
        configuration.maxBodyBytes = try value(options.maxBodyBytes, "MAX_BODY_BYTES", { Int($0) }, defaults.maxBodyBytes)
        configuration.dataDirectory = options.store.resolvedDataDir(environment)
        configuration.maxSecrets = try value(options.maxSecrets, "MAX_SECRETS", { Int($0) }, defaults.maxSecrets)
        configuration.rateLimit = try value(options.rateLimit, "RATE_LIMIT", { Int($0) }, defaults.rateLimit)
        configuration.serviceDID = try value(options.serviceDid, "SERVICE_DID", { $0 }, defaults.serviceDID)
        configuration.serviceID = try value(options.serviceId, "SERVICE_ID", { $0 }, defaults.serviceID)
        configuration.acceptBareDID = try value(options.acceptBareDid, "ACCEPT_BARE_DID", parseBool, defaults.acceptBareDID)
        configuration.maxTokenAge = try value(options.maxTokenAge, "MAX_TOKEN_AGE", { Int($0) }, defaults.maxTokenAge)
        configuration.plcURL = try value(options.plcUrl, "PLC_URL", { $0 }, defaults.plcURL)
        configuration.publicURL = try value(options.publicUrl, "PUBLIC_URL", { Optional($0) }, defaults.publicURL)
        configuration.insecureLoopback = try options.insecureLoopback ? true : value(nil, "INSECURE_LOOPBACK", parseBool, false)
        configuration.dev = try options.dev ? true : value(nil, "DEV", parseBool, false)
        configuration.jetstreamURL = try value(options.jetstreamUrl, "JETSTREAM_URL", { Optional($0) }, defaults.jetstreamURL)
        configuration.idleTimeout = try value(options.idleTimeout, "IDLE_TIMEOUT", { Int($0) }, defaults.idleTimeout)
        configuration.bodyTimeout = try value(options.bodyTimeout, "BODY_TIMEOUT", { Int($0) }, defaults.bodyTimeout)
        configuration.keepDeliveredDays = try value(options.keepDeliveredDays, "KEEP_DELIVERED_DAYS", { Int($0) }, defaults.keepDeliveredDays)
        configuration.keepDeadDays = try value(options.keepDeadDays, "KEEP_DEAD_DAYS", { Int($0) }, defaults.keepDeadDays)
        configuration.keepCancelledDays = try value(options.keepCancelledDays, "KEEP_CANCELLED_DAYS", { Int($0) }, defaults.keepCancelledDays)
        configuration.pauseFailingAfterHours = try value(
            options.pauseFailingAfterHours, "PAUSE_FAILING_AFTER_HOURS", { Int($0) },
            defaults.pauseFailingAfterHours)
        configuration.trustedProxies =
            try value(
                options.trustedProxies, "TRUSTED_PROXIES", { Optional($0) }, nil
            ).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? defaults.trustedProxies
        configuration.resolverConcurrency = try value(options.resolverConcurrency, "RESOLVER_CONCURRENCY", { Int($0) }, defaults.resolverConcurrency)
        configuration.maxQueuedBytesPerAccount = try value(
            options.maxQueuedBytesPerAccount, "MAX_QUEUED_BYTES_PER_ACCOUNT", { Int64($0) }, defaults.maxQueuedBytesPerAccount)
        configuration.version = Sigil.version
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }
}

private func parseBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "1", "true", "yes", "on": true
    case "0", "false", "no", "off": false
    default: nil
    }
}

/// The command-line flags of `sigil serve`; each also reads `SIGIL_<FLAG>`.
struct ServeOptions: ParsableArguments {
    @Option(help: "Address to listen on (SIGIL_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (SIGIL_PORT, default 2583; 0 picks a free one).")
    var port: Int?

    @Option(help: "Directory of lexicons to serve (SIGIL_LEXICONS, default: the bundled lexicons).")
    var lexicons: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (SIGIL_LOG_LEVEL, default info).")
    var logLevel: LogLevelArgument?

    @Option(help: "Largest accepted request body in bytes (SIGIL_MAX_BODY_BYTES, default 153600).")
    var maxBodyBytes: Int?

    @OptionGroup var store: StoreOptions

    @Option(help: "Most secrets one account may have (SIGIL_MAX_SECRETS, default 100).")
    var maxSecrets: Int?

    @Option(help: "create/rotate/delete calls per minute per account; 0 turns limiting off (SIGIL_RATE_LIMIT, default 60).")
    var rateLimit: Int?

    @Option(help: "This service's DID; tokens' aud must name it (SIGIL_SERVICE_DID, default did:web:localhost).")
    var serviceDid: String?

    @Option(help: "Service id: aud is DID#id (SIGIL_SERVICE_ID, default sigil).")
    var serviceId: String?

    @Option(help: "Also accept aud = the bare service DID: true or false (SIGIL_ACCEPT_BARE_DID, default true).")
    var acceptBareDid: Bool?

    @Option(help: "Oldest iat / furthest exp accepted, seconds (SIGIL_MAX_TOKEN_AGE, default 300).")
    var maxTokenAge: Int?

    @Option(help: "PLC directory for did:plc (SIGIL_PLC_URL, default https://plc.directory).")
    var plcUrl: String?

    @Option(help: "Public base URL, for the did:web document's service endpoint (SIGIL_PUBLIC_URL, default http://HOST:PORT).")
    var publicUrl: String?

    @Option(
        help:
            "Jetstream WebSocket URL (wss://…/subscribe) to watch for place.wisp.v2.wh records and matching events (SIGIL_JETSTREAM_URL; no default)."
    )
    var jetstreamUrl: String?

    @Option(
        help:
            "Close a connection that sends nothing for this many seconds; a request head must arrive within it, and a body that stops is cut off by it (SIGIL_IDLE_TIMEOUT, default 30)."
    )
    var idleTimeout: Int?

    @Option(
        help:
            "A request body still arriving after this many seconds gets 408 (SIGIL_BODY_TIMEOUT, default 10); one that stops arriving is closed at --idle-timeout."
    )
    var bodyTimeout: Int?

    @Option(help: "Days a delivered delivery stays visible before it is pruned (SIGIL_KEEP_DELIVERED_DAYS, default 7; 1–3650).")
    var keepDeliveredDays: Int?

    @Option(help: "Days a dead delivery stays visible before it is pruned (SIGIL_KEEP_DEAD_DAYS, default 30; 1–3650).")
    var keepDeadDays: Int?

    @Option(help: "Days a cancelled delivery stays visible before it is pruned (SIGIL_KEEP_CANCELLED_DAYS, default 30; 1–3650).")
    var keepCancelledDays: Int?

    @Option(help: "Pause a webhook whose every attempt failed for this many hours (SIGIL_PAUSE_FAILING_AFTER_HOURS, default 72; 1–8760).")
    var pauseFailingAfterHours: Int?

    @Option(
        help:
            "Bytes of queued delivery bodies one account may hold; past it new deliveries are recorded, not queued (SIGIL_MAX_QUEUED_BYTES_PER_ACCOUNT, default 268435456)."
    )
    var maxQueuedBytesPerAccount: Int64?

    @Option(
        help:
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For names the client; nobody else's is believed (SIGIL_TRUSTED_PROXIES; default none)."
    )
    var trustedProxies: String?

    @Option(
        help:
            "DID documents of never-seen accounts fetched at once, shared fairly per client address; a client over its share gets 429 (SIGIL_RESOLVER_CONCURRENCY, default 16; 1–1024)."
    )
    var resolverConcurrency: Int?

    @Flag(help: "Allow http and loopback addresses for did:web and outbound calls: development and tests only (SIGIL_INSECURE_LOOPBACK).")
    var insecureLoopback = false

    @Flag(help: "Development mode: trust the local development identity (see `sigil dev token`). Never in production (SIGIL_DEV).")
    var dev = false
}

/// A `Logger.Level` as a command-line value.
struct LogLevelArgument: ExpressibleByArgument {
    let level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }
}
