import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Creating key files safely: never over an existing file, never readable by others.
public enum ExclusiveFile {
    public enum Outcome: Sendable, Equatable {
        case created
        /// Another process (or an earlier run) created it first; the caller should read it instead.
        case alreadyExists
    }

    /// Writes `contents` to a new file with `mode`, atomically refusing to replace an existing one, so two
    /// processes starting at once cannot overwrite each other's key — nor read it half-written: the
    /// complete file is written under a temporary name, then hard-linked into place (`link` fails with
    /// `EEXIST` when another process won).
    public static func create(atPath path: String, contents: [UInt8], mode: mode_t = 0o600) throws -> Outcome {
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY, mode)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { unlink(temporary) }
        var written = 0
        while written < contents.count {
            let result = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                close(descriptor)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            written += result
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return .alreadyExists }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        unlink(temporary)
        // The new name is durable only once its directory is: without this, power loss can lose the key while
        // the database keeps values sealed under it.
        try syncDirectory(containing: path)
        return .created
    }

    /// `fsync`s the directory holding `path`.
    static func syncDirectory(containing path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory]) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory]) }
    }
}
