import ArgumentParser
import Foundation
import Hummingbird
import Lexicon
import Logging
import Metrics
import Prometheus
import XRPC

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

        let catalog: LexiconCatalog
        do {
            catalog = try LexiconLocation(configuration.lexicons).catalog()
        } catch {
            printError("sigil: cannot load lexicons from \(configuration.lexicons ?? "the bundle"):\n\(error)")
            throw ExitCode(1)
        }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let methods = XRPCMethodTable(catalog: catalog)
        let service = XRPCService(methods: methods,
                                  configuration: XRPCConfiguration(maxBodyBytes: configuration.maxBodyBytes, version: Sigil.version))
        let application = SigilApplication.build(service: service, registry: registry, configuration: configuration, logger: logger)
        logger.notice("serving \(catalog.documents.count) lexicons; implemented: \(methods.implemented.joined(separator: ", "))")
        do {
            try await application.runService()
        } catch {
            let text = String(describing: error)
            if text.contains("Address already in use") {
                printError("sigil: cannot listen on \(configuration.host):\(configuration.port): the port is already in use")
            } else {
                printError("sigil: server stopped: \(text)")
            }
            throw ExitCode(1)
        }
    }
}
