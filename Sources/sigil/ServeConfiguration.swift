import ArgumentParser
import Foundation
import Logging

/// Everything `sigil serve` needs, parsed once: flag, else `SIGIL_<FLAG>` environment variable, else default.
struct ServeConfiguration: Sendable {
    var host: String
    var port: Int
    /// `nil`: the lexicons bundled into the binary.
    var lexicons: String?
    var logLevel: Logger.Level
    var maxBodyBytes: Int

    /// Reads the environment for every flag left unset; a malformed value is a usage error naming the variable.
    static func resolve(_ options: ServeOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServeConfiguration {
        func value<T>(_ flag: T?, _ name: String, _ parse: (String) -> T?, _ fallback: T) throws -> T {
            if let flag { return flag }
            guard let raw = environment["SIGIL_\(name)"], !raw.isEmpty else { return fallback }
            guard let parsed = parse(raw) else {
                throw ValidationError("SIGIL_\(name)=\(raw.prefix(64)) is not a valid value")
            }
            return parsed
        }
        let configuration = ServeConfiguration(
            host: try value(options.host, "HOST", { $0 }, "127.0.0.1"),
            port: try value(options.port, "PORT", { Int($0) }, 2583),
            lexicons: try value(options.lexicons, "LEXICONS", { Optional($0) }, nil),
            logLevel: try value(options.logLevel?.level, "LOG_LEVEL", { Logger.Level(rawValue: $0.lowercased()) }, .info),
            maxBodyBytes: try value(options.maxBodyBytes, "MAX_BODY_BYTES", { Int($0) }, 150 * 1024)
        )
        guard (0...65535).contains(configuration.port) else { throw ValidationError("port \(configuration.port) is not 0–65535") }
        guard configuration.maxBodyBytes > 0 else { throw ValidationError("max body bytes must be positive") }
        return configuration
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
}

/// A `Logger.Level` as a command-line value.
struct LogLevelArgument: ExpressibleByArgument {
    let level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }
}
