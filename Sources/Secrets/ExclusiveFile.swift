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

    /// Writes `contents` to a new file with `mode`, atomically refusing to replace an existing one
    /// (`O_CREAT | O_EXCL`), so two processes starting at once cannot overwrite each other's key.
    public static func create(atPath path: String, contents: [UInt8], mode: mode_t = 0o600) throws -> Outcome {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, mode)
        if descriptor < 0 {
            if errno == EEXIST { return .alreadyExists }
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { close(descriptor) }
        var written = 0
        while written < contents.count {
            let result = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return .created
    }
}
