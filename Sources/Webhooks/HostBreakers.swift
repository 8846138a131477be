import Foundation

/// Per-host circuit breaking: after `threshold` attempts in a row that a host did not answer (a timeout, a refused
/// or dropped connection), its deliveries back off together until `openUntil`; then one probe goes, and only a
/// host that answers closes the breaker. Each failed probe doubles the wait, up to `maxCooldown`.
///
/// In memory, per worker: each replica learns a host's health from its own attempts. At most `maxHosts` are
/// tracked (the healthiest forgotten first), so a tenant naming endless hosts cannot grow it.
final class HostBreakers: @unchecked Sendable {
    enum Admission: Equatable {
        /// Send.
        case go
        /// Send: the one probe of an open breaker.
        case probe
        /// Do not send; the host is given another chance at this time (ms).
        case open(until: Int64)
    }

    private struct State {
        var failures = 0
        var openUntil: Int64 = 0
        var cooldown: Int64
        var probing = false
    }

    let threshold: Int
    let cooldown: Int64
    let maxCooldown: Int64
    let maxHosts: Int
    private let lock = NSLock()
    private var hosts: [String: State] = [:]

    init(threshold: Int = 3, cooldownMilliseconds: Int64 = 30_000, maxCooldownMilliseconds: Int64 = 900_000, maxHosts: Int = 10_000) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldownMilliseconds
        self.maxCooldown = max(cooldownMilliseconds, maxCooldownMilliseconds)
        self.maxHosts = maxHosts
    }

    func admit(_ host: String, now: Int64) -> Admission {
        lock.withLock {
            guard var state = hosts[host], state.failures >= threshold else { return .go }
            if now < state.openUntil || state.probing { return .open(until: max(state.openUntil, now + 1_000)) }
            state.probing = true
            hosts[host] = state
            return .probe
        }
    }

    /// The host answered (any HTTP status): it is reachable; the breaker closes.
    func answered(_ host: String) {
        _ = lock.withLock { hosts.removeValue(forKey: host) }
    }

    /// Hosts not to claim deliveries for now: open and not yet due a probe, or with their probe under way.
    func closedToClaims(now: Int64) -> [String] {
        lock.withLock {
            hosts.compactMap { host, state in
                state.failures >= threshold && (now < state.openUntil || state.probing) ? host : nil
            }
        }
    }

    /// The host did not answer (timeout, connection refused or reset). Returns until when its breaker is open, if
    /// this failure opened it (or was its failed probe).
    @discardableResult
    func unanswered(_ host: String, now: Int64) -> Int64? {
        lock.withLock {
            var state = hosts[host] ?? State(cooldown: cooldown)
            state.failures += 1
            if state.failures >= threshold {
                // A failed probe (or the failure that opens it) pushes the next chance out, doubling each time.
                state.openUntil = now + state.cooldown
                state.cooldown = min(state.cooldown * 2, maxCooldown)
                state.probing = false
            }
            if hosts[host] == nil, hosts.count >= maxHosts, let evict = hosts.min(by: { $0.value.failures < $1.value.failures })?.key {
                hosts[evict] = nil
            }
            hosts[host] = state
            return state.failures >= threshold ? state.openUntil : nil
        }
    }

    /// A probe that ended without an answer either way (cancelled): another may go.
    func probeAbandoned(_ host: String) {
        lock.withLock { hosts[host]?.probing = false }
    }
}
