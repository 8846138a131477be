import ArgumentParser
import Foundation
import Hummingbird
import Lexicon
import Logging
import ServiceLifecycle
import XRPC

/// `sigil bench xrpc`: a procedure with validated input and output and a trivial handler, loaded with wrk.
struct XRPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xrpc",
        abstract: "Serve a validated echo procedure on loopback and load it with wrk (needs wrk on PATH).",
        discussion: "Prints the wrk command and its report. Build with -c release for meaningful numbers."
    )

    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "wrk connections.") var connections = 64
    @Option(help: "Seconds to run.") var duration = 10

    /// The benchmark's lexicon: input and output both validated (record-key, datetime, length limits).
    static let lexicon = #"""
        {"lexicon": 1, "id": "dev.sigil.bench.echo", "defs": {"main": {
          "type": "procedure",
          "input": {"encoding": "application/json", "schema": {"type": "object", "required": ["name", "note"], "properties": {
            "name": {"type": "string", "format": "record-key"}, "note": {"type": "string", "maxLength": 256, "maxGraphemes": 64}}}},
          "output": {"encoding": "application/json", "schema": {"type": "object", "required": ["name", "note", "at"], "properties": {
            "name": {"type": "string", "format": "record-key"}, "note": {"type": "string"}, "at": {"type": "string", "format": "datetime"}}}}
        }}}
        """#

    static let body = #"{"name":"deploy-hook","note":"rotate me please"}"#

    @Option(help: "With --baseline: rounds of (bare route, Sigil), alternated.") var rounds = 3
    @Flag(help: "Also serve a bare Hummingbird route (reads the body, answers a constant JSON) and alternate with it.")
    var baseline = false

    /// What one wrk run measured.
    struct Result {
        let requestsPerSecond: Double
        let p50: String
        let p99: String
        let p99Milliseconds: Double
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
        let catalog = try LexiconCatalog(sources: [LexiconSource(name: "bench", bytes: Array(Self.lexicon.utf8))])
        var methods = XRPCMethodTable(catalog: catalog)
        try methods.register("dev.sigil.bench.echo", auth: .optional) { call in
            let input = call.input!.json!
            return .json(["name": input["name"]!, "note": input["note"]!, "at": "2026-11-23T10:20:30.123Z"])
        }
        let service = XRPCService(methods: methods, configuration: XRPCConfiguration(version: Sigil.version))
        let sigil = Router()
        service.addRoutes(to: sigil)
        guard baseline else {
            let result = try await measure(sigil, echo: true)
            print(String(format: "sigil: %.0f requests/s, p50 %@, p99 %@", result.requestsPerSecond, result.p50, result.p99))
            return
        }
        // The same framework, the same wrk: a route that reads the body and answers a constant.
        let bare = Router()
        let constant = ByteBuffer(string: #"{"name":"deploy-hook","note":"rotate me please","at":"2026-11-23T10:20:30.123Z"}"#)
        bare.post("/xrpc/dev.sigil.bench.echo") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: constant))
        }
        try await alternatedRounds(
            rounds, baseline: "bare route", this: "sigil", unit: "requests/s",
            baseline: { echo in try await measure(bare, echo: echo) }, this: { echo in try await measure(sigil, echo: echo) })
    }

    /// Serves `router` on a loopback port, runs wrk against the echo procedure, stops; what wrk measured.
    func measure(_ router: Router<BasicRequestContext>, echo: Bool) async throws -> Result {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "sigil-bench"),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })
        let services = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "sigil-bench")))
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var iterator = portStream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ValidationError("the server did not start") }
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-\(getpid()).lua")
            try """
            wrk.method = "POST"
            wrk.body = '\(Self.body)'
            wrk.headers["Content-Type"] = "application/json"
            """.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let arguments = [
                "-t\(threads)", "-c\(connections)", "-d\(duration)s", "--latency", "-s", script.path,
                "http://127.0.0.1:\(port)/xrpc/dev.sigil.bench.echo",
            ]
            if echo { print("wrk " + arguments.joined(separator: " ")) }
            let wrk = Process()
            wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            wrk.arguments = ["wrk"] + arguments
            let output = Pipe()
            wrk.standardOutput = output
            // Wait without blocking a cooperative thread: the server needs both cores' worth.
            let text: String = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
                Thread.detachNewThread {
                    do {
                        try wrk.run()
                    } catch {
                        done.resume(returning: "cannot run wrk: \(error) (apt-get install wrk)")
                        return
                    }
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    wrk.waitUntilExit()
                    done.resume(returning: String(decoding: data, as: UTF8.self))
                }
            }
            await services.triggerGracefulShutdown()
            guard let result = Self.parse(text) else { throw ValidationError("wrk did not report: \(text)") }
            return result
        }
    }

    /// Requests/sec and the 50th and 99th percentiles from wrk's `--latency` report.
    static func parse(_ text: String) -> Result? {
        var rate: Double?
        var percentiles: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Requests/sec:", fields.count > 1 { rate = Double(fields[1]) }
            if fields.count == 2, ["50%", "99%"].contains(String(fields[0])) { percentiles[String(fields[0])] = String(fields[1]) }
        }
        guard let rate, let p50 = percentiles["50%"], let p99 = percentiles["99%"] else { return nil }
        return Result(requestsPerSecond: rate, p50: p50, p99: p99, p99Milliseconds: milliseconds(p99))
    }

    static func milliseconds(_ text: String) -> Double {
        if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? 0 }
        if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? 0) / 1_000 }
        if text.hasSuffix("s") { return (Double(text.dropLast(1)) ?? 0) * 1_000 }
        return 0
    }
}
