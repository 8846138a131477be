import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

// Shared by the test targets that run `sigil` as a child process. Not part of the product.

/// A `sigil serve` child process on a loopback port it picked itself.
public final class ServeProcess: @unchecked Sendable {
    public let process = Process()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrText = ""
    public private(set) var port: Int?

    /// The `sigil` built next to the test bundle.
    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sigil")
    }

    /// Starts `sigil serve ARGUMENTS` (or, with `command`, another subcommand).
    public init(_ arguments: [String], command: String = "serve", environment: [String: String] = [:]) throws {
        process.executableURL = Self.executable
        process.arguments = [command] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.stderrText += String(decoding: data, as: UTF8.self) }
        }
        process.terminationHandler = { [weak self] process in
            // A child that dies on its own takes its reason with it: show what it wrote.
            let signalled = process.terminationReason == .uncaughtSignal
            guard let self, signalled ? ![SIGKILL, SIGTERM].contains(process.terminationStatus) : process.terminationStatus != 0 else { return }
            print("sigil \(command) ended (\(signalled ? "signal" : "exit status") \(process.terminationStatus)); its stderr:\n\(self.stderr)")
        }
        try process.run()
    }

    public var stderr: String { lock.withLock { stderrText } }

    /// Waits for the whole line "listening on http://host:port" and returns the port. The line must be
    /// complete: stderr arrives in chunks, and a chunk can end in the middle of the port number.
    public func waitUntilListening(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = stderr.range(of: #"listening on http://[^ ]*:(\d+)\n"#, options: .regularExpression) {
                let port = Int(stderr[range].dropLast().split(separator: ":").last!)!
                self.port = port
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError(stderr: stderr)
    }

    /// Waits for the process to end; returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
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

public struct ServeProcessError: Error, CustomStringConvertible {
    public let stderr: String
    public var description: String { "sigil serve failed:\n\(stderr)" }
}

/// One HTTP request; the status, headers and body as text.
public func fetch(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [(String, String)] = []) async throws
    -> (status: Int, headers: HTTPHeaders, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, String(buffer: bytes))
}


/// Runs the built `sigil` executable (it sits next to the test bundle) and captures its output.
public func runSigil(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = ServeProcess.executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Feed stdin from another thread so a large input cannot deadlock against a full stdout pipe.
    let writer = input.fileHandleForWriting
    let bytes = Data(stdin.utf8)
    let feeding = Thread {
        writer.write(bytes)
        try? writer.close()
    }
    feeding.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

