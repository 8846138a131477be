import Foundation
import Lexicon
import NIOHTTP1
import SigilTestSupport
import Testing

@Suite("sigil serve (child process)", .serialized, .tags(.process), .kinds(.process))
struct ServeProcessTests {
    @Test func servesHealthMethodsAndMetricsThenStopsOnSIGTERM() async throws {
        let server = try ServeProcess(["--port", "0", "--lexicons", Repo.path("fixtures/xrpc-lexicons")])
        let port = try await server.waitUntilListening()
        let base = "http://127.0.0.1:\(port)"

        let health = try await fetch("\(base)/xrpc/_health")
        #expect(health.status == 200)
        #expect(try JSONValue(parsing: health.body)["version"]?.stringValue?.isEmpty == false)

        let unimplemented = try await fetch(
            "\(base)/xrpc/com.example.echo", method: .POST, body: #"{"text":"x"}"#,
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

    /// Retention and auto-pause are the operator's to set; a value out of range or unparsable stops the
    /// server before it serves, naming what was wrong.
    @Test(
        arguments: [
            (["--keep-delivered-days", "0"], [:], "--keep-delivered-days must be 1–3650 days, not 0"),
            (["--keep-dead-days", "3651"], [:], "--keep-dead-days must be 1–3650 days, not 3651"),
            ([], ["SIGIL_KEEP_CANCELLED_DAYS": "-1"], "--keep-cancelled-days must be 1–3650 days, not -1"),
            ([], ["SIGIL_PAUSE_FAILING_AFTER_HOURS": "soon"], "SIGIL_PAUSE_FAILING_AFTER_HOURS=soon is not a valid value"),
            (["--pause-failing-after-hours", "8761"], [:], "--pause-failing-after-hours must be 1–8760 hours, not 8761"),
        ] as [([String], [String: String], String)])
    func badDeliveryPolicyValuesAreUsageErrors(_ arguments: [String], _ environment: [String: String], _ message: String) async throws {
        let server = try ServeProcess(["--port", "0"] + arguments, environment: environment)
        #expect(try await server.waitForExit() == 2)
        #expect(server.stderr.contains(message), "\(server.stderr)")
    }

    @Test func badLexiconDirectoryExitsNonZero() async throws {
        let server = try ServeProcess(["--port", "0", "--lexicons", "/nonexistent/lexicons"])
        #expect(try await server.waitForExit() == 1)
        #expect(server.stderr.contains("/nonexistent/lexicons: /: no such directory"), "\(server.stderr)")
    }
}
