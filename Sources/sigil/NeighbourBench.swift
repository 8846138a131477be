import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Lexicon
import Logging
import Prometheus
import SQLiteStore
import Secrets
import SigilService
import Webhooks

#if canImport(Glibc)
    import Glibc
#endif

/// `sigil bench neighbour`: a quiet account's event-to-2xx latency, first alone and then next to a noisy account
/// whose webhook hosts accept connections and never answer, through the delivery path `sigil serve` assembles
/// (``SigilServer``: registry, fair worker, host breakers, Jetstream consumer) on SQLite. The first phase is the
/// baseline of the second, measured in the same run.
struct NeighbourBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbour",
        abstract: "A quiet account's delivery latency alone, then beside an account whose webhook hosts hang (SQLite, loopback).",
        discussion: """
            The noisy account points one webhook at each of --noisy-hosts loopback hosts (127.0.0.2 and up) that accept \
            TCP connections and never answer, and writes --noisy-rate records per second; the quiet account's one webhook \
            goes to a fast loopback receiver and it writes --quiet-rate records per second. Each phase lasts --seconds.
            """
    )

    @Option(help: "Hosts (127.0.0.2 and up) the noisy account's webhooks point at; each accepts connections and never answers.")
    var noisyHosts = 16
    @Option(help: "The noisy account's records per second (each is delivered to every one of its webhooks).")
    var noisyRate = 10
    @Option(help: "The quiet account's records per second.")
    var quietRate = 2
    @Option(help: "Seconds each phase sends for.")
    var seconds = 25

    func validate() throws {
        guard (1...200).contains(noisyHosts) else { throw ValidationError("--noisy-hosts must be 1 to 200") }
        guard (1...1_000).contains(noisyRate) else { throw ValidationError("--noisy-rate must be 1 to 1000") }
        guard (1...1_000).contains(quietRate) else { throw ValidationError("--quiet-rate must be 1 to 1000") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1 to 600") }
    }

    static let noisy = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"  // sorts before the quiet account
    static let quiet = "did:plc:vvvvvvvvvvvvvvvvvvvvvvvv"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-neighbour-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hosts = try (0..<noisyHosts).map { try SilentListener(address: "127.0.0.\($0 + 2)") }

        let schedule = NeighbourSchedule(seconds: seconds, quietRate: quietRate, noisyRate: noisyRate)
        let samples = PhaseSamples()
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let arrived = ContinuousClock.now
            if let record = (try? JSONValue(parsing: Array(body.readableBytesView)))?["record"],
                let index = record["index"]?.integerValue, let phase = record["phase"]?.integerValue
            {
                samples.add(phase: Int(phase), index: Int(index), arrived: arrived, schedule: schedule)
            }
            return Response(status: .noContent)
        }
        router.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { _, outbound, _ in
            schedule.begin()
            while let event = schedule.next() {
                try await Task.sleep(until: event.due, clock: .continuous)
                try await outbound.write(.text(event.json()))
            }
            try await Task.sleep(for: .seconds(3600))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quietLogger = Logger(label: "bench-network")
        quietLogger.logLevel = .critical  // its own cancellation at the end is no error
        let network = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: quietLogger)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await network.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            var configuration = SigilServer.Configuration()
            configuration.dataDirectory = directory
            configuration.insecureLoopback = true
            configuration.jetstreamURL = "ws://127.0.0.1:\(port)/subscribe"
            configuration.plcURL = "http://127.0.0.1:9"  // never asked: the webhooks are activated directly, as a read-back would
            configuration.logLevel = .error
            let stores = try await SQLiteSecretStore.open(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
            let server = try await SigilServer.build(
                configuration: configuration, stores: stores, keys: MasterKeyRing(current: .generate()),
                catalog: try LexiconLocation.bundled.catalog(), metrics: PrometheusCollectorRegistry(), logger: Logger(label: "bench"))
            let logger = Logger(label: "bench")
            for (owner, urls) in [
                (Self.noisy, hosts.map { "http://\($0.address):\($0.port)/hook" }), (Self.quiet, ["http://127.0.0.1:\(port)/hook"]),
            ] {
                _ = try await server.secrets.create(owner: owner, name: "bench")
                for (i, url) in urls.enumerated() {
                    let record: JSONValue = [
                        "$type": "place.wisp.v2.wh", "url": .string(url), "scope": ["aturi": .string("at://\(owner)/app.bsky.feed.post")],
                        "secretId": "bench", "createdAt": "2026-12-01T10:00:00.000Z",
                    ]
                    try await server.webhooks.activate(owner: owner, rkey: "w\(i)", record: record, now: 0, logger: logger)
                }
            }
            print(
                """
                phase 1 (alone): the quiet account writes \(quietRate)/s for \(seconds) s, one webhook to a loopback receiver
                phase 2 (beside): the same, while the noisy account writes \(noisyRate)/s to \(noisyHosts) webhooks at hosts that never answer \
                (\(noisyRate * noisyHosts) deliveries/s)
                """)
            guard let jetstream = server.jetstream else { throw ValidationError("the server has no Jetstream consumer") }
            tasks.addTask { try await server.worker.run() }
            tasks.addTask { try await jetstream.run() }
            tasks.addTask { try await server.maintenance.run() }

            let expected = schedule.quietCount
            let deadline = ContinuousClock.now + .seconds(Int64(2 * seconds) + 90)
            while samples.count(phase: 1) < expected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let counts = try await stores.deliveries.deliveryCounts()
            for phase in 0...1 {
                let sorted = samples.sorted(phase: phase)
                func percentile(_ p: Double) -> String {
                    guard !sorted.isEmpty else { return "-" }
                    let value = sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
                    return String(format: "%.1f ms", Double(value / .microseconds(1)) / 1_000)
                }
                print(
                    "\(phase == 0 ? "alone " : "beside"): \(sorted.count)/\(expected) of the quiet account's deliveries; "
                        + "event → 2xx p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), max \(percentile(1.0))")
            }
            let states = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            print("the queue when the quiet account's last delivery arrived: \(states) (the noisy account's wait for hosts that never answer)")
            print("stopping: attempts in flight end at their deadline")
            tasks.cancelAll()
            try? await tasks.waitForAll()
            await server.close()
        }
        withExtendedLifetime(hosts) {}
    }
}

