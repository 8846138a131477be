/// When to try a failed delivery again: a fixed schedule with ±20% jitter, then give up.
public struct RetrySchedule: Sendable {
    /// Delays after the 1st, 2nd, … failed attempt.
    public let delays: [Duration]

    public init(delays: [Duration]) {
        self.delays = delays
    }

    /// 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h: nine attempts over about ten and a half hours.
    public static let standard = RetrySchedule(delays: [
        .seconds(10), .seconds(30), .seconds(120), .seconds(600),
        .seconds(1800), .seconds(3600), .seconds(10_800), .seconds(21_600),
    ])

    /// Milliseconds to wait after `attempts` failed attempts, or `nil` when it is time to give up.
    public func delayMilliseconds(afterAttempts attempts: Int) -> Int64? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        let base = delays[attempts - 1]
        let milliseconds = Double(base.components.seconds) * 1000 + Double(base.components.attoseconds) / 1e15
        return Int64(milliseconds * Double.random(in: 0.8...1.2))
    }
}
