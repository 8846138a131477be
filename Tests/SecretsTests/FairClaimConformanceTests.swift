import Foundation
import Secrets
import Storage
import Testing
import Webhooks

/// What the fair delivery worker asks of every store: accounts with due work found by a skip scan, claims
/// capped per account and kept off busy hosts, and a silent host's deliveries backing off together.
@Suite("Fair claims conformance")
struct FairClaimConformanceTests {
    static func delivery(_ id: String, owner: String, host: String, at: Int64 = 1) -> NewDelivery {
        NewDelivery(
            id: id, owner: owner, webhookRKey: "w", url: "https://\(host)/hook", secretName: "s", inlineSecret: nil,
            body: Array("{\"id\":\"\(id)\"}".utf8), createdAt: at)
    }

    @Test(arguments: StoreKind.enabled)
    func dueOwnersAndPerOwnerClaims(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let queue = stores.deliveries
            // Account a has 50 due deliveries to a.example, b has 2 to b.example, c one not due yet.
            var batch = (0..<50).map { Self.delivery("a\($0)", owner: "did:plc:a", host: "a.example") }
            batch += [Self.delivery("b0", owner: "did:plc:b", host: "b.example"), Self.delivery("b1", owner: "did:plc:b", host: "B.Example:8443")]
            batch.append(Self.delivery("c0", owner: "did:plc:c", host: "c.example", at: 1_000))
            try await queue.enqueue(batch, cursor: nil)

            let due = try await queue.dueOwners(now: 10, after: "", limit: 10, countingUpTo: 8, excludingHosts: [])
            #expect(due == [OwnerDue(owner: "did:plc:a", count: 8), OwnerDue(owner: "did:plc:b", count: 2), OwnerDue(owner: "did:plc:c", count: 0)])
            #expect(
                try await queue.dueOwners(now: 10, after: "did:plc:a", limit: 1, countingUpTo: 8, excludingHosts: []).map(\.owner) == ["did:plc:b"])
            // A busy host's deliveries are neither counted nor claimed (hosts compare lowercased, without the port).
            #expect(
                try await queue.dueOwners(now: 10, after: "", limit: 10, countingUpTo: 8, excludingHosts: ["b.example"]).first {
                    $0.owner == "did:plc:b"
                }?
                .count == 0)
            let claimed = try await queue.claimDue(
                now: 10, owners: [OwnerDue(owner: "did:plc:a", count: 3), OwnerDue(owner: "did:plc:b", count: 5)], leaseUntil: 60_000,
                excludingHosts: [])
            #expect(claimed.filter { $0.delivery.owner == "did:plc:a" }.count == 3)
            #expect(Set(claimed.filter { $0.delivery.owner == "did:plc:b" }.map(\.delivery.id)) == ["b0", "b1"])
            // Claimed ones are leased: no longer due.
            #expect(try await queue.dueOwners(now: 10, after: "", limit: 1, countingUpTo: 100, excludingHosts: []).first?.count == 47)
            #expect(
                try await queue.claimDue(
                    now: 10, owners: [OwnerDue(owner: "did:plc:a", count: 5)], leaseUntil: 60_000, excludingHosts: ["a.example"]
                ).isEmpty)
        }
    }

    /// A fair claim goes round the accounts: after the last one served it wraps to the first, so an account
    /// served last time (the only one, say) is reached again on the next claim.
    @Test(arguments: StoreKind.enabled)
    func aFairClaimWrapsRoundTheAccounts(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let queue = stores.deliveries
            try await queue.enqueue(
                (0..<3).map { Self.delivery("a\($0)", owner: "did:plc:a", host: "a.example") }
                    + (0..<3).map { Self.delivery("c\($0)", owner: "did:plc:c", host: "c.example") }, cursor: nil)
            let everything: @Sendable ([OwnerDue]) -> [OwnerDue] = { $0 }
            let fromB = try await queue.claimFairly(
                now: 10, after: "did:plc:b", accountsLimit: 10, countingUpTo: 1, excludingHosts: [], leaseUntil: 60_000, allocate: everything)
            #expect(fromB.due.map(\.owner) == ["did:plc:c", "did:plc:a"], "c after b, then round to a")
            #expect(Set(fromB.claimed.map(\.delivery.owner)) == ["did:plc:a", "did:plc:c"])
            // Served last: c. Nothing after it but the wrap back to a and c itself.
            let fromC = try await queue.claimFairly(
                now: 10, after: "did:plc:c", accountsLimit: 10, countingUpTo: 1, excludingHosts: [], leaseUntil: 60_000, allocate: everything)
            #expect(fromC.due.map(\.owner) == ["did:plc:a", "did:plc:c"])
            #expect(fromC.claimed.count == 2)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aSilentHostsDeliveriesBackOffTogether(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let queue = stores.deliveries
            try await queue.enqueue(
                [
                    Self.delivery("s0", owner: "did:plc:a", host: "silent.example", at: 0),
                    Self.delivery("s1", owner: "did:plc:a", host: "silent.example"),
                    Self.delivery("s2", owner: "did:plc:b", host: "silent.example"), Self.delivery("o0", owner: "did:plc:a", host: "other.example"),
                ], cursor: nil)
            // s0 is in flight (leased): its own attempt will say what happened to it.
            let leased = try await queue.claimDue(now: 5, owners: [OwnerDue(owner: "did:plc:a", count: 1)], leaseUntil: 60_000, excludingHosts: [])
            #expect(leased.map(\.delivery.id) == ["s0"])
            let delays: [Int64] = [10_000, 20_000]
            #expect(try await queue.deferHost("silent.example", until: 3_000, error: "silent", retryDelays: delays, at: 100) == 2)
            var all = Dictionary(uniqueKeysWithValues: try await queue.deliveries(status: nil, limit: 10).map { ($0.delivery.id, $0) })
            #expect(all["s1"]?.attempts == 1 && all["s1"]?.nextAttemptAt == 10_100 && all["s1"]?.lastError == "silent")
            #expect(all["s0"]?.attempts == 0 && all["o0"]?.attempts == 0, "in flight, and another host: untouched")
            #expect(try await queue.deferHost("silent.example", until: 50_000, error: "silent", retryDelays: delays, at: 200) == 2)
            all = Dictionary(uniqueKeysWithValues: try await queue.deliveries(status: nil, limit: 10).map { ($0.delivery.id, $0) })
            #expect(all["s1"]?.attempts == 2 && all["s1"]?.nextAttemptAt == 50_000, "the later of the breaker and the schedule")
            _ = try await queue.deferHost("silent.example", until: 0, error: "silent", retryDelays: delays, at: 300)
            all = Dictionary(uniqueKeysWithValues: try await queue.deliveries(status: nil, limit: 10).map { ($0.delivery.id, $0) })
            #expect(all["s1"]?.status == .dead && all["s2"]?.status == .dead, "past the schedule: given up")
        }
    }
}
