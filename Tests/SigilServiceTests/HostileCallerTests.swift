import Foundation
import Lexicon
import NIOCore
import SigilService
import SigilTestSupport
import Testing

/// A JWT with any payload and a signature of garbage: enough for every check that comes before the key.
func forgedJWT(_ payload: String) -> String {
    func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    return encode(Array(#"{"alg":"ES256K","typ":"JWT"}"#.utf8)) + "." + encode(Array(payload.utf8)) + "."
        + encode((0..<64).map { _ in UInt8.random(in: 0...255) })
}

/// CPU seconds (user + system) a process has used, from /proc.
func cpuSeconds(of pid: Int32) throws -> Double {
    let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
    let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
    let ticks = Double(fields[11])! + Double(fields[12])!
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}

@Suite("Hostile callers against sigil serve", .serialized, .tags(.process, .slow), .kinds(.process, .slow))
struct HostileCallerTests {
    /// One `sigil serve --dev` for a test, in its own data directory.
    static func withServer(_ extra: [String] = [], _ body: (String, DevelopmentIdentity, ServeProcess) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        let server = try ServeProcess(["--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0", "--log-level", "trace"] + extra)
        let base = "http://127.0.0.1:\(try await server.waitUntilListening())"
        try await body(base, identity, server)
        kill(server.process.processIdentifier, SIGTERM)
        _ = try await server.waitForExit()
    }

    static let now = Int64(Date().timeIntervalSince1970)

    /// Claims no clock or arithmetic can hold: each is a 401 naming what was wrong, and the server stays up.
    @Test func extremeClaimsAreRefusedAndTheServerStaysUp() async throws {
        let cases: [(field: String, value: String)] = [
            ("iat", "-9223372036854775808"), ("iat", "9223372036854775807"), ("exp", "9223372036854775807"),
            ("exp", "-9223372036854775808"), ("nbf", "-9223372036854775808"), ("nbf", "9223372036854775807"),
            ("iat", "9223372036854775808"), ("exp", "-9223372036854775809"), ("iat", "1e300"), ("exp", "0.5"),
            ("iat", "-1"), ("exp", "\"soon\""), ("iat", "253402300800"),
        ]
        try await Self.withServer { base, identity, server in
            for (field, value) in cases {
                var claims = [
                    "iss": "\"\(identity.did)\"", "aud": "\"did:web:localhost#sigil\"", "lxm": "\"place.wisp.v2.secret.list\"",
                    "jti": "\"\(UUID().uuidString)\"", "iat": "\(Self.now)", "exp": "\(Self.now + 60)",
                ]
                claims[field] = value
                let payload = "{" + claims.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
                let answer = try await fetch("\(base)/xrpc/place.wisp.v2.secret.list", headers: [("Authorization", "Bearer " + forgedJWT(payload))])
                #expect(answer.status == 401, "\(field)=\(value): \(answer.status) \(answer.body)")
                let error = try JSONValue(parsing: Array(answer.body.utf8))
                #expect(error["error"] == "BadJwt", "\(field)=\(value): \(answer.body)")
                #expect(error["message"]?.stringValue?.contains(field) == true, "\(field)=\(value): \(answer.body)")
                #expect(server.process.isRunning, "the server died on \(field)=\(value)")
            }
            #expect(try await fetch("\(base)/xrpc/_health").status == 200)
        }
    }

    /// A token past `exp` is still accepted for the clock skew (30 s); its `jti` must be remembered that long.
    @Test func anExpiredTokenInsideTheSkewCannotBeReplayed() async throws {
        try await Self.withServer { base, identity, _ in
            let create = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create")
            let created = try await fetch(
                "\(base)/xrpc/place.wisp.v2.secret.create", method: .POST, body: #"{"name":"hook"}"#,
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + create)])
            #expect(created.status == 200, "\(created.body)")
            // iat 50 s ago, exp 10 s ago: expired, but inside the 30 s skew.
            let rotate = try identity.token(
                audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.rotate", lifetime: 40, now: Int64(Date().timeIntervalSince1970) - 50)
            let headers = [("Content-Type", "application/json"), ("Authorization", "Bearer " + rotate)]
            let first = try await fetch("\(base)/xrpc/place.wisp.v2.secret.rotate", method: .POST, body: #"{"name":"hook"}"#, headers: headers)
            #expect(first.status == 200, "\(first.body)")
            let replay = try await fetch("\(base)/xrpc/place.wisp.v2.secret.rotate", method: .POST, body: #"{"name":"hook"}"#, headers: headers)
            #expect(replay.status == 401, "\(replay.body)")
            #expect(try JSONValue(parsing: Array(replay.body.utf8))["error"] == "NonceNotUnique")
        }
    }

    /// With nothing to do, `sigil serve` (delivery worker included) uses well under 1% of a core.
    @Test func anIdleServerDoesNotSpin() async throws {
        try await Self.withServer { base, _, server in
            #expect(try await fetch("\(base)/xrpc/_health").status == 200)
            let pid = server.process.processIdentifier
            let window = 4.0
            let before = try cpuSeconds(of: pid)
            let started = ContinuousClock.now
            // A measurement window, not a synchronization point: nothing is waited for but time.
            try await Task.sleep(for: .seconds(window))
            let elapsed = ContinuousClock.now - started
            let used = try cpuSeconds(of: pid) - before
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("idle sigil serve: \(used) s of CPU in \(seconds) s (\(String(format: "%.2f", 100 * used / seconds))%)")
            #expect(used / seconds < 0.01, "an idle server used \(used) s of CPU in \(seconds) s")
        }
    }

    /// A request head that never completes, or a body that stops halfway, is cut off at the idle timeout; a body
    /// that trickles gets 408.
    @Test func slowClientsAreCutOff() async throws {
        try await Self.withServer(["--idle-timeout", "2", "--body-timeout", "2"]) { base, identity, _ in
            let port = Int(base.split(separator: ":").last!)!
            // Slowloris: half a request head, then nothing. The server must close the connection.
            // Every wait on a socket runs on a thread of its own, off the cooperative pool.
            let headClosed = try await onItsOwnThread {
                let head = try SlowSocket(port: port)
                try head.send("POST /xrpc/place.wisp.v2.secret.create HTTP/1.1\r\nHost: x\r\n")
                return try head.readUntilClosed(atMost: .seconds(15))
            }
            #expect(headClosed != nil, "the half-sent head kept its connection")

            // A body that trickles one byte a second: 408 once the body deadline passes.
            let token = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create")
            let json = #"{"name":"trickle"}"#
            let answer = try await onItsOwnThread {
                let body = try SlowSocket(port: port)
                try body.send(
                    "POST /xrpc/place.wisp.v2.secret.create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer \(token)\r\nContent-Length: \(json.utf8.count)\r\n\r\n")
                return try body.trickle(json, every: .milliseconds(500), untilAnswered: .seconds(15))
            }
            #expect(answer?.hasPrefix("HTTP/1.1 408") == true, "\(answer ?? "no answer")")
            #expect(answer?.contains("InvalidRequest") == true)

            // A body that stops halfway: the connection is closed (the idle timeout), not held.
            // A token of its own: the trickle's was claimed (each service JWT is used once).
            let fresh = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create")
            let closed = try await onItsOwnThread {
                let stalled = try SlowSocket(port: port)
                try stalled.send(
                    "POST /xrpc/place.wisp.v2.secret.create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer \(fresh)\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json.prefix(5))
                return try stalled.readUntilClosed(atMost: .seconds(15))
            }
            #expect(closed != nil, "the half-sent body kept its connection")
            // Cut off while its body was being read: no answer at all (or a 408), never the method's own answer.
            #expect(closed?.isEmpty == true || closed?.hasPrefix("HTTP/1.1 408") == true, "\(closed ?? "")")
        }
    }

    /// A crash report must not carry memory contents: `sigil serve` runs with backtraces that print no registers.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil))
    func crashReportsCarryNoRegisterContents() async throws {
        try await Self.withServer { _, _, server in
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(server.process.processIdentifier)/environ"))
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let backtrace = variables.first { $0.hasPrefix("SWIFT_BACKTRACE=") }
            #expect(backtrace?.contains("registers=none") == true, "\(backtrace ?? "SWIFT_BACKTRACE not set")")
            #expect(backtrace?.contains("interactive=no") == true && backtrace?.contains("sanitize=yes") == true)
        }
    }

    /// Every answer under /xrpc/ is XRPC JSON, preflights of unknown or malformed methods included.
    @Test func preflightsOfUnknownMethodsAreXRPCErrors() async throws {
        try await Self.withServer { base, _, _ in
            let preflight = [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")]
            for (path, status, name) in [
                ("/xrpc/com.example.nothing", 501, "MethodNotImplemented"), ("/xrpc/not%20an%20nsid", 400, "InvalidRequest"),
                ("/xrpc/a/b", 400, "InvalidRequest"), ("/xrpc", 400, "InvalidRequest"), ("/xrpc/", 400, "InvalidRequest"),
            ] {
                for headers in [preflight, []] {
                    let answer = try await fetch(base + path, method: .OPTIONS, headers: headers)
                    #expect(answer.status == status, "\(path) \(headers): \(answer.status) \(answer.body)")
                    #expect((try? JSONValue(parsing: Array(answer.body.utf8)))?["error"]?.stringValue == name, "\(path): \(answer.body)")
                }
            }
            // A preflight of a method that is served gets CORS's answer.
            let served = try await fetch(base + "/xrpc/place.wisp.v2.secret.rotate", method: .OPTIONS, headers: preflight)
            #expect((200..<300).contains(served.status))
            #expect(served.headers.first(name: "access-control-allow-origin") != nil)
            // A plain OPTIONS of it is the XRPC answer for a wrong HTTP method.
            let plain = try await fetch(base + "/xrpc/place.wisp.v2.secret.rotate", method: .OPTIONS)
            #expect(plain.status == 400 && plain.body.contains("Incorrect HTTP method"), "\(plain.body)")
        }
    }
}

/// A blocking TCP client for feeding a server one byte at a time.
final class SlowSocket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// What arrives until the peer closes (nil if it is still open after `limit`).
    func readUntilClosed(atMost limit: Duration) throws -> String? {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard let chunk = read(waiting: .milliseconds(200)) else { return String(decoding: received, as: UTF8.self) }
            received += chunk
        }
        return nil
    }

    /// Sends `text` a byte every `interval` until an answer (or a close) arrives; the answer, if any.
    func trickle(_ text: String, every interval: Duration, untilAnswered limit: Duration) throws -> String? {
        let deadline = ContinuousClock.now + limit
        var pending = Array(text.utf8)
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            if let byte = pending.first {
                pending.removeFirst()
                _ = withUnsafePointer(to: byte) { write(fd, $0, 1) }
            }
            guard let chunk = read(waiting: interval) else { break }
            received += chunk
            if !received.isEmpty && chunk.isEmpty { break }
        }
        return received.isEmpty ? nil : String(decoding: received, as: UTF8.self)
    }

    /// Bytes that arrive within `wait` ([] if none); nil once the peer has closed.
    private func read(waiting wait: Duration) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.read(fd, &buffer, buffer.count)
        return count <= 0 ? nil : Array(buffer.prefix(count))
    }
}
