import AsyncPrimitives
import Foundation
import SigilTestSupport
import Storage
import Testing

@testable import Webhooks

@Suite("Delivery outcomes and admission")
struct DeliveryOutcomeTests {
    /// What each receiver status means: 401/403 are retried (the receiver may not have a just-rotated token
    /// yet), as are 408, 409, 423, 425, 429 and 5xx; 410 is final and pauses the webhook; other statuses are
    /// final; 2xx is delivered.
    @Test(
        arguments: [
            (200, "delivered"), (204, "delivered"), (299, "delivered"),
            (401, "retry"), (403, "retry"), (408, "retry"), (409, "retry"), (423, "retry"), (425, "retry"), (429, "retry"),
            (500, "retry"), (503, "retry"), (599, "retry"),
            (410, "gone"),
            (301, "dead"), (400, "dead"), (404, "dead"), (413, "dead"), (422, "dead"), (600, "dead"), (100, "dead"),
        ] as [(UInt, String)])
    func statuses(_ status: UInt, _ expected: String) {
        switch DeliveryWorker.outcome(status: status) {
        case .delivered: #expect(expected == "delivered", "\(status)")
        case .retry: #expect(expected == "retry", "\(status)")
        case .dead: #expect(expected == "dead", "\(status)")
        case .gone: #expect(expected == "gone", "\(status)")
        case .requeue, .cancel: Issue.record("\(status) requeued or cancelled")
        }
    }

    /// `Retry-After` in seconds or as an HTTP date; junk and overflow-sized numbers are ignored; past dates are 0.
    @Test(
        arguments: [
            ("2", Int64(2_000)), (" 120 ", 120_000), ("0", 0), ("9999999999", 9_999_999_999_000),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 0),
            ("Wed, 01 Dec 2027 00:00:10 GMT", 10_000),
            ("Wednesday, 01-Dec-27 00:00:10 GMT", 10_000),
            ("Wed Dec  1 00:00:10 2027", 10_000),
            ("Tue Dec 14 00:00:10 2027", 13 * 86_400_000 + 10_000),
            ("Tue, 29 Feb 2028 00:00:00 GMT", 90 * 86_400_000),  // a leap day
            ("Tuesday, 01-Dec-76 00:00:00 GMT", (49 * 365 + 13) * 86_400_000),  // 2076: 49 years (13 leap days) ahead
            ("Thursday, 01-Dec-78 00:00:00 GMT", 0),  // 2078 would be 51 ahead: 1978, past
            ("Wed, 01 Dec 2027 00:00:60 GMT", 60_000),  // a leap second
        ] as [(String, Int64)])
    func retryAfterValues(_ header: String, _ expected: Int64) {
        let now: Int64 = 1_827_619_200_000  // 2027-12-01T00:00:00Z
        #expect(RetryAfter.milliseconds(header, now: now) == expected, "\(header)")
    }

    @Test(arguments: [
        "", "-1", "1.5", "12345678901", "soon", "2 s", String(repeating: "9", count: 400), "Wed, 99 Foo 2027 00:00:10 GMT",
        "Wed, 31 Feb 2027 00:00:10 GMT", "Mon, 29 Feb 2027 00:00:00 GMT", "Wed, 01 Dec 2027 24:00:00 GMT", "Wed, 01 Dec 2027 00:60:00 GMT",
        "Wed, 1 Dec 2027 00:00:10 GMT", "Wed, 01 Dec 2027 00:00:10 gmt", "Wed, 01 Dec 2027 00:00:10 UTC",
        "Wed, 01 Dec 2027 00:00:10 GMTX", "Wednesday, 01-Dec-2027 00:00:10 GMT", "Wed Dec 1 00:00:10 2027", "Wed Dec 01 00:00:10 2027x",
        "Wed, 01 Dec +027 00:00:10 GMT", "Wed, 0x Dec 2027 00:00:10 GMT", "Funday, 01-Dec-27 00:00:10 GMT",
    ])
    func malformedRetryAfterIsIgnored(_ header: String) {
        #expect(RetryAfter.milliseconds(header, now: 0) == nil, "\(header)")
    }

    /// The hand-written HTTP-date parser agrees with Foundation's formatter on IMF-fixdates across 1970–2399.
    @Test func httpDatesAgreeWithFoundation() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds: Int64 = 0
        for step in 0..<2_000 {
            seconds = (seconds + 6_700_417 * Int64(step + 1)) % 13_569_465_600  // up to 2400-01-01
            let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(HTTPDate.seconds(Array(text.utf8), now: 0) == seconds, "\(text)")
        }
    }

    /// A full host makes waiters give up after their timeout, holding nothing; a slot that frees passes to
    /// the next waiter; without a timeout a waiter waits.
    @Test func hostSlotsBoundTheWait() async throws {
        let slots = HostSlots()
        #expect(await slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)))
        #expect(await !slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)), "the host is full")
        #expect(await slots.waiters("h") == 0, "the timed-out waiter left the queue")
        #expect(await slots.acquire("other", limit: 1, waitingAtMost: .milliseconds(50)), "another host is not")
        // A hand-off: the waiter is queued before the slot is released, and gets it without the count dropping.
        // Bounded, so that broken code fails instead of hanging.
        let waiter = Task { await slots.acquire("h", limit: 1, waitingAtMost: .seconds(10)) }
        #expect(try await eventually { await slots.waiters("h") == 1 })
        await slots.release("h")
        #expect(await waiter.value, "the freed slot went to the waiter")
        let (holders, waiters) = (await slots.holders("h"), await slots.waiters("h"))
        #expect(holders == 1 && waiters == 0, "handed over: still one holder")
        await slots.release("h")
        #expect(await slots.holders("h") == 0)
        #expect(await slots.acquire("h", limit: 1, waitingAtMost: .milliseconds(50)), "the timed-out waiter held nothing")
    }
}

/// One worker runs one claim loop: a second run() while the first runs returns at once, instead of a second loop
/// sharing (and losing) the first one's wake-ups.
@Suite("One claim loop per worker")
struct OneClaimLoopTests {
    @Test func aSecondRunReturnsAtOnce() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let pipeline = try await Pipeline.make(network: network)
            let first = Task { try await pipeline.worker.run() }
            #expect(try await eventually { pipeline.worker.running })
            let returned = OneShot<Void>()
            let second = Task {
                try await pipeline.worker.run()
                returned.resolve(())
            }
            // Bounded: broken code keeps a second loop running and this condition times out.
            let secondReturned = try await eventually(.seconds(10)) { returned.isResolved }
            #expect(secondReturned, "the second run() is still running")
            first.cancel()
            second.cancel()
            // Two loops lose each other's wake-ups and may never return: wait for them only when the guard held.
            if secondReturned { _ = try? await first.value }
            await pipeline.cleanUp()
        }
    }
}
