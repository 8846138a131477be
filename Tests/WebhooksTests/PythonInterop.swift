import Foundation
import Lexicon

/// The interpreter of the virtual environment `.ci/test` makes (Debian's Python + the pinned
/// `standardwebhooks`), or SIGIL_TEST_PYTHON.
func testPython() -> String {
    ProcessInfo.processInfo.environment["SIGIL_TEST_PYTHON"] ?? Repo.path(".build/python-venv/bin/python3")
}

/// The Python harness itself failed (no interpreter, no package, a crash): neither a yes nor a no.
struct PythonHarnessError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `script` with the stock library's interpreter (through the harness's ``run(_:stdin:timeout:)``: pipes
/// drained on their own threads, the wait off the cooperative pool, killed after a minute); its stdout, trimmed.
/// Not starting, a non-zero exit and a timeout are harness errors.
func runPython(_ script: String, _ arguments: [String]) async throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: testPython())
    process.arguments = ["-c", script] + arguments
    process.environment = ["PATH": "/usr/bin:/bin"]
    let result: (status: Int32, stdout: String, stderr: String)
    do {
        result = try await run(process, timeout: .seconds(60))
    } catch let timeout as SigilTimeout {
        throw PythonHarnessError(description: "python did not finish within 60 s; killed: \(timeout.stderr)")
    } catch {
        throw PythonHarnessError(description: "cannot run \(testPython()) (.ci/test creates it): \(error)")
    }
    let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard result.status == 0 else { throw PythonHarnessError(description: "python failed: \(text) \(result.stderr)") }
    return text
}

/// A scratch directory for files handed to Python, removed after `body`.
func withPythonFiles<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-py-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Verifies with the stock Python `standardwebhooks` package: true (valid), false (the library refused the
/// signature with its own `WebhookVerificationError`), or throws when the harness could not say either.
func verifiedByPython(token: String, headers: [String: String], body: [UInt8]) async throws -> Bool {
    try await withPythonFiles { directory in
        let standard = headers.filter { $0.key.hasPrefix("webhook-") }
        try Data(JSONValue.object(standard.mapValues { .string($0) }).serialized()).write(to: directory.appendingPathComponent("headers.json"))
        try Data(body).write(to: directory.appendingPathComponent("body"))
        let text = try await runPython(
            """
            import json, sys
            from standardwebhooks.webhooks import Webhook, WebhookVerificationError
            headers = json.load(open(sys.argv[2]))
            try:
                Webhook(sys.argv[1]).verify(open(sys.argv[3], 'rb').read(), headers, json_parse=False)
            except WebhookVerificationError:
                print("invalid")
            else:
                print("valid")
            """, [token, directory.appendingPathComponent("headers.json").path, directory.appendingPathComponent("body").path])
        switch text {
        case "valid": return true
        case "invalid": return false
        default: throw PythonHarnessError(description: "unexpected python output: \(text)")
        }
    }
}

/// The `webhook-signature` value the stock Python library makes for `body` (it signs text: UTF-8 only).
func signedByPython(token: String, id: String, timestamp: Int64, body: [UInt8]) async throws -> String {
    try await withPythonFiles { directory in
        try Data(body).write(to: directory.appendingPathComponent("body"))
        return try await runPython(
            """
            import sys
            from datetime import datetime, timezone
            from standardwebhooks.webhooks import Webhook
            data = open(sys.argv[4], 'rb').read().decode('utf-8')
            print(Webhook(sys.argv[1]).sign(sys.argv[2], datetime.fromtimestamp(int(sys.argv[3]), tz=timezone.utc), data))
            """, [token, id, String(timestamp), directory.appendingPathComponent("body").path])
    }
}
