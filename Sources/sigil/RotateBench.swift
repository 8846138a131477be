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

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-rotate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        server.arguments = ["serve", "--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0", "--log-level", "notice"]
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        defer { server.terminate() }
        let port = try await Self.listeningPort(errors)
        let base = "http://127.0.0.1:\(port)"
        print("sigil serve (SQLite in \(directory)) on \(base)")

        let names = (0..<connections).map { "bench-\($0)" }
        for name in names {
            let token = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create", lifetime: 250)
            guard try Self.post(base, "create", name: name, token: token) == 200 else { throw ValidationError("cannot create \(name)") }
        }

        print("signing \(tokens) service JWTs…")
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
        print("wrk " + arguments.joined(separator: " "))
        let wrk = Process()
        wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        wrk.arguments = ["wrk"] + arguments
        try wrk.run()
        wrk.waitUntilExit()
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
