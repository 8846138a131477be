import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Jetstream
import Lexicon
import Logging
import NIOConcurrencyHelpers
import Observatory
import ServiceLifecycle

/// `sigil bench observe`: events per second one observatory process sustains from a replaying loopback Jetstream,
/// with 1,000 collections' lexicons loaded, next to the raw consumption rate of the same stream in the same run.
struct ObserveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observe",
        abstract: "Observatory throughput beside raw Jetstream consumption, and its peak memory.",
        discussion: """
            A loopback Jetstream replays --events commit events (records of --collections collections, one in ten \
            invalid) as fast as the reader takes them. First the raw rate: the consumer reading and parsing every \
            event into a sink that only counts. Then the observatory: every record validated against its \
            collection's lexicon (drafts given locally, as --lexicons does: no network), counted by hour, violations \
            kept, state flushed to SQLite every second. Prints both rates, the ratio, and the process's peak RSS.
            """
    )

    @Option(help: "Events replayed per phase.") var events = 300_000
    @Option(help: "Collections (each with its own lexicon).") var collections = 1_000
    @Option(help: "Rounds of (raw, observatory), alternated.") var rounds = 2
    @Flag(help: .hidden) var replayServer = false

    func run() async throws {
        guard (1_000...10_000_000).contains(events), (1...100_000).contains(collections), (1...10).contains(rounds) else {
            throw ValidationError("--events 1000…10000000, --collections 1…100000, --rounds 1…10")
        }
        if replayServer {
            // The child: serve the replay, print the port, run until killed.
            try await ReplayingJetstream(messages: Self.messages(events: events, collections: collections)).serve { port in
                FileHandle.standardOutput.write(Data("\(port)\n".utf8))
                try await Task.sleep(for: .seconds(86_400))
            }
            return
        }
        let drafts = (0..<collections).map { index -> LexiconSource in
            let nsid = Self.nsid(index)
            let schema: JSONValue = [
                "lexicon": 1, "id": .string(nsid),
                "defs": [
                    "main": [
                        "type": "record", "key": "tid",
                        "record": [
                            "type": "object", "required": ["text", "createdAt"],
                            "properties": [
                                "text": ["type": "string", "maxLength": 3_000, "maxGraphemes": 300],
                                "createdAt": ["type": "string", "format": "datetime"],
                                "langs": ["type": "array", "maxLength": 3, "items": ["type": "string", "format": "language"]],
                            ],
                        ],
                    ]
                ],
            ]
            return LexiconSource(name: nsid, bytes: schema.serialized(), expectedID: nsid)
        }
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        // The stand-in Jetstream runs in a child process, so this process's memory is the reader's alone.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["bench", "observe", "--replay-server", "--events", "\(events)", "--collections", "\(collections)"]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer {
            child.terminate()
            child.waitUntilExit()
        }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { throw ValidationError("the replaying Jetstream did not start") }
            portText += String(decoding: byte, as: UTF8.self)
        }
        guard let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("the replaying Jetstream sent no port")
        }
        do {
            print("replaying \(events) events of \(collections) collections over a loopback WebSocket (port \(port), another process)")
            for round in 1...rounds {
                let raw = try await Self.measure(port: port, total: events, logger: logger) { CountingSink(inner: nil) }
                let data = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-observe-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: data) }
                let observatory = try await Observatory(
                    store: try ObservatoryStore(path: data + "/observatory.sqlite"), lexicons: ObservatoryLexicons(local: drafts, resolver: nil))
                let observed = try await Self.measure(port: port, total: events, logger: logger, flushing: observatory) {
                    CountingSink(inner: observatory)
                }
                await observatory.settle()
                try await observatory.flush()
                var total = Tally()
                for collection in observatory.snapshot() { total += collection.total }
                print(
                    String(
                        format:
                            "round %d: raw %.0f events/s; observatory %.0f events/s (%.2f× raw); %d records: %d valid, %d invalid, %d unresolvable",
                        round, raw, observed, observed / raw, total.seen, total.valid, total.invalid, total.unresolvable))
            }
        }
        print("peak memory of this process, the reader and the observatory (VmHWM): \(Self.peakMemory())")
    }

    static func nsid(_ index: Int) -> String { "org.bench.c\(index).record" }

    /// Jetstream commit events: collection i % collections; every tenth record breaks its schema.
    static func messages(events: Int, collections: Int) -> [String] {
        (0..<events).map { index in
            let nsid = nsid(index % collections)
            var record: JSONValue = [
                "$type": .string(nsid), "text": .string("post number \(index) with a few words in it"), "createdAt": "2026-12-07T01:02:03.456Z",
                "langs": ["en"],
            ]
            if index % 10 == 9, case .object(var fields) = record {
                fields["createdAt"] = "yesterday"
                record = .object(fields)
            }
            let event: JSONValue = [
                "did": "did:plc:benchwriteraaaaaaaaaaaa", "time_us": .integer(1_765_000_000_000_000 + Int64(index)), "kind": "commit",
                "commit": [
                    "rev": "3lbench", "operation": "create", "collection": .string(nsid), "rkey": .string("3k\(index)"),
                    "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a", "record": record,
                ],
            ]
            return event.jsonString
        }
    }

    /// Runs a consumer into the sink `make` builds until it has seen `total` events; events per second.
    static func measure(
        port: Int, total: Int, logger: Logger, flushing observatory: Observatory? = nil, _ make: () -> CountingSink
    ) async throws -> Double {
        let sink = make()
        let consumer = JetstreamConsumer(url: "ws://127.0.0.1:\(port)/subscribe", sink: sink, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await consumer.run() }
            if let observatory { tasks.addTask { try await ObservatoryFlusher(observatory: observatory, logger: logger).run() } }
            while sink.count < 1 { try await Task.sleep(for: .milliseconds(1)) }
            let start = ContinuousClock.now
            let first = sink.count
            while sink.count < total { try await Task.sleep(for: .milliseconds(5)) }
            let elapsed = (ContinuousClock.now - start) / .seconds(1)
            tasks.cancelAll()
            return Double(sink.count - first) / elapsed
        }
    }

    static func peakMemory() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
    }
}

/// Counts messages, passing each to the observatory if there is one; resumes from nothing.
final class CountingSink: JetstreamSink, @unchecked Sendable {
    let inner: Observatory?
    private let counter = NIOLockedValueBox(0)

    init(inner: Observatory?) { self.inner = inner }

    var count: Int { counter.withLockedValue { $0 } }

    func cursor() async throws -> Int64? { nil }

    func process(_ value: JSONValue) async throws {
        if let inner { try await inner.process(value) }
        counter.withLockedValue { $0 += 1 }
    }

    func skip(to time: Int64) async throws {}
    func flush() async throws {}
}

/// A loopback Jetstream that sends its messages to each subscriber as fast as it reads them, then stays open.
struct ReplayingJetstream: Sendable {
    let messages: [String]

    func serve(_ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        let messages = self.messages
        router.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { _, outbound, _ in
            for message in messages { try await outbound.write(.text(message)) }
            try await Task.sleep(for: .seconds(3_600))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            try await body(port)
            tasks.cancelAll()
        }
    }
}
