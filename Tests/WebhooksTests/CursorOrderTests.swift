import AsyncPrimitives
import Foundation
import Jetstream
import Logging
import Secrets
import Storage
import Testing

@testable import Webhooks

/// Holds the first cursor write after ``arm()`` until ``release()``, and counts the cursor writes that reach it
/// after arming (a slow database round trip, in the test's hands).
final class CursorHoldingStore: ForwardingDeliveryStore, @unchecked Sendable {
    private let lock = NSLock()
    private var armed = false
    private var writesSinceArmed = 0
    private let gate = OneShot<Void>()

    /// Cursor writes that reached the store since ``arm()``, the held one included.
    var cursorWrites: Int { lock.withLock { writesSinceArmed } }

    func arm() { lock.withLock { armed = true } }
    func release() { gate.resolve(()) }

    override func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?, maxPendingPerWebhook: Int?) async throws(StoreError) {
        let hold: Bool = lock.withLock {
            guard armed, cursor != nil else { return false }
            writesSinceArmed += 1
            return writesSinceArmed == 1
        }
        if hold { await gate.wait() }
        try await base.enqueue(deliveries, cursor: cursor, maxPendingPerWebhook: maxPendingPerWebhook)
    }
}

@Suite("The stored cursor never goes back")
struct CursorOrderTests {
    /// A flush computes the cursor held back by a pending read-back (1,999) and its write is slow; the read-back
    /// settles meanwhile and the settled flush computes 3,000. The slow write must not land last: the stored
    /// cursor would go back to 1,999 with nothing left pending to move it on (it did, on PostgreSQL in CI).
    /// The pending read-back is the refresher's own hold, settled by the test: no network, no timeouts.
    @Test func aSlowCursorWriteCannotLandAfterANewerOne() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let pipeline = try await Pipeline.make(network: network)
            defer { Task { await pipeline.cleanUp() } }
            let store = CursorHoldingStore(pipeline.store)
            let processor = EventProcessor(registry: pipeline.registry, store: store)
            let settle = processor.refresher.pendingChange(at: 2_000)

            // The first cursor write from here on is held: the event's own (if a second passed since the last
            // flush) or the flush after it. Either computes 1,999, behind the pending change.
            store.arm()
            let slow = Task {
                try await processor.process(
                    commitEvent(did: alice, time: 3_000, operation: "create", collection: "app.bsky.feed.like", rkey: "l1"))
                try await processor.flush()
            }
            #expect(try await eventually { store.cursorWrites == 1 }, "the slow write is in the store")
            // Settled in a task of its own: with the turns in place its flush waits until the slow write is let go.
            let settled = Task { await settle() }
            // The settled change's flush has either reached the store (the broken order) or waits its turn.
            #expect(try await eventually { store.cursorWrites == 2 || processor.cursorWrites.waiting > 0 })
            store.release()
            try await slow.value
            await settled.value
            // Behind the settled flush in the section's order: when it returns, that one has finished too.
            try await processor.flush()
            #expect(try await store.cursor(EventProcessor.cursorName) == 3_000)
        }
    }
}
