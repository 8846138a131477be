import Testing
@testable import Webhooks

@Suite("Delivery outcomes and admission")
struct DeliveryOutcomeTests {
    /// What each receiver status means: 401/403 are retried (the receiver may not have a just-rotated token
    /// yet), as are 408, 429 and 5xx; other statuses are final; 2xx is delivered.
    @Test(arguments: [
        (200, "delivered"), (204, "delivered"), (299, "delivered"),
        (401, "retry"), (403, "retry"), (408, "retry"), (429, "retry"), (500, "retry"), (503, "retry"), (599, "retry"),
        (301, "dead"), (400, "dead"), (404, "dead"), (410, "dead"), (413, "dead"), (600, "dead"), (100, "dead"),
    ] as [(UInt, String)])
    func statuses(_ status: UInt, _ expected: String) {
        switch DeliveryWorker.outcome(status: status) {
        case .delivered: #expect(expected == "delivered", "\(status)")
        case .retry: #expect(expected == "retry", "\(status)")
        case .dead: #expect(expected == "dead", "\(status)")
        case .requeue: Issue.record("\(status) requeued")
        }
    }

    /// A full host makes waiters give up after their timeout, holding nothing; a slot that frees passes to
    /// the next waiter; without a timeout a waiter waits.
    @Test func hostSlotsBoundTheWait() async throws {
        let slots = HostSlots()
        #expect(await slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)))
        #expect(await !slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)), "the host is full")
        #expect(await slots.acquire("other", limit: 1, waitingAtMost: .milliseconds(50)), "another host is not")
        let waiter = Task { await slots.acquire("h", limit: 1) }
        await slots.release("h")
        #expect(await waiter.value, "the freed slot went to the waiter")
        await slots.release("h")
        #expect(await slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)), "the timed-out waiter held nothing")
    }
}
