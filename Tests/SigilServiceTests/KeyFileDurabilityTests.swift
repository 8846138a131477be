import Foundation
import SigilTestSupport
import Testing

@Suite("Key files are durable", .tags(.process), .kinds(.process))
struct KeyFileDurabilityTests {
    static let strace = "/usr/bin/strace"

    /// After a new master key is linked into place, its directory is fsynced: otherwise power loss can lose
    /// the name while the database keeps values sealed under the key. Watched with strace (`.ci/test`
    /// installs it).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: strace)))
    func theDirectoryIsSyncedAfterTheKeyIsLinked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-keyfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = directory + "/new.key"
        let trace = directory + "/trace"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.strace)
        process.arguments = [
            "-f", "-e", "trace=link,linkat,fsync,openat", "-o", trace,
            ServeProcess.executable.path, "secrets", "new-master-key", key,
        ]
        process.environment = ["PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        #expect(try await runToExit(process) == 0)
        #expect(FileManager.default.fileExists(atPath: key))

        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        let linked = try #require(
            lines.firstIndex { $0.contains("link(") && $0.contains("\"\(key)\"") && $0.hasSuffix("= 0") },
            "no link of the key file in the trace")
        // After it: the directory opened read-only, and that descriptor fsynced.
        let opened = lines[(linked + 1)...].first { $0.contains("openat(") && $0.contains("\"\(directory)\"") && $0.contains("O_DIRECTORY") }
        let descriptor = try #require(opened?.split(separator: "=").last?.trimmingCharacters(in: .whitespaces), "the directory was never opened")
        #expect(lines[(linked + 1)...].contains { $0.contains("fsync(\(descriptor))") && $0.hasSuffix("= 0") }, "the directory was never fsynced")
    }
}
