import ArgumentParser
import Foundation
import Lexicon
import SigilService

/// `sigil bench rotate`: durable rotations per second through a real `sigil serve` (SQLite, group commit),
/// every request with a fresh service JWT, loaded by wrk.
struct RotateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Durable place.wisp.v2.secret.rotate calls per second against a child `sigil serve` (needs wrk).",
        discussion:
            "Starts `sigil serve --dev` on SQLite in a temporary data directory, creates one secret per connection, signs one JWT per request in advance, and runs wrk with a script that sends each token once."
    )

    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "wrk connections (and secrets).") var connections = 64
    @Option(help: "Seconds to run.") var duration = 10
    @Option(help: "Tokens to sign in advance (must exceed the requests wrk will send).") var tokens = 150_000

    @Option(help: "Another `sigil` binary (a build of an older commit) to alternate with, under the same load; prints both and the ratio.")
    var against: String?
    @Option(help: "With --against: rounds of (the other binary, this one), alternated.") var rounds = 3

    func run() async throws {
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
        let this = ProcessInfo.processInfo.arguments[0]
        guard let against else {
            let result = try await measure(binary: this, echo: true)
            print(String(format: "sigil: %.0f rotations/s, p50 %@, p99 %@", result.requestsPerSecond, result.p50, result.p99))
            return
        }
        guard FileManager.default.isExecutableFile(atPath: against) else { throw ValidationError("--against: \(against) is not an executable") }
        try await alternatedRounds(
            rounds, baseline: "other", this: "this", unit: "rotations/s",
            baseline: { echo in try await measure(binary: against, echo: echo) }, this: { echo in try await measure(binary: this, echo: echo) })
    }

    /// One run: a fresh data directory and `binary serve` on it, a secret per connection, JWTs signed in advance,
    /// wrk; what wrk measured. Every answer must be 200 (wrk's non-2xx count is checked).
    func measure(binary: String, echo: Bool) async throws -> XRPCBench.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sigil-bench-rotate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0", "--log-level", "notice"]
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let port = try await Self.listeningPort(errors)
        // Keep reading what it writes, so a full pipe never blocks it.
        Thread.detachNewThread {
            while !errors.fileHandleForReading.availableData.isEmpty {}
        }
        let base = "http://127.0.0.1:\(port)"
        if echo { print("\(binary) serve (SQLite in \(directory)) on \(base)") }

        let names = (0..<connections).map { "bench-\($0)" }
        for name in names {
            let token = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create", lifetime: 250)
            guard try Self.post(base, "create", name: name, token: token) == 200 else { throw ValidationError("cannot create \(name)") }
        }

        if echo { print("signing \(tokens) service JWTs…") }
        let tokenFile = (directory as NSString).appendingPathComponent("tokens.txt")
        var lines = ""
        lines.reserveCapacity(tokens * 420)
        for i in 0..<tokens {
            lines +=
                names[i % names.count] + " "
                + (try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.rotate", lifetime: 250)) + "\n"
        }
        try lines.write(toFile: tokenFile, atomically: true, encoding: .utf8)

        let script = (directory as NSString).appendingPathComponent("rotate.lua")
        try """
        local counter = 0
        function setup(thread)
          thread:set("id", counter)
          thread:set("nthreads", \(threads))
          counter = counter + 1
        end
        function init(args)
          lines = {}
          for line in io.lines("\(tokenFile)") do lines[#lines + 1] = line end
          index = id + 1
        end
        function request()
          local line = lines[index]
          index = index + nthreads
          if line == nil then error("out of tokens: sign more with --tokens") end
          local name, jwt = line:match("(%S+) (%S+)")
          return wrk.format("POST", "/xrpc/place.wisp.v2.secret.rotate",
            {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. jwt}, '{"name":"' .. name .. '"}')
        end
        """.write(toFile: script, atomically: true, encoding: .utf8)

        let arguments = ["-t\(threads)", "-c\(connections)", "-d\(duration)s", "--latency", "-s", script, base]
        if echo { print("wrk " + arguments.joined(separator: " ")) }
        let wrk = Process()
        wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        wrk.arguments = ["wrk"] + arguments
        let output = Pipe()
        wrk.standardOutput = output
        try wrk.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        wrk.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if let failed = text.split(separator: "\n").first(where: { $0.contains("Non-2xx or 3xx responses") }) {
            throw ValidationError("\(binary): not every rotation succeeded (\(failed.trimmingCharacters(in: .whitespaces)))")
        }
        guard let result = XRPCBench.parse(text) else { throw ValidationError("wrk did not report: \(text)") }
        return result
    }

    static func post(_ base: String, _ method: String, name: String, token: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "\(base)/xrpc/place.wisp.v2.secret.\(method)",
            "-H", "Content-Type: application/json", "-H", "Authorization: Bearer \(token)", "-d", #"{"name":"\#(name)"}"#,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        return Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
    }

    static func listeningPort(_ pipe: Pipe) async throws -> Int {
        var text = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            text += String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
            // The whole line: a read can end in the middle of the port number.
            if let range = text.range(of: #"listening on http://[^ ]*:(\d+)\n"#, options: .regularExpression),
                let port = Int(text[range].dropLast().split(separator: ":").last ?? "")
            {
                return port
            }
        }
        throw ValidationError("sigil serve did not start:\n\(text)")
    }
}
