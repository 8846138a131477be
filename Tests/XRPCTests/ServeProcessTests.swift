import AsyncHTTPClient
import Foundation
import Lexicon
import NIOCore
import NIOHTTP1
import Testing

/// A `sigil serve` child process on a loopback port it picked itself.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrText = ""
    private(set) var port: Int?

    static var executable: URL {
        let next = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sigil")
        return FileManager.default.fileExists(atPath: next.path) ? next : Repo.root.appendingPathComponent(".build/debug/sigil")
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.executable
        process.arguments = ["serve"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.stderrText += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var stderr: String { lock.withLock { stderrText } }

    /// Waits for "listening on http://host:port" and returns the port.
    func waitUntilListening(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = stderr.range(of: #"listening on http://[^ ]*:(\d+)"#, options: .regularExpression) {
                let port = Int(stderr[range].split(separator: ":").last!)!
                self.port = port
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError(stderr: stderr)
    }

    /// Waits for the process to end; returns its exit status.
    func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.interrupt()
                throw ServeProcessError(stderr: "did not exit in time\n" + stderr)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let stderr: String
    var description: String { "sigil serve failed:\n\(stderr)" }
}

func fetch(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [(String, String)] = []) async throws
    -> (status: Int, headers: HTTPHeaders, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, String(buffer: bytes))
}

@Suite("sigil serve (child process)", .serialized)
struct ServeProcessTests {
    @Test func servesHealthMethodsAndMetricsThenStopsOnSIGTERM() async throws {
        let server = try ServeProcess(["--port", "0", "--lexicons", Repo.path("fixtures/xrpc-lexicons")])
        let port = try await server.waitUntilListening()
        let base = "http://127.0.0.1:\(port)"

        let health = try await fetch("\(base)/xrpc/_health")
        #expect(health.status == 200)
        #expect(try JSONValue(parsing: health.body)["version"]?.stringValue?.isEmpty == false)

        let unimplemented = try await fetch("\(base)/xrpc/com.example.echo", method: .POST, body: #"{"text":"x"}"#,
                                           headers: [("Content-Type", "application/json")])
        #expect(unimplemented.status == 501)
        #expect(unimplemented.headers["Content-Type"].first == "application/json")
        #expect(try JSONValue(parsing: unimplemented.body)["error"] == "MethodNotImplemented")

        let metrics = try await fetch("\(base)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"xrpc_requests_total{method="com.example.echo",status="501"} 1"#), "\(metrics.body)")
        #expect(metrics.body.contains("xrpc_request_duration_seconds_bucket"))

        // Structured request log: method, status and latency.
        #expect(server.stderr.contains("xrpc.method=com.example.echo"))
        #expect(server.stderr.contains("http.status=501"))
        #expect(server.stderr.contains("latency_ms="))

        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func takenPortExitsNonZeroWithAClearMessage() async throws {
        let first = try ServeProcess(["--port", "0"])
        let port = try await first.waitUntilListening()
        let second = try ServeProcess([], environment: ["SIGIL_PORT": String(port)])
        #expect(try await second.waitForExit() == 1)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port): the port is already in use"), "\(second.stderr)")
        kill(first.process.processIdentifier, SIGINT)
        #expect(try await first.waitForExit() == 0)
    }

    @Test func badEnvironmentValueIsAUsageError() async throws {
        let server = try ServeProcess([], environment: ["SIGIL_PORT": "eighty"])
        #expect(try await server.waitForExit() == 2)
        #expect(server.stderr.contains("SIGIL_PORT=eighty is not a valid value"), "\(server.stderr)")
    }

    @Test func badLexiconDirectoryExitsNonZero() async throws {
        let server = try ServeProcess(["--port", "0", "--lexicons", "/nonexistent/lexicons"])
        #expect(try await server.waitForExit() == 1)
        #expect(server.stderr.contains("/nonexistent/lexicons: /: no such directory"), "\(server.stderr)")
    }
}
