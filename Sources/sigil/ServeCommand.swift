import NetworkPolicy
import ArgumentParser
import Foundation
import Hummingbird
import Lexicon
import Logging
import Metrics
import Prometheus
import XRPC
import Identity
import SigilService
import AsyncHTTPClient
import Secrets
import WispAPI
import Webhooks
import ServiceLifecycle

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

        var pinned: [String: DIDDocument] = [:]
        if configuration.dev {
            let identity: DevelopmentIdentity
            do {
                identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: configuration.dataDirectory)
            } catch {
                printError("sigil: \(error)")
                throw ExitCode(1)
            }
            pinned[identity.did] = identity.document
            logger.warning("DEVELOPMENT MODE: trusting the local development identity \(identity.did) from \(DevelopmentIdentity.path(dataDirectory: configuration.dataDirectory)). Never run --dev in production.")
        }
        if configuration.insecureLoopback {
            logger.warning("INSECURE LOOPBACK: http and loopback addresses are allowed for outbound calls. Development and tests only.")
        }
        let secrets: SecretService
        do {
            secrets = try await options.store.openService(maxPerOwner: configuration.maxSecrets, logger: logger)
        } catch {
            printError("sigil: cannot open the secrets store: \(error)")
            throw ExitCode(1)
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow,
                                                                                             timeout: .init(connect: .seconds(3), read: .seconds(5))))
        let destinations = DestinationGuard(insecureLoopback: configuration.insecureLoopback)
        let resolver = DIDResolver(fetcher: HTTPDIDFetcher(client: httpClient, plcURL: configuration.plcURL, destinations: destinations),
                                   pinned: pinned)
        logger.notice("secrets store: \(options.store.resolvedDatabaseURL == nil ? "SQLite in \(configuration.dataDirectory)" : "PostgreSQL")")
        let verifier = ServiceJWTVerifier(
            policy: .init(serviceDID: configuration.serviceDID, serviceID: configuration.serviceID,
                          acceptBareDID: configuration.acceptBareDID, maxAge: Int64(configuration.maxTokenAge)),
            resolver: resolver, nonces: StoreNonceStore(store: secrets.store))

        var services: [any Service] = []
        var webhookHandler: SigilWebhooksHandler?
        // Ed25519 signing keys (v1a) live in the same store, under the same master key; the scheduler rotates them.
        let signingKeys = secrets.signingKeyService(maxPerOwner: configuration.maxSecrets)
        if let signingKeys { services.append(SigningKeyScheduler(keys: signingKeys, logger: logger)) }
        if let deliveries = secrets.store as? any DeliveryStore {
            let index = WebhookIndex()
            let registry = WebhookRegistry(index: index, store: deliveries, catalog: catalog,
                                           fetcher: PDSRecordFetcher(resolver: resolver, destinations: destinations), logger: logger,
                                           autoDisableAfter: .seconds(Int64(configuration.pauseFailingAfterHours) * 3600))
            do {
                try await registry.load()
            } catch {
                printError("sigil: cannot load webhooks: \(error)")
                throw ExitCode(1)
            }
            var workerConfiguration = DeliveryWorker.Configuration()
            workerConfiguration.retention = [.delivered: .seconds(Int64(configuration.keepDeliveredDays) * 86_400),
                                             .dead: .seconds(Int64(configuration.keepDeadDays) * 86_400),
                                             .cancelled: .seconds(Int64(configuration.keepCancelledDays) * 86_400)]
            let worker = DeliveryWorker(store: deliveries, secrets: secrets, signingKeys: signingKeys, webhooks: registry,
                                        destinations: destinations, configuration: workerConfiguration, logger: logger)
            services.append(worker)
            if let log = deliveries as? any DeliveryLog { webhookHandler = SigilWebhooksHandler(log: log, registry: registry, worker: worker) }
            if let jetstream = configuration.jetstreamURL {
                services.append(JetstreamConsumer(url: jetstream, processor: EventProcessor(registry: registry, store: deliveries),
                                                  store: deliveries, logger: logger, onEnqueue: { worker.nudge() }))
                logger.notice("watching \(jetstream) for webhooks (\(index.count) active)")
            } else {
                logger.notice("no --jetstream-url: deliveries from the network are off (\(index.count) webhooks known; queued deliveries are still sent)")
            }
        } else {
            logger.warning("this store does not hold a delivery queue; webhook deliveries are off")
        }

        var methods = XRPCMethodTable(catalog: catalog)
        if catalog.definition(PlaceWispV2SecretRotate.nsid) != nil {
            do {
                try methods.register(WispSecretsHandler(service: secrets), auth: .required)
            } catch {
                logger.warning("place.wisp.v2.secret.* lexicons are incomplete; not serving them: \(error)")
            }
        } else {
            logger.notice("the loaded lexicons do not define place.wisp.v2.secret.*; the secrets methods are off")
        }
        if catalog.definition(DevSigilSecretRotate.nsid) != nil {
            do {
                try methods.register(SigilSecretsHandler(service: secrets), auth: .required)
            } catch {
                logger.warning("dev.sigil.secret.* lexicons are incomplete; not serving them: \(error)")
            }
        }
        if let signingKeys, catalog.definition(DevSigilSigningKeyListPublic.nsid) != nil {
            do {
                try SigilSigningKeysHandler.register(SigilSigningKeysHandler(service: signingKeys), in: &methods)
            } catch {
                logger.warning("dev.sigil.signingKey.* lexicons are incomplete; not serving them: \(error)")
            }
        }
        if let webhookHandler, catalog.definition(DevSigilWebhookRedeliver.nsid) != nil {
            do {
                try methods.register(webhookHandler, auth: .required)
            } catch {
                logger.warning("dev.sigil.webhook.* lexicons are incomplete; not serving them: \(error)")
            }
        }
        let limiter = PerDIDRateLimiter(limit: configuration.rateLimit, methods: SigilSecretsHandler.mutations.union(SigilWebhooksHandler.mutations).union(SigilSigningKeysHandler.mutations).union([
            PlaceWispV2SecretCreate.nsid, PlaceWispV2SecretRotate.nsid, PlaceWispV2SecretDelete.nsid,
        ]))
        let service = XRPCService(methods: methods,
                                  configuration: XRPCConfiguration(maxBodyBytes: configuration.maxBodyBytes, version: Sigil.version,
                                                                                   bodyDeadline: .seconds(configuration.bodyTimeout)),
                                  authenticator: ServiceAuthenticator(verifier: verifier, secrets: secrets, tokenMethods: SigilSecretsHandler.tokenMethods),
                                  rateLimiter: limiter)
        let router = SigilApplication.router(service: service, registry: registry)
        if configuration.serviceDID.hasPrefix("did:web:") {
            SigilApplication.addDIDDocument(to: router, serviceDID: configuration.serviceDID, serviceID: configuration.serviceID,
                                            endpoint: configuration.publicURL ?? "http://\(configuration.host):\(configuration.port)")
        }
        let application = SigilApplication.build(router: router, host: configuration.host, port: configuration.port,
                                                 services: services, idleTimeout: .seconds(Int64(configuration.idleTimeout)), logger: logger)
        if !catalog.warnings.isEmpty {
            let unresolved = catalog.unresolvedReferences.count
            logger.warning("the lexicons loaded with \(catalog.warnings.count) warnings (\(unresolved) unresolved references; validation that reaches one fails); see sigil lexicon check")
            // Each one, so a misspelt constraint (ignored, hence not enforced) is seen at start.
            for warning in catalog.warnings.prefix(20) { logger.warning("lexicon: \(warning.description)") }
        }
        logger.notice("serving \(catalog.documents.count) lexicons as \(configuration.serviceDID)#\(configuration.serviceID); implemented: \(methods.implemented.joined(separator: ", "))")
        do {
            try await application.runService()
            await destinations.shutdown()
            await secrets.store.close()
            try? await httpClient.shutdown()
        } catch {
            await destinations.shutdown()
            await secrets.store.close()
            try? await httpClient.shutdown()
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
