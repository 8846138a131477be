import Foundation
import NetworkPolicy
import NIOCore

/// A request body of one buffer that tells `started` when the client first asks for it: AsyncHTTPClient
/// asks only after the request head was written to the connection.
struct StartSignalingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: ByteBuffer
    let started: OneShot<Void>

    struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: ByteBuffer?
        let started: OneShot<Void>
        mutating func next() async -> ByteBuffer? {
            started.resolve(())
            defer { bytes = nil }
            return bytes
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, started: started) }
}

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

    private func expire(_ host: String, _ id: UInt64) {
        guard var queue = waiting[host], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiting[host] = queue.isEmpty ? nil : queue
        waiter.continuation.resume(returning: false)
    }

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

/// Runs a job unless one is already running.
final class OnceAtATime: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false

    var isRunning: Bool { lock.withLock { running } }

    func run(_ job: () async -> Void) async {
        guard lock.withLock({ () -> Bool in
            if running { return false }
            running = true
            return true
        }) else { return }
        await job()
        lock.withLock { running = false }
    }
}
