import Crypto

/// Which of an event's matched webhooks get a delivery when more match than one event may queue.
///
/// Round-robin by account: every account with a match gets its first webhook before any gets a second, and no
/// account more than ``maxPerAccount``. The order of accounts within a round is a hash of the event and the
/// account (the same on every replica and on a replay, so the same delivery ids are queued), never sort order:
/// a DID ground to sort first wins nothing.
public struct FanOut: Sendable {
    /// Most webhooks one event queues deliveries for.
    public let maxTotal: Int
    /// Most of one account's webhooks one event queues deliveries for.
    public let maxPerAccount: Int

    public init(maxTotal: Int, maxPerAccount: Int) {
        self.maxTotal = max(0, maxTotal)
        self.maxPerAccount = max(0, maxPerAccount)
    }

    /// A webhook that matched but gets no delivery, and why.
    public struct Dropped: Sendable, Equatable {
        public let webhook: ActiveWebhook
        public let reason: String
    }

    /// The matches served (in round order) and those dropped with their reason. Linear in `matches`.
    public func select(_ matches: [ActiveWebhook], event: String) -> (served: [ActiveWebhook], dropped: [Dropped]) {
        guard matches.count > min(maxTotal, maxPerAccount) else { return (matches, []) }
        var byOwner: [String: [ActiveWebhook]] = [:]
        var owners: [String] = []
        for webhook in matches {
            if byOwner[webhook.owner] == nil { owners.append(webhook.owner) }
            byOwner[webhook.owner, default: []].append(webhook)
        }
        guard matches.count > maxTotal || byOwner.values.contains(where: { $0.count > maxPerAccount }) else { return (matches, []) }
        let salt = Array(event.utf8) + [0]
        let ranked = owners.map { owner in (Self.rank(salt, owner), owner) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1)
        var served: [ActiveWebhook] = []
        served.reserveCapacity(min(maxTotal, matches.count))
        var round = 0
        while served.count < maxTotal, round < maxPerAccount {
            var any = false
            for owner in ranked {
                guard let mine = byOwner[owner], round < mine.count else { continue }
                any = true
                served.append(mine[round])
                if served.count == maxTotal { break }
            }
            if !any { break }
            round += 1
        }
        let kept = Set(served.map { $0.owner + "\u{0}" + $0.rkey })
        var dropped: [Dropped] = []
        for owner in ranked {
            for (position, webhook) in byOwner[owner]!.enumerated() where !kept.contains(webhook.owner + "\u{0}" + webhook.rkey) {
                let reason =
                    position >= maxPerAccount
                    ? "not queued: more than \(maxPerAccount) of this account's webhooks matched one event"
                    : "not queued: more than \(maxTotal) webhooks matched one event (shared round-robin by account)"
                dropped.append(Dropped(webhook: webhook, reason: reason))
            }
        }
        return (served, dropped)
    }

    private static func rank(_ salt: [UInt8], _ owner: String) -> UInt64 {
        let digest = SHA256.hash(data: salt + Array(owner.utf8))
        return digest.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
}
