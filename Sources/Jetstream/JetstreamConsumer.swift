import Foundation
import HummingbirdWSClient
import Lexicon
import Logging
import ServiceLifecycle

/// What a ``JetstreamConsumer`` feeds: the cursor to resume from, every message in order, the messages it
/// skips, and a flush when a connection ends.
public protocol JetstreamSink: Sendable {
    /// The `time_us` to resume after (nil: from now).
    func cursor() async throws -> Int64?
    /// One message (any kind). A throw ends the connection without moving past it; it is read again.
    func process(_ value: JSONValue) async throws
    /// A message too large or too broken to process, at `time` (the cursor moves past it).
    func skip(to time: Int64) async throws
    /// Makes what was processed durable (the connection ended, or the service stops).
    func flush() async throws
}

/// Reads a Jetstream (JSON over WebSocket) from the sink's cursor, hands every message to the sink in order,
/// and reconnects with exponential backoff. The sink decides when its cursor is durable (the webhook
/// processor: once an event's deliveries are queued), so a restart resumes without gaps.
public final class JetstreamConsumer: Service, @unchecked Sendable {
    let url: String
    let processor: any JetstreamSink
    let logger: Logger
    let onEnqueue: @Sendable () -> Void
    /// Events re-read before the stored cursor on reconnect (Jetstream advises a small rewind).
    static let rewindMicroseconds: Int64 = 2_000_000
    /// Largest message processed; a larger one is skipped (logged, and the cursor moves past it).
    static let maxMessageBytes = 2 << 20
    /// Largest WebSocket frame the connection reads at all (bounds memory per connection). A frame past this
    /// ends the connection; Jetstream writes one frame per event, and no atproto record comes near it.
    static let maxFrameBytes = 16 << 20
    /// How many bytes of an oversized message are kept, to find its `time_us`.
    static let keptPrefixBytes = 4096
    /// A ping this often; no pong before the next ping closes the connection (a half-open one is noticed).
    let pingInterval: Duration
    /// How long a close waits for the peer's close frame before the connection is dropped anyway.
    static let closeTimeout: Duration = .seconds(5)

    public init(
        url: String, sink: any JetstreamSink, logger: Logger, pingInterval: Duration = .seconds(20), onEnqueue: @escaping @Sendable () -> Void = {}
    ) {
        self.pingInterval = pingInterval
        self.url = url
        self.processor = sink
        self.logger = logger
        self.onEnqueue = onEnqueue
    }

    public func run() async throws {
        // On shutdown the connection is cancelled: events not yet queued are read again from the cursor.
        try? await cancelWhenGracefulShutdown {
            var backoff: Duration = .seconds(1)
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do {
                    try await self.connectOnce()
                    self.logger.notice("jetstream closed the connection")
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning("jetstream connection failed", metadata: ["error": .string("\(error)")])
                }
                try? await self.processor.flush()
                if Task.isCancelled { break }
                // A connection that lived a while resets the backoff.
                if ContinuousClock.now - started > .seconds(30) { backoff = .seconds(1) }
                let jitter = Double.random(in: 0.8...1.2)
                try await Task.sleep(for: backoff * jitter)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
        try? await processor.flush()
    }

    private func connectOnce() async throws {
        var target = url
        if let cursor = try await processor.cursor() {
            let from = max(0, min(cursor, JetstreamEvent.maxTimeMicroseconds) - Self.rewindMicroseconds)
            target += (target.contains("?") ? "&" : "?") + "cursor=\(from)"
        }
        logger.info("connecting to jetstream", metadata: ["url": .string(target)])
        let processor = self.processor
        let onEnqueue = self.onEnqueue
        let logger = self.logger
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: Self.maxFrameBytes, closeTimeout: Self.closeTimeout,
            autoPing: .enabled(timePeriod: pingInterval))
        try await WebSocketClient.connect(url: target, configuration: configuration, logger: logger) { inbound, _, _ in
            var assembler = MessageAssembler(maxBytes: Self.maxMessageBytes, keptPrefixBytes: Self.keptPrefixBytes)
            for try await frame in inbound {
                guard let message = assembler.append(frame) else { continue }
                switch JetstreamMessage(message) {
                case .value(let value):
                    // A store failure ends the connection without moving past this event; it is read again.
                    try await processor.process(value)
                    onEnqueue()
                case .skipped(let reason, let size, let time):
                    logger.warning(
                        "skipping a message \(reason)",
                        metadata: [
                            "bytes": .stringConvertible(size), "limit": .stringConvertible(Self.maxMessageBytes),
                            "time_us": .string(time.map(String.init) ?? "unknown"),
                        ])
                    if let time { try await processor.skip(to: time) }
                }
            }
        }
    }
}
