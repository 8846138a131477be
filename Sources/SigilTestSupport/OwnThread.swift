import Foundation

/// Runs blocking work (a socket read that waits, a file scan) on a thread of its own and awaits its result, so it
/// never holds one of the few cooperative threads (two on a two-core machine: a test blocking one for seconds
/// stalls every other test's servers and clients meanwhile).
public func onItsOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
