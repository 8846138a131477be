import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Identity
import Jetstream
import Lexicon
import Logging
import NetworkPolicy
import SQLiteStore
import Secrets
import ServiceLifecycle
import Webhooks

/// `sigil bench latency`: from a Jetstream event to the receiver's 2xx, at a steady rate, through the whole
/// delivery path of `sigil serve`: a loopback Jetstream sends each event as a WebSocket text frame when it is
/// due; the consumer parses and matches it, enqueues it durably with the cursor; the worker claims it, checks
/// the webhook, signs under the fence and POSTs it (SSRF-checked) to a loopback receiver.
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Event-to-2xx latency of webhook deliveries (p50, p90, p99, max) at a steady event rate, SQLite queue, loopback receiver."
    )

    @Option(help: "Events per second.") var rate = 500
    @Option(help: "How many seconds to send for.") var seconds = 10

    func validate() throws {
        guard (1...20_000).contains(rate) else { throw ValidationError("--rate must be 1 to 20000") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1 to 600") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-latency-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
        try await store.migrate()
        let secrets = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
        _ = try await secrets.create(owner: Self.owner, name: "bench")

        let epoch = ContinuousClock.now
        let total = rate * seconds
        let latencies = LatencySamples()
        let ticker = EventTicker(total: total, interval: .nanoseconds(1_000_000_000 / Int64(rate)))
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let arrived = ContinuousClock.now - epoch
            if let sent = (try? JSONValue(parsing: Array(body.readableBytesView)))?["record"]?["sentAtNanoseconds"]?.integerValue {
                latencies.add(arrived.components.seconds * 1_000_000_000 + arrived.components.attoseconds / 1_000_000_000 - sent)
            }
            return Response(status: .noContent)
        }
        // The stand-in Jetstream: each event goes out when it is due (a reconnect carries on where it stopped).
        router.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { _, outbound, _ in
            ticker.begin()
            while let (i, scheduled) = ticker.next() {
                try await Task.sleep(until: scheduled, clock: .continuous)
                // From when the event was due: a sender that falls behind counts its backlog as latency.
                let sent = scheduled - epoch
                let event: JSONValue = [
                    "did": .string(Self.owner), "time_us": .integer(Int64(Date().timeIntervalSince1970 * 1_000_000)), "kind": "commit",
                    "commit": [
                        "rev": .string("3l\(i)"), "operation": "create", "collection": "app.bsky.feed.post",
                        "rkey": .string("r\(i)"), "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                        "record": [
                            "text": "hello",
                            "sentAtNanoseconds": .integer(sent.components.seconds * 1_000_000_000 + sent.components.attoseconds / 1_000_000_000),
                        ],
                    ],
                ]
                try await outbound.write(.text(String(decoding: event.serialized(), as: UTF8.self)))
            }
            // Stay connected (as Jetstream does) until the bench ends.
            try await Task.sleep(for: .seconds(3600))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let network = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) })
        let destinations = DestinationGuard(insecureLoopback: true)
        let catalog = try LexiconLocation.bundled.catalog()
        // Never asked: the webhook is activated directly, as a read-back would.
        let unused = DIDResolver(fetcher: HTTPDIDFetcher(client: .shared, plcURL: "http://127.0.0.1:9", destinations: destinations))
        let registry = WebhookRegistry(
            index: WebhookIndex(), store: store, catalog: catalog,
            fetcher: PDSRecordFetcher(resolver: unused, destinations: destinations), logger: Logger(label: "bench"))
        var configuration = DeliveryWorker.Configuration()
        configuration.pollInterval = .milliseconds(250)
        let worker = DeliveryWorker(
            store: store, log: store, secrets: secrets, signingKeys: secrets.signingKeyService(store: store), webhooks: registry,
            destinations: destinations,
            configuration: configuration, logger: Logger(label: "bench"))
        let processor = EventProcessor(registry: registry, store: store)
        let group = ServiceGroup(configuration: .init(services: [network], logger: Logger(label: "bench")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let record: JSONValue = [
                "$type": "place.wisp.v2.wh", "url": .string("http://127.0.0.1:\(port)/hook"),
                "scope": ["aturi": .string("at://\(Self.owner)/app.bsky.feed.post")], "secretId": "bench",
                "createdAt": "2026-12-01T10:00:00.000Z",
            ]
            try await registry.activate(owner: Self.owner, rkey: "bench", record: record, now: 0, logger: Logger(label: "bench"))
            tasks.addTask { try await worker.run() }
            print(
                "sending \(total) events at \(rate)/s over a loopback Jetstream WebSocket to one webhook (signed with a managed secret) at http://127.0.0.1:\(port)/hook"
            )
            let consumer = JetstreamConsumer(
                url: "ws://127.0.0.1:\(port)/subscribe", sink: processor,
                logger: Logger(label: "bench"), onEnqueue: { worker.nudge() })
            tasks.addTask { try await consumer.run() }

            let deadline = ContinuousClock.now + .seconds(Int64(seconds) + 60)
            while latencies.count < total, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let elapsed = (ContinuousClock.now - (ticker.start ?? .now)) / .seconds(1)
            let sorted = latencies.sorted
            func percentile(_ p: Double) -> String {
                guard !sorted.isEmpty else { return "-" }
                let value = sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
                return String(format: "%.1f ms", Double(value) / 1_000_000)
            }
            print(String(format: "sent %d events over %.2f s; %d delivered", total, elapsed, sorted.count))
            print("Jetstream event → receiver 2xx: p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), max \(percentile(1.0))")
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        await destinations.shutdown()
        await store.close()
    }

    static let owner = "did:plc:benchbbbbbbbbbbbbbbbbbbb"
}

/// Hands out the events of the run in order, each with the time it is due (after ``begin()``).
final class EventTicker: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let interval: Duration
    private var nextIndex = 0
    private var started: ContinuousClock.Instant?

    init(total: Int, interval: Duration) {
        self.total = total
        self.interval = interval
    }

    /// Starts the schedule at the first subscriber's connection (so connecting is not counted), once.
    func begin() { lock.withLock { if started == nil { started = .now } } }

    var start: ContinuousClock.Instant? { lock.withLock { started } }

    /// The next event's index and due time; nil when all were handed out.
    func next() -> (Int, ContinuousClock.Instant)? {
        lock.withLock {
            guard nextIndex < total, let started else { return nil }
            defer { nextIndex += 1 }
            return (nextIndex, started + interval * nextIndex)
        }
    }
}

/// Latencies in nanoseconds, appended from the receiver's handlers.
final class LatencySamples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int64] = []
    func add(_ value: Int64) { lock.withLock { values.append(value) } }
    var count: Int { lock.withLock { values.count } }
    var sorted: [Int64] { lock.withLock { values.sorted() } }
}
