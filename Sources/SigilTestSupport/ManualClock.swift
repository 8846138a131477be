import Foundation

/// A clock tests move by hand: milliseconds since the Unix epoch, read through ``read`` by the code under test.
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    public init(_ start: Int64 = 1_800_000_000_000) { value = start }

    /// The time now.
    public var now: Int64 { lock.withLock { value } }
    /// The clock as the closure services take.
    public var read: @Sendable () -> Int64 { { [self] in now } }

    public func advance(seconds: Int64) { advance(milliseconds: seconds * 1000) }
    public func advance(milliseconds: Int64) { lock.withLock { value += milliseconds } }
    /// Moves to `time`, never back.
    public func set(_ time: Int64) { lock.withLock { value = max(value, time) } }
}
