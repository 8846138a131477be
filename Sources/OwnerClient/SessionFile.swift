import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `sigil account login` keeps the session: `session.json` in `SIGIL_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/sigil`, else `~/.config/sigil`; the directory mode 0700, the file 0600, written whole
/// (a temporary file renamed over it), so a crash leaves the old session or the new one.
public struct SessionFile: Sendable {
    public let path: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let directory: String
        if let explicit = environment["SIGIL_CONFIG_DIR"], !explicit.isEmpty {
            directory = explicit
        } else if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            directory = (xdg as NSString).appendingPathComponent("sigil")
        } else {
            directory = ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config/sigil")
        }
        path = (directory as NSString).appendingPathComponent("session.json")
    }

    /// The stored session; nil when signed out.
    public func read() throws -> PDSSession? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(PDSSession.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Stores `session` (mode 0600).
    public func write(_ session: PDSSession) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes = try encoder.encode(session)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Deletes the session; false if there was none.
    @discardableResult
    public func delete() throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        try FileManager.default.removeItem(atPath: path)
        return true
    }
}
