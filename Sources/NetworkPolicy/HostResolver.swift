import AsyncPrimitives
import Foundation

/// Resolves host names for the ``DestinationGuard``: the raw addresses (4 or 16 bytes each), or nil when the
/// name cannot be resolved in time. Injectable, so tests can play DNS.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async -> [[UInt8]]?
}

/// The system resolver (`getaddrinfo`) with an overall timeout and a bound on lookups in flight.
///
/// `getaddrinfo` blocks and cannot be cancelled, so each lookup runs on its own dispatch work item; a caller
/// stops waiting at the timeout, and at most `maxConcurrent` lookups (finished or abandoned) hold a thread at
/// once. Past that bound a lookup fails at once instead of queueing behind slow ones.
public final class SystemHostResolver: HostResolver, @unchecked Sendable {
    public let timeout: Duration
    public let maxConcurrent: Int
    private let lookup: @Sendable (String) -> [[UInt8]]
    private let lock = NSLock()
    private var running = 0

    /// `lookup` is the blocking resolution (`getaddrinfo` by default; tests pass one that hangs).
    public init(
        timeout: Duration = .seconds(3), maxConcurrent: Int = 16,
        lookup: @escaping @Sendable (String) -> [[UInt8]] = PublicAddress.resolve
    ) {
        self.timeout = timeout
        self.maxConcurrent = maxConcurrent
        self.lookup = lookup
    }

    /// Lookups holding a thread now.
    public var inFlight: Int { lock.withLock { running } }

    public func addresses(of host: String) async -> [[UInt8]]? {
        let admitted: Bool = lock.withLock {
            guard running < maxConcurrent else { return false }
            running += 1
            return true
        }
        guard admitted else { return nil }
        let answer = OneShot<[[UInt8]]?>()
        let timeout = self.timeout
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if (try? await Task.sleep(for: timeout)) != nil { answer.resolve(nil) }
            }
            let result = await withTaskCancellationHandler {
                DispatchQueue.global().async {
                    let addresses = self.lookup(host)
                    self.lock.withLock { self.running -= 1 }
                    answer.resolve(addresses)
                }
                return await answer.wait()
            } onCancel: {
                answer.resolve(nil)
            }
            group.cancelAll()
            return result
        }
    }
}