/// The bench's events, in the order they are due: the quiet account's in both phases, the noisy account's in the
/// second. Times count from the Jetstream subscriber's connection.
final class NeighbourSchedule: @unchecked Sendable {
    struct Event {
        let due: ContinuousClock.Instant
        let owner: String
        let phase: Int
        let index: Int
        let timeMicroseconds: Int64

        func json() -> String {
            let event: JSONValue = [
                "did": .string(owner), "time_us": .integer(timeMicroseconds), "kind": "commit",
                "commit": [
                    "rev": .string("3l\(timeMicroseconds)"), "operation": "create", "collection": "app.bsky.feed.post",
                    "rkey": .string("p\(phase)i\(index)"), "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                    "record": ["text": "hello", "phase": .integer(Int64(phase)), "index": .integer(Int64(index))],
                ],
            ]
            return String(decoding: event.serialized(), as: UTF8.self)
        }
    }

    private let lock = NSLock()
    private let offsets: [(offset: Duration, owner: String, phase: Int, index: Int)]
    private var started: ContinuousClock.Instant?
    private var nextIndex = 0
    private var quietDue: [Int: ContinuousClock.Instant] = [:]
    /// The quiet account's events per phase.
    let quietCount: Int

    init(seconds: Int, quietRate: Int, noisyRate: Int) {
        quietCount = quietRate * seconds
        let second: Duration = .seconds(Int64(seconds) + 2)
        var offsets: [(offset: Duration, owner: String, phase: Int, index: Int)] = []
        for phase in 0...1 {
            let start = phase == 0 ? Duration.zero : second
            offsets += (0..<quietCount).map { (start + .seconds(1) * $0 / quietRate, NeighbourBench.quiet, phase, $0) }
        }
        offsets += (0..<(noisyRate * seconds)).map { (second + .seconds(1) * $0 / noisyRate, NeighbourBench.noisy, 1, $0) }
        self.offsets = offsets.sorted { $0.offset < $1.offset }
    }

    /// Starts the schedule at the first subscriber's connection, once.
    func begin() { lock.withLock { if started == nil { started = .now } } }

    /// When the quiet account's event `index` of `phase` went out (nil before).
    func due(phase: Int, index: Int) -> ContinuousClock.Instant? { lock.withLock { quietDue[phase * 1_000_000 + index] } }

    /// The next event; nil when all were handed out.
    func next() -> Event? {
        lock.withLock {
            guard nextIndex < offsets.count, let started else { return nil }
            defer { nextIndex += 1 }
            let entry = offsets[nextIndex]
            if entry.owner == NeighbourBench.quiet { quietDue[entry.phase * 1_000_000 + entry.index] = started + entry.offset }
            return Event(
                due: started + entry.offset, owner: entry.owner, phase: entry.phase, index: entry.index,
                timeMicroseconds: 1_000_000 + Int64(nextIndex))
        }
    }
}

/// The quiet account's latencies per phase, each delivery counted once (a retry of one already seen is not).
final class PhaseSamples: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Set<Int>] = [[], []]
    private var latencies: [[Duration]] = [[], []]

    func add(phase: Int, index: Int, arrived: ContinuousClock.Instant, schedule: NeighbourSchedule) {
        guard (0...1).contains(phase), let due = schedule.due(phase: phase, index: index) else { return }
        lock.withLock {
            guard seen[phase].insert(index).inserted else { return }
            latencies[phase].append(arrived - due)
        }
    }

    func count(phase: Int) -> Int { lock.withLock { latencies[phase].count } }
    func sorted(phase: Int) -> [Duration] { lock.withLock { latencies[phase].sorted() } }
}

/// A loopback host that accepts TCP connections and never answers: a listening socket nobody accepts from (the
/// kernel completes the handshakes; the requests sit unread).
final class SilentListener: @unchecked Sendable {
    let address: String
    let port: Int
    private let descriptor: Int32

    init(address: String) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 4096) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw ValidationError("cannot listen on \(address)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.address = address
        self.port = Int(UInt16(bigEndian: socketAddress.sin_port))
    }

    deinit { close(descriptor) }
}
