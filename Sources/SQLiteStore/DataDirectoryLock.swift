import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One `sigil serve` per SQLite data directory: an exclusive `flock` on `DIR/serve.lock`, held for the process's
/// life (the kernel lets go when it exits, however it exits). The rotation fence is in-process, so two servers on
/// one file could sign with a token the other has just rotated; a second one is refused at start instead.
/// PostgreSQL is the store for several replicas.
public final class DataDirectoryLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Why the lock could not be taken.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Takes the lock of `directory` (which must exist), recording this process's id in the lock file; throws a
    /// ``Refusal`` naming the holder's process id when another process holds it.
    public static func acquire(directory: String) throws(Refusal) -> DataDirectoryLock {
        let path = (directory as NSString).appendingPathComponent("serve.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Refusal(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            close(descriptor)
            guard reason == EWOULDBLOCK else { throw Refusal(description: "cannot lock \(path): \(String(cString: strerror(reason)))") }
            let holder = count > 0 ? String(decoding: bytes.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw Refusal(
                description: "another sigil serve (pid \(holder)) is using the data directory \(directory); "
                    + "one process per SQLite data directory (replicas share a PostgreSQL database instead)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        return DataDirectoryLock(descriptor: descriptor)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
