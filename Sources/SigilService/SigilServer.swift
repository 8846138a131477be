import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Hummingbird
import Identity
import Jetstream
import Lexicon
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NetworkPolicy
import Prometheus
import Secrets
import ServiceLifecycle
import SigilAPI
import Storage
import Webhooks
import XRPC

/// Sigil's server, assembled in one place for `sigil serve` and for the tests: a configuration, the storage
/// backend's ``Stores`` and the master keys in; a Hummingbird application with its background services
/// (delivery worker, Jetstream consumer, signing-key scheduler) out. It owns what it opens (the HTTP client, the
/// destination guard) and closes it, and the stores, after the application stops.
///
/// Logging and metrics are the caller's: bootstrap them (once a process) before building.
public final class SigilServer: Sendable {
    /// The application: `run()` it, or drive it with Hummingbird's test client.
    public let application: Application<RouterResponder<SigilRequestContext>>
    /// The secret service the handlers use (tests read and rotate through it as a client would through XRPC).
    public let secrets: SecretService
    /// The signing keys (Standard Webhooks v1a).
    public let signingKeys: SigningKeyService
    /// The webhooks Sigil knows, and the worker that sends their deliveries.
    public let webhooks: WebhookRegistry
    public let worker: DeliveryWorker
    /// What turns Jetstream events into queued deliveries, and the consumer feeding it (nil without a Jetstream URL).
    public let events: EventProcessor
    public let jetstream: JetstreamConsumer?
    /// Failed read-backs retried, the index reconciled with the store.
    public let maintenance: WebhookMaintenance
    /// The NSIDs served, sorted.
    public let implementedMethods: [String]
    /// The address the server listens on, once it does (`port` 0 picks a free one).
    public var boundAddress: (host: String, port: Int)? { bound.address }

    private let stores: Stores
    private let httpClient: HTTPClient
    private let destinations: DestinationGuard
    private let bound: BoundAddress
    private let configuration: Configuration

