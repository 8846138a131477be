import Foundation

/// A bounded pool of slots shared fairly between keys (client addresses, say).
///
/// At most `capacity` holders in all, and each key at most its share: the capacity, less a quarter kept for keys
/// that hold nothing yet, divided by the keys holding or waiting now. A key over its share, or with as many
/// waiting as its share, is refused at once; otherwise it waits (at most `wait`) and freed slots go round-robin to
/// the keys with waiters that are under their share. So one key sending without end gets its share and refusals,
/// never the whole pool, and a key arriving later is served within one slot's turnover.
public final class FairAdmission: @unchecked Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    public let capacity: Int
    public let wait: Duration
    private let lock = NSLock()
    private var holders: [String: Int] = [:]
    private var total = 0
    private var waiting: [String: [Waiter]] = [:]
    /// Keys with waiters, in the order they are served.
    private var turn: [String] = []
    private var nextID: UInt64 = 0

    public init(capacity: Int, wait: Duration = .seconds(3)) {
        self.capacity = max(1, capacity)
        self.wait = wait
    }

    /// The most one key may hold while `active` keys hold or wait.
    public func share(active: Int) -> Int {
        max(1, (capacity - capacity / 4) / max(1, active))
    }

    /// True once a slot is held (call ``release(_:)`` after); false if refused or not served within ``wait``.
    public func acquire(_ key: String) async -> Bool {
        enum Decision {
            case granted, refused
            case queued(UInt64)
        }
        let id: UInt64 = lock.withLock {
            nextID &+= 1
            return nextID
        }
        let granted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let decision: Decision = lock.withLock {
                let active = activeKeys(including: key)
                let share = share(active: active)
                let held = holders[key, default: 0]
                if total < capacity, held < share, waiting[key] == nil {
                    holders[key] = held + 1
                    total += 1
                    return .granted
                }
                guard held < share, waiting[key, default: []].count < share else { return .refused }
                if waiting[key] == nil { turn.append(key) }
                waiting[key, default: []].append(Waiter(id: id, continuation: continuation))
                return .queued(id)
            }
            switch decision {
            case .granted: continuation.resume(returning: true)
            case .refused: continuation.resume(returning: false)
            case .queued:
                let wait = self.wait
                Task { [weak self] in
                    try? await Task.sleep(for: wait)
                    self?.expire(key, id)
                }
            }
        }
        return granted
    }

    /// Gives a slot back; it goes to the next waiting key under its share.
    public func release(_ key: String) {
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            if let held = holders[key] { holders[key] = held > 1 ? held - 1 : nil }
            total -= 1
            return handOffLocked()
        }
        next?.resume(returning: true)
    }

    /// How many slots `key` holds now.
    public func held(by key: String) -> Int { lock.withLock { holders[key, default: 0] } }

    private func activeKeys(including key: String) -> Int {
        var keys = Set(holders.keys)
        keys.formUnion(waiting.keys)
        keys.insert(key)
        return keys.count
    }

    /// Under `lock`: a free slot to the first key in turn with a waiter and room under its share.
    private func handOffLocked() -> CheckedContinuation<Bool, Never>? {
        guard total < capacity, !turn.isEmpty else { return nil }
        let share = share(active: Set(holders.keys).union(waiting.keys).count)
        for (position, key) in turn.enumerated() where holders[key, default: 0] < share {
            guard var queue = waiting[key], !queue.isEmpty else { continue }
            let waiter = queue.removeFirst()
            turn.remove(at: position)
            if queue.isEmpty {
                waiting[key] = nil
            } else {
                waiting[key] = queue
                turn.append(key)  // back of the line: round-robin between keys
            }
            holders[key, default: 0] += 1
            total += 1
            return waiter.continuation
        }
        return nil
    }

    private func expire(_ key: String, _ id: UInt64) {
        let expired: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard var queue = waiting[key], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = queue.remove(at: index)
            if queue.isEmpty {
                waiting[key] = nil
                turn.removeAll { $0 == key }
            } else {
                waiting[key] = queue
            }
            return waiter.continuation
        }
        expired?.resume(returning: false)
    }
}
