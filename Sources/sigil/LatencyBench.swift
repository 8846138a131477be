import NetworkPolicy
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Identity
import Lexicon
import Logging
import Secrets
import ServiceLifecycle
import Webhooks
import SQLiteStore

/// `sigil bench latency`: from a network event to the receiver's 2xx, at a steady rate, through the whole
/// delivery path of `sigil serve` (match, durable enqueue with the cursor, claim, the webhook check, signing
/// under the fence, the SSRF-checked POST to a loopback receiver). The Jetstream WebSocket hop itself is not
/// included: events are handed to the processor as the consumer would.
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
        let owner = "did:plc:benchbbbbbbbbbbbbbbbbbbb"
        _ = try await secrets.create(owner: owner, name: "bench")

        let epoch = ContinuousClock.now
        let latencies = LatencySamples()
        let router = Router()
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let arrived = ContinuousClock.now - epoch
            if let sent = (try? JSONValue(parsing: Array(body.readableBytesView)))?["record"]?["sentAtNanoseconds"]?.integerValue {
                latencies.add(arrived.components.seconds * 1_000_000_000 + arrived.components.attoseconds / 1_000_000_000 - sent)
            }
            return Response(status: .noContent)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) })
        let destinations = DestinationGuard(insecureLoopback: true)
        let catalog = try LexiconLocation.bundled.catalog()
        // Never asked: the webhook is activated directly, as a read-back would.
        let unused = DIDResolver(fetcher: HTTPDIDFetcher(client: .shared, plcURL: "http://127.0.0.1:9", destinations: destinations))
        let registry = WebhookRegistry(index: WebhookIndex(), store: store, catalog: catalog,
                                       fetcher: PDSRecordFetcher(resolver: unused, destinations: destinations), logger: Logger(label: "bench"))
        var configuration = DeliveryWorker.Configuration()
        configuration.pollInterval = .milliseconds(250)
        let worker = DeliveryWorker(store: store, secrets: secrets, webhooks: registry, destinations: destinations,
                                    configuration: configuration, logger: Logger(label: "bench"))
        let processor = EventProcessor(registry: registry, store: store)
        let group = ServiceGroup(configuration: .init(services: [receiver], logger: Logger(label: "bench")))
        let total = rate * seconds
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let record: JSONValue = ["$type": "place.wisp.v2.wh", "url": .string("http://127.0.0.1:\(port)/hook"),
                                     "scope": ["aturi": .string("at://\(owner)/app.bsky.feed.post")], "secretId": "bench",
                                     "createdAt": "2026-12-01T10:00:00.000Z"]
            try await registry.activate(owner: owner, rkey: "bench", record: record, now: 0, logger: Logger(label: "bench"))
            tasks.addTask { try await worker.run() }
            print("sending \(total) events at \(rate)/s to one webhook (signed with a managed secret) at http://127.0.0.1:\(port)/hook")

            let interval = Duration.nanoseconds(1_000_000_000 / Int64(rate))
            let start = ContinuousClock.now
            for i in 0..<total {
                let scheduled = start + interval * i
                try await Task.sleep(until: scheduled, clock: .continuous)
                // From when the event was due: a loop that falls behind counts its backlog as latency.
                let sent = scheduled - epoch
                let event: JSONValue = ["did": .string(owner), "time_us": .integer(Int64(Date().timeIntervalSince1970 * 1_000_000)), "kind": "commit",
                                        "commit": ["rev": .string("3l\(i)"), "operation": "create", "collection": "app.bsky.feed.post",
                                                   "rkey": .string("r\(i)"), "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                                                   "record": ["text": "hello", "sentAtNanoseconds": .integer(sent.components.seconds * 1_000_000_000 + sent.components.attoseconds / 1_000_000_000)]]]
                try await processor.process(event)
                worker.nudge()
            }
            let sending = (ContinuousClock.now - start) / .seconds(1)
            let deadline = ContinuousClock.now + .seconds(60)
            while latencies.count < total, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let sorted = latencies.sorted
            func percentile(_ p: Double) -> String {
                guard !sorted.isEmpty else { return "-" }
                let value = sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
                return String(format: "%.1f ms", Double(value) / 1_000_000)
            }
            print(String(format: "sent %d events in %.2f s (%.0f/s); %d delivered", total, sending, Double(total) / sending, sorted.count))
            print("event → receiver 2xx: p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), max \(percentile(1.0))")
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        await destinations.shutdown()
        await store.close()
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
