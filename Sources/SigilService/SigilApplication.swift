import Hummingbird
import Identity
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import XRPC

/// Assembles the HTTP application: CORS, XRPC routes, `/metrics`, and `/.well-known/did.json` for a
/// `did:web` service identity.
public enum SigilApplication {
    public static func router(service: XRPCService, registry: PrometheusCollectorRegistry) -> Router<SigilRequestContext> {
        let router = Router(context: SigilRequestContext.self)
        router.add(middleware: service.corsMiddleware())
        service.addRoutes(to: router)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }

    /// A connection that sends nothing for this long is closed: a request head that trickles in (slowloris)
    /// must be complete within it, a request body that stops arriving is cut off after it, and a kept-alive
    /// connection idles at most this long. A body that trickles is cut off by ``XRPCConfiguration/bodyDeadline``
    /// with `408`.
    public static let idleTimeout: TimeAmount = .seconds(30)

    /// The application on `host:port`; `onBound` learns the address it listens on (the port, when `port` is 0).
    public static func build(
        router: Router<SigilRequestContext>, host: String, port: Int, services: [any Service] = [],
        idleTimeout: TimeAmount = Self.idleTimeout, logger: Logger,
        onBound: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    )
        -> Application<RouterResponder<SigilRequestContext>>
    {
        Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(host, port: port), serverName: "sigil"),
            services: services,
            onServerRunning: { channel in
                let address = channel.localAddress
                onBound(address?.ipAddress ?? host, address?.port ?? port)
                logger.notice("listening on http://\(address?.ipAddress ?? host):\(address?.port ?? port)")
            },
            logger: logger
        )
    }

    /// Serves this service's DID document at `/.well-known/did.json` (for a `did:web` service DID), with the
    /// service entry a PDS needs to proxy `atproto-proxy: DID#serviceID` here.
    /// `endpoint` is read when the document is asked for (the bound port is known only once the server listens).
    public static func addDIDDocument(
        to router: Router<SigilRequestContext>, serviceDID: String, serviceID: String,
        endpoint: @escaping @Sendable () -> String
    ) {
        router.get("/.well-known/did.json") { _, _ in
            let document = DIDDocument.json(
                id: serviceDID, atprotoKey: nil,
                services: [(id: serviceID, type: "SigilXrpcService", endpoint: endpoint())]
            ).serialized()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}

/// Hummingbird's basic request context plus the peer's address (for ``ClientAddress``).
public struct SigilRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer; nil in router tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