    /// Builds the server: loads the webhooks the store knows, registers every method the catalog defines and
    /// Sigil implements. Nothing listens yet. On a failure, what was opened is closed (the stores too).
    public static func build(
        configuration: Configuration, stores: Stores, keys: MasterKeyRing, catalog: LexiconCatalog,
        metrics: PrometheusCollectorRegistry, logger: Logger, tuning: Tuning = Tuning()
    ) async throws -> SigilServer {
        let secrets: SecretService
        do {
            secrets = try await SecretService.open(store: stores.secrets, keys: keys, maxPerOwner: configuration.maxSecrets, clock: tuning.clock)
        } catch {
            await stores.close()
            throw error
        }
        var pinned = tuning.trustedDocuments
        if configuration.dev {
            let identity: DevelopmentIdentity
            do {
                identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: configuration.dataDirectory)
            } catch {
                await stores.close()
                throw error
            }
            pinned[identity.did] = identity.document
            logger.warning(
                "DEVELOPMENT MODE: trusting the local development identity \(identity.did) from \(DevelopmentIdentity.path(dataDirectory: configuration.dataDirectory)). Never run --dev in production."
            )
        }
        if configuration.insecureLoopback {
            logger.warning("INSECURE LOOPBACK: http and loopback addresses are allowed for outbound calls. Development and tests only.")
        }
        var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: .seconds(5)))
        // Room for every admitted first-time resolution and for known accounts' refreshes besides.
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.resolverConcurrency + 8
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let destinations = DestinationGuard(insecureLoopback: configuration.insecureLoopback)
        let resources = (stores, httpClient, destinations)
        do {
            return try await build(
                configuration: configuration, resources: resources, secrets: secrets, pinned: pinned, catalog: catalog,
                metrics: metrics, logger: logger, tuning: tuning)
        } catch {
            await Self.close(resources)
            throw error
        }
    }

    private static func build(
        configuration: Configuration, resources: (Stores, HTTPClient, DestinationGuard), secrets: SecretService,
        pinned: [String: DIDDocument], catalog: LexiconCatalog, metrics: PrometheusCollectorRegistry,
        logger: Logger, tuning: Tuning
    ) async throws -> SigilServer {
        let (stores, httpClient, destinations) = resources
        let fetcher = HTTPDIDFetcher(client: httpClient, plcURL: configuration.plcURL, destinations: destinations)
        let admission = FairAdmission(capacity: configuration.resolverConcurrency)
        let resolver = DIDResolver(fetcher: fetcher, ttl: tuning.didCacheTTL ?? .seconds(600), pinned: pinned, admission: admission)
        let verifier = ServiceJWTVerifier(
            policy: .init(
                serviceDID: configuration.serviceDID, serviceID: configuration.serviceID,
                acceptBareDID: configuration.acceptBareDID, maxAge: Int64(configuration.maxTokenAge)),
            resolver: resolver, nonces: stores.nonces)

        // Ed25519 signing keys (v1a) live in the same backend, under the same master key; the scheduler rotates them.
        let signingKeys = secrets.signingKeyService(store: stores.signingKeys, maxPerOwner: configuration.maxSecrets)
        // Audit events are kept as long as the longest-kept deliveries.
        let keepDays = max(configuration.keepDeliveredDays, configuration.keepDeadDays, configuration.keepCancelledDays)
        var services: [any Service] = [
            SigningKeyScheduler(keys: signingKeys, logger: logger),
            SecretHousekeeping(secrets: secrets, auditRetention: .seconds(Int64(keepDays) * 86_400), logger: logger),
        ]
        let index = WebhookIndex()
        let registry = WebhookRegistry(
            index: index, store: stores.deliveries, catalog: catalog,
            fetcher: PDSRecordFetcher(resolver: resolver, destinations: destinations), logger: logger,
            autoDisableAfter: tuning.pauseFailingAfter ?? .seconds(Int64(configuration.pauseFailingAfterHours) * 3600),
            readbackRetry: tuning.readbackRetry)
        try await registry.load()
        var workerConfiguration = DeliveryWorker.Configuration()
        workerConfiguration.retention = [
            .delivered: .seconds(Int64(configuration.keepDeliveredDays) * 86_400),
            .dead: .seconds(Int64(configuration.keepDeadDays) * 86_400),
            .cancelled: .seconds(Int64(configuration.keepCancelledDays) * 86_400),
        ]
        let budget = QueueBudget(bytesPerAccount: configuration.maxQueuedBytesPerAccount)
        workerConfiguration.budget = budget
        tuning.deliveryWorker(&workerConfiguration)
        let worker = DeliveryWorker(
            store: stores.deliveries, log: stores.deliveryLog, secrets: secrets, signingKeys: signingKeys,
            webhooks: registry, destinations: destinations, configuration: workerConfiguration, logger: logger)
        services.append(worker)
        let events = EventProcessor(registry: registry, store: stores.deliveries, budget: budget)
        let maintenance = WebhookMaintenance(
            refresher: events.refresher, registry: registry, interval: tuning.maintenanceInterval, reconcileEvery: tuning.reconcileEvery,
            logger: logger)
        services.append(maintenance)
        let jetstream = configuration.jetstreamURL.map { url in
            JetstreamConsumer(url: url, sink: events, logger: logger, onEnqueue: { worker.nudge() })
        }
        if let jetstream, let url = configuration.jetstreamURL {
            services.append(jetstream)
            logger.notice("watching \(url) for webhooks (\(index.count) active)")
        } else {
            logger.notice("no --jetstream-url: deliveries from the network are off (\(index.count) webhooks known; queued deliveries are still sent)")
        }

        let methods = try MethodRegistration.register(
            catalog: catalog, secrets: secrets, signingKeys: signingKeys,
            webhooks: SigilWebhooksHandler(
                log: stores.deliveryLog, store: stores.deliveries, registry: registry, worker: worker,
                maxPendingPerWebhook: events.maxPendingPerWebhook),
            logger: logger)
        let limiter = PerDIDRateLimiter(limit: configuration.rateLimit, methods: MethodPolicy.rateLimited, clock: tuning.clock)
        let service = XRPCService(
            methods: methods,
            configuration: XRPCConfiguration(
                maxBodyBytes: configuration.maxBodyBytes, version: configuration.version,
                bodyDeadline: .seconds(configuration.bodyTimeout), trustedProxies: Set(configuration.trustedProxies)),
            authenticator: ServiceAuthenticator(verifier: verifier, secrets: secrets, tokenMethods: MethodPolicy.methods(taking: .secretToken)),
            rateLimiter: limiter)
        let router = SigilApplication.router(service: service, registry: metrics)
        let bound = BoundAddress()
        if configuration.serviceDID.hasPrefix("did:web:") {
            SigilApplication.addDIDDocument(to: router, serviceDID: configuration.serviceDID, serviceID: configuration.serviceID) {
                configuration.publicURL ?? "http://\(configuration.host):\(bound.address?.port ?? configuration.port)"
            }
        }
        let application = SigilApplication.build(
            router: router, host: configuration.host, port: configuration.port, services: services,
            idleTimeout: .seconds(Int64(configuration.idleTimeout)), logger: logger
        ) { host, port in
            bound.set(host: host, port: port)
        }
        if !catalog.warnings.isEmpty {
            let unresolved = catalog.unresolvedReferences.count
            logger.warning(
                "the lexicons loaded with \(catalog.warnings.count) warnings (\(unresolved) unresolved references; validation that reaches one fails); see sigil lexicon check"
            )
            // Each one, so a misspelt constraint (ignored, hence not enforced) is seen at start.
            for warning in catalog.warnings.prefix(20) { logger.warning("lexicon: \(warning.description)") }
        }
        logger.notice(
            "serving \(catalog.documents.count) lexicons as \(configuration.serviceDID)#\(configuration.serviceID); implemented: \(methods.implemented.joined(separator: ", "))"
        )
        return SigilServer(
            application: application, secrets: secrets, signingKeys: signingKeys, webhooks: registry, worker: worker,
            events: events, jetstream: jetstream, maintenance: maintenance, implementedMethods: methods.implemented, stores: stores,
            httpClient: httpClient, destinations: destinations, bound: bound, configuration: configuration)
    }

    private init(
        application: Application<RouterResponder<SigilRequestContext>>, secrets: SecretService, signingKeys: SigningKeyService,
        webhooks: WebhookRegistry, worker: DeliveryWorker, events: EventProcessor, jetstream: JetstreamConsumer?,
        maintenance: WebhookMaintenance, implementedMethods: [String], stores: Stores, httpClient: HTTPClient,
        destinations: DestinationGuard, bound: BoundAddress, configuration: Configuration
    ) {
        self.application = application
        self.secrets = secrets
        self.signingKeys = signingKeys
        self.webhooks = webhooks
        self.worker = worker
        self.events = events
        self.jetstream = jetstream
        self.maintenance = maintenance
        self.implementedMethods = implementedMethods
        self.stores = stores
        self.httpClient = httpClient
        self.destinations = destinations
        self.bound = bound
        self.configuration = configuration
    }

    /// Why the server stopped.
    public enum RunError: Error, CustomStringConvertible {
        /// Another process listens on the address.
        case addressInUse(host: String, port: Int)
        case failed(any Error)

        public var description: String {
            switch self {
            case .addressInUse(let host, let port): "cannot listen on \(host):\(port): the port is already in use"
            case .failed(let error): "server stopped: \(error)"
            }
        }
    }

    /// Runs until SIGTERM or SIGINT (in-flight requests finish), then closes what the server opened. Throws
    /// ``RunError``.
    public func run() async throws(RunError) {
        do {
            try await application.runService()
        } catch {
            await close()
            if let io = error as? IOError, io.errnoCode == EADDRINUSE {
                throw .addressInUse(host: configuration.host, port: configuration.port)
            }
            throw .failed(error)
        }
        await close()
    }

    /// Closes the destination guard, the HTTP client and the stores (after the application stopped).
    public func close() async {
        await Self.close((stores, httpClient, destinations))
    }

    private static func close(_ resources: (Stores, HTTPClient, DestinationGuard)) async {
        let (stores, httpClient, destinations) = resources
        await destinations.shutdown()
        await stores.close()
        try? await httpClient.shutdown()
    }
}

/// Where the server listens, once it does.
final class BoundAddress: Sendable {
    private let value = NIOLockedValueBox<(host: String, port: Int)?>(nil)
    var address: (host: String, port: Int)? { value.withLockedValue { $0 } }
    func set(host: String, port: Int) { value.withLockedValue { $0 = (host, port) } }
}
