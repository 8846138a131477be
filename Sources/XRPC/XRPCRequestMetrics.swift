import Foundation
import Metrics

/// The per-request metrics (`xrpc_requests_total` by method and status, `xrpc_request_duration_seconds` by method),
/// their handles made once per label set rather than per request (making one takes the metrics backend's lock and
/// builds its label strings). Bounded: methods are the catalog's NSIDs and `unknown`, statuses are HTTP codes.
final class XRPCRequestMetrics: @unchecked Sendable {
    private struct CounterKey: Hashable {
        let method: String
        let status: Int
    }
    private let lock = NSLock()
    private var counters: [CounterKey: Counter] = [:]
    private var timers: [String: Metrics.Timer] = [:]

    func record(method: String, status: Int, seconds: Double) {
        let (counter, timer): (Counter, Metrics.Timer) = lock.withLock {
            let key = CounterKey(method: method, status: status)
            let counter =
                counters[key]
                ?? {
                    let made = Counter(label: "xrpc_requests_total", dimensions: [("method", method), ("status", String(status))])
                    counters[key] = made
                    return made
                }()
            let timer =
                timers[method]
                ?? {
                    let made = Metrics.Timer(label: "xrpc_request_duration_seconds", dimensions: [("method", method)])
                    timers[method] = made
                    return made
                }()
            return (counter, timer)
        }
        counter.increment()
        timer.recordSeconds(seconds)
    }
}
