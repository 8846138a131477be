/// An outbound operation ran past its overall deadline and was cancelled.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public init(limit: Duration) { self.limit = limit }
    public var description: String { "no complete answer within \(limit)" }
}

/// Runs `operation` with one overall deadline: when `limit` passes first, the operation is cancelled and
/// ``DeadlineExceeded`` is thrown. AsyncHTTPClient's own timeouts end at the response head and are idle
/// timeouts after it; wrapping the request *and* the body read in this bounds a peer that drips its answer.
public func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    return try await withThrowingTaskGroup(of: DeadlineOutcome<T>.self) { group in
        group.addTask { .value(try await operation()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .timedOut
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .value(let value)?: return value
        case .timedOut?, nil: throw DeadlineExceeded(limit: limit)
        }
    }
}

private enum DeadlineOutcome<T: Sendable>: Sendable {
    case value(T)
    case timedOut
}
