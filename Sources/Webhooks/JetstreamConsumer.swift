import Foundation
import HummingbirdWSClient
import Lexicon
import Logging
import Secrets
import ServiceLifecycle

/// Reads a Jetstream (JSON over WebSocket) from the stored cursor, hands every message to the
/// ``EventProcessor`` in order, and reconnects with exponential backoff. The cursor is only advanced once an
/// event's deliveries are durably queued, so a restart resumes without gaps (replays are deduplicated).
public final class JetstreamConsumer: Service, @unchecked Sendable {
    let url: String
    let processor: EventProcessor
    let store: any DeliveryStore
    let logger: Logger
    let onEnqueue: @Sendable () -> Void
    /// Events re-read before the stored cursor on reconnect (Jetstream advises a small rewind).
    static let rewindMicroseconds: Int64 = 2_000_000
    /// Largest message accepted.
    static let maxMessageBytes = 2 << 20

    public init(url: String, processor: EventProcessor, store: any DeliveryStore, logger: Logger, onEnqueue: @escaping @Sendable () -> Void = {}) {
        self.url = url
        self.processor = processor
        self.store = store
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
        if let cursor = try await store.cursor(EventProcessor.cursorName) {
            let from = max(0, cursor - Self.rewindMicroseconds)
            target += (target.contains("?") ? "&" : "?") + "cursor=\(from)"
        }
        logger.info("connecting to jetstream", metadata: ["url": .string(target)])
        let processor = self.processor
        let onEnqueue = self.onEnqueue
        let logger = self.logger
        try await WebSocketClient.connect(url: target, logger: logger) { inbound, _, _ in
            for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                let bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                guard let value = try? JSONValue(parsing: bytes) else {
                    logger.debug("skipping a message that is not JSON")
                    continue
                }
                // A store failure ends the connection without moving past this event; it is read again.
                try await processor.process(value)
                onEnqueue()
            }
        }
    }
}
