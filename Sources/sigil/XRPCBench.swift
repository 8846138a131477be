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

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let catalog = try LexiconCatalog(sources: [LexiconSource(name: "bench", bytes: Array(Self.lexicon.utf8))])
        var methods = XRPCMethodTable(catalog: catalog)
        try methods.register("dev.sigil.bench.echo", auth: .optional) { call in
            let input = call.input!.json!
            return .json(["name": input["name"]!, "note": input["note"]!, "at": "2026-11-23T10:20:30.123Z"])
        }
        let service = XRPCService(methods: methods, configuration: XRPCConfiguration(version: Sigil.version))
        let router = Router()
        service.addRoutes(to: router)
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "sigil-bench"),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })

        let services = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "sigil-bench")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = portStream.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
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
            print("wrk " + arguments.joined(separator: " "))
            let wrk = Process()
            wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            wrk.arguments = ["wrk"] + arguments
            // Wait without blocking a cooperative thread: the server needs both cores' worth.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                wrk.terminationHandler = { _ in done.resume() }
                do { try wrk.run() } catch {
                    printError("cannot run wrk: \(error) (apt-get install wrk)")
                    done.resume()
                }
            }
            await services.triggerGracefulShutdown()
        }
    }
}
