import Hummingbird
import Logging
import Prometheus
import XRPC

/// Assembles the HTTP application: CORS, XRPC routes, `/metrics`.
enum SigilApplication {
    static func router(service: XRPCService, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: XRPCService.corsMiddleware())
        service.addRoutes(to: router)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }

    static func build(service: XRPCService, registry: PrometheusCollectorRegistry,
                      configuration: ServeConfiguration, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router(service: service, registry: registry),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sigil"),
            onServerRunning: { channel in
                let address = channel.localAddress
                logger.notice("listening on http://\(address?.ipAddress ?? configuration.host):\(address?.port ?? configuration.port)")
            },
            logger: logger
        )
    }
}
