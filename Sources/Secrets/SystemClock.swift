import Foundation

/// The wall clock every service reads by default, in milliseconds since the Unix epoch (tests pass a clock of
/// their own instead).
public enum SystemClock {
    @Sendable public static func milliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
