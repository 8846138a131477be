import Logging
import ServiceLifecycle

/// Writes the observatory's counts and cursor every `interval`, and once more when the service stops.
public struct ObservatoryFlusher: Service {
    public let observatory: Observatory
    public let interval: Duration
    public let logger: Logger

    public init(observatory: Observatory, interval: Duration = .seconds(1), logger: Logger) {
        self.observatory = observatory
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    try await observatory.flush()
                } catch {
                    logger.error("cannot write the observatory's state", metadata: ["error": .string("\(error)")])
                }
            }
        }
        try await observatory.flush()
    }
}
