import Storage

/// How the delivery worker shares its in-flight slots between accounts.
///
/// Each account with work may hold at most `cap` attempts in flight: the slots, less a reserve kept for an
/// account that has none yet, divided by the accounts that have work. Free slots go round-robin, one per account
/// per round, in the order the accounts are listed (the worker rotates that order). So an account whose
/// receivers hang holds at most its share, however deep its queue, and an account that just got work finds a
/// free slot at once or, when every account is at its share, the next one that frees.
public enum FairShare {
    /// The most one account may hold in flight when `active` accounts have work (never below 1).
    public static func cap(concurrency: Int, active: Int) -> Int {
        let usable = concurrency - concurrency / 8
        return max(1, usable / max(1, active))
    }

    /// How many of each account's due deliveries to claim now. `due` is in round-robin order; `inFlight` counts
    /// each account's attempts already running. Linear in `due` times the slots handed out.
    public static func allocate(room: Int, concurrency: Int, due: [OwnerDue], inFlight: [String: Int]) -> [OwnerDue] {
        guard room > 0 else { return [] }
        var active = Set(inFlight.filter { $0.value > 0 }.keys)
        for owner in due where owner.count > 0 { active.insert(owner.owner) }
        let cap = Self.cap(concurrency: concurrency, active: active.count)
        var given = [Int](repeating: 0, count: due.count)
        var left = room
        var progressed = true
        while left > 0 && progressed {
            progressed = false
            for (index, owner) in due.enumerated() where left > 0 {
                guard given[index] < owner.count, inFlight[owner.owner, default: 0] + given[index] < cap else { continue }
                given[index] += 1
                left -= 1
                progressed = true
            }
        }
        return zip(due, given).compactMap { owner, count in count > 0 ? OwnerDue(owner: owner.owner, count: count) : nil }
    }
}
