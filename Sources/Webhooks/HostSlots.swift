import AsyncPrimitives
import Foundation
import NIOCore
import NetworkPolicy

/// Admission by key (a destination host, or one key for a whole pool): at most `limit` holders per key;
/// waiters are served in order and, given a timeout, give up after it.
actor HostSlots {
    private var active: [String: Int] = [:]
    private var waiting: [String: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)]] = [:]
    private var nextID: UInt64 = 0

    /// True once a slot is held; false if none came free within `timeout` (nothing is held then). With no
    /// timeout it waits as long as it takes.
    func acquire(_ host: String, limit: Int, waitingAtMost timeout: Duration? = nil) async -> Bool {
        if active[host, default: 0] < limit {
            active[host, default: 0] += 1
            return true
        }
        nextID &+= 1
        let id = nextID
        let expiry = timeout.map { timeout in
            Task { [weak self] in
                if (try? await Task.sleep(for: timeout)) != nil { await self?.expire(host, id) }
            }
        }
        let granted = await withCheckedContinuation { waiting[host, default: []].append((id, $0)) }
        expiry?.cancel()
        return granted
    }

    /// The hosts with at least `limit` holders and waiters together now.
    func full(limit: Int) -> [String] {
        active.compactMap { $0.value + (waiting[$0.key]?.count ?? 0) >= limit ? $0.key : nil }
    }

    /// Takes a slot if one is free now; never waits.
    func tryAcquire(_ host: String, limit: Int) -> Bool {
        guard active[host, default: 0] < limit else { return false }
        active[host, default: 0] += 1
        return true
    }

    private func expire(_ host: String, _ id: UInt64) {
        guard var queue = waiting[host], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiting[host] = queue.isEmpty ? nil : queue
        waiter.continuation.resume(returning: false)
    }

    /// How many wait for a slot of `host` now.
    func waiters(_ host: String) -> Int { waiting[host]?.count ?? 0 }

    /// How many hold a slot of `host` now.
    func holders(_ host: String) -> Int { active[host] ?? 0 }

    func release(_ host: String) {
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue.isEmpty ? nil : queue
            next.continuation.resume(returning: true)  // The slot passes straight to the next waiter.
        } else {
            active[host, default: 1] -= 1
            if active[host] == 0 { active[host] = nil }
        }
    }
}
