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

    /// Why the session cannot be stored safely.
    public struct Unsafe: Error, CustomStringConvertible {
        public let description: String
    }

    /// Stores `session` (mode 0600): in a fresh temporary file (created exclusively, never through a symbolic link)
    /// renamed over the old one, in a directory nobody else may write to.
    public func write(_ session: PDSSession) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var status = stat()
        guard lstat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw Unsafe(description: "\(directory) is not a directory")
        }
        guard status.st_mode & 0o022 == 0, status.st_uid == getuid() else {
            throw Unsafe(description: "\(directory) can be written by other users (or is theirs): make it yours, mode 0700, before signing in")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes = try encoder.encode(session)
        let temporary = path + ".tmp-" + UUID().uuidString
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let modeSet = fchmod(descriptor, 0o600)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard modeSet == 0, written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        // The rename itself durable.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
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
