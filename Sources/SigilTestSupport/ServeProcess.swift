import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

// Shared by the test targets that run `sigil` as a child process. Not part of the product.

/// The environment a `sigil` child runs with: this process's, without any `SIGIL_*` variable of the developer's
/// (a test states the configuration it means), plus `extra`, plus `SIGIL_EXIT_WITH_PARENT` so that the child
/// ends if the test run dies.
public func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIGIL_") }
    environment["SIGIL_EXIT_WITH_PARENT"] = String(getpid())
    return environment.merging(extra) { $1 }
}

/// A fresh empty directory for a child to run in, so nothing it writes by default (`./.sigil`) lands in the
/// repository; removed by ``removeScratchDirectory(_:)``.
func makeScratchDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

func removeScratchDirectory(_ directory: URL) {
    try? FileManager.default.removeItem(at: directory)
}

/// A `sigil serve` child process on a loopback port it picked itself, in a scratch working directory of its own
/// (removed when this object goes), with ``childEnvironment(_:)``.
public final class ServeProcess: @unchecked Sendable {
    public let process = Process()
    /// The child's working directory.
    public let workingDirectory: URL
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
        process.environment = childEnvironment(environment)
        workingDirectory = try makeScratchDirectory()
        process.currentDirectoryURL = workingDirectory
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            // End of file: stop watching before the handle can be closed and its descriptor reused (an active
            // dispatch read source on a closed descriptor can crash libdispatch's event loop).
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            guard let self else { return }
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
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        removeScratchDirectory(workingDirectory)
    }
}

public struct ServeProcessError: Error, CustomStringConvertible {
    public let stderr: String
    public var description: String { "sigil serve failed:\n\(stderr)" }
}

/// One HTTP request; the status, headers and body as text.
public func fetch(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [(String, String)] = []) async throws
    -> (status: Int, headers: HTTPHeaders, body: String)
{
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, String(buffer: bytes))
}

/// Runs `process` to its end without blocking a thread: its exit status.
public func runToExit(_ process: Process) async throws -> Int32 {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
}

/// A `sigil` command that did not end in time (it was killed).
public struct SigilTimeout: Error, CustomStringConvertible {
    public let arguments: [String]
    public let stderr: String
    public var description: String { "\(arguments.joined(separator: " ")) did not end in time; killed. stderr:\n\(stderr)" }
}

/// Runs the built `sigil` executable (it sits next to the test bundle) with ``childEnvironment(_:)`` in a
/// scratch working directory, and captures its output. stdin is fed and stdout and stderr are drained on
/// threads of their own (no full pipe can deadlock it), the wait happens off the cooperative pool, and a
/// command still running after `timeout` is killed and reported as ``SigilTimeout``.
public func runSigil(
    _ arguments: [String], stdin: String = "", environment: [String: String] = [:],
    timeout: Duration = .seconds(60)
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = try makeScratchDirectory()
    defer { removeScratchDirectory(directory) }
    let process = Process()
    process.executableURL = ServeProcess.executable
    process.arguments = arguments
    process.environment = childEnvironment(environment)
    process.currentDirectoryURL = directory
    return try await run(process, stdin: stdin, timeout: timeout)
}

/// Runs a configured `process` to its end: stdin fed and stdout and stderr drained on threads of their own
/// (no full pipe can deadlock it), the wait off the cooperative pool, and a process still running after
/// `timeout` killed and reported as ``SigilTimeout``.
public func run(_ process: Process, stdin: String = "", timeout: Duration) async throws -> (status: Int32, stdout: String, stderr: String) {
    let arguments = [process.executableURL?.lastPathComponent ?? "process"] + (process.arguments ?? [])
    let input = Pipe()
    let output = Pipe()
    let error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    let ended = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in ended.signal() }
    try process.run()
    let collected = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, Data, Bool), any Error>) in
        let waiter = Thread {
            let group = DispatchGroup()
            final class Box: @unchecked Sendable { var out = Data(), err = Data() }
            let box = Box()
            let stdinBytes = Data(stdin.utf8)
            let writer = input.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: stdinBytes)
                try? writer.close()
            }
            group.enter()
            Thread.detachNewThread {
                box.out = output.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            group.enter()
            Thread.detachNewThread {
                box.err = error.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            var timedOut = false
            if ended.wait(timeout: .now() + seconds) == .timedOut {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                ended.wait()
            }
            // The child is gone; its pipes reach end of file unless it left a grandchild holding them.
            if group.wait(timeout: .now() + 5) == .timedOut {
                continuation.resume(returning: (Data(), Data("(its output pipes stayed open after it ended)".utf8), true))
            } else {
                continuation.resume(returning: (box.out, box.err, timedOut))
            }
        }
        waiter.start()
    }
    let stderr = String(decoding: collected.1, as: UTF8.self)
    if collected.2 { throw SigilTimeout(arguments: arguments, stderr: stderr) }
    return (process.terminationStatus, String(decoding: collected.0, as: UTF8.self), stderr)
}
