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
        // Two lookups, each returning a class: a tuple result would make the generic lock look up its metadata.
        let counter: Counter = lock.withLock {
            let key = CounterKey(method: method, status: status)
            if let counter = counters[key] { return counter }
            let made = Counter(label: "xrpc_requests_total", dimensions: [("method", method), ("status", String(status))])
            counters[key] = made
            return made
        }
        let timer: Metrics.Timer = lock.withLock {
            if let timer = timers[method] { return timer }
            let made = Metrics.Timer(label: "xrpc_request_duration_seconds", dimensions: [("method", method)])
            timers[method] = made
            return made
        }
        counter.increment()
        timer.recordSeconds(seconds)
    }
}
