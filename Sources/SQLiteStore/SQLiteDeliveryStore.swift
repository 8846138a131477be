import Foundation
import GRDB
import Secrets
import Storage

extension SQLiteSecretStore: DeliveryStore {
    public func upsertWebhook(_ webhook: WebhookRegistration) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: """
                        INSERT INTO webhooks (owner, rkey, record, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (owner, rkey) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at,
                            disabled_reason = NULL, disabled_at = NULL, failing_since = NULL
                        """, arguments: [webhook.owner, webhook.rkey, Data(webhook.record), webhook.updatedAt])
            }
        }
    }

    public func removeWebhook(owner: String, rkey: String) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded { try db.execute(sql: "DELETE FROM webhooks WHERE owner = ? AND rkey = ?", arguments: [owner, rkey]) }
        }
    }

    public func webhooks() async throws(StoreError) -> [WebhookRegistration] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhooks").map(Self.registration)
        }
    }

    public func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?, maxPendingPerWebhook: Int?) async throws(StoreError) {
        let cursorName = cursor?.name
        let cursorValue = cursor?.value
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                // Under a cap the oldest are kept: in (createdAt, id) order.
                let ordered = maxPendingPerWebhook == nil ? deliveries : deliveries.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                var bodiesStored = Set<[UInt8]>()
                for delivery in ordered {
                    var (status, reason): (String, String?) = ("pending", nil)
                    if let notQueued = delivery.notQueued {
                        (status, reason) = ("cancelled", notQueued)
                    } else if let cap = maxPendingPerWebhook {
                        // Bounded work: counts at most `cap` rows of the partial index of pending deliveries.
                        let pending =
                            try Int.fetchOne(
                                db.cachedStatement(
                                    sql: """
                                        SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE owner = ? AND webhook_rkey = ? AND status = 'pending' LIMIT ?)
                                        """), arguments: [delivery.owner, delivery.webhookRKey, cap]) ?? 0
                        if pending >= cap { (status, reason) = ("cancelled", NewDelivery.overCapReason(cap)) }
                    }
                    // A delivery that will never be sent keeps no body; the others share their event's.
                    var (body, digest): (Data, Data?) = (Data(), nil)
                    if status == "pending" {
                        if let template = DeliveryBody(body: delivery.body, id: delivery.id) {
                            if bodiesStored.insert(template.digest).inserted {
                                try db.cachedStatement(
                                    sql:
                                        "INSERT INTO delivery_bodies (digest, template, id_offset, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING"
                                ).execute(arguments: [Data(template.digest), Data(template.template), template.idOffset, delivery.createdAt])
                            }
                            digest = Data(template.digest)
                        } else {
                            body = Data(delivery.body)
                        }
                    }
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO deliveries (id, owner, webhook_rkey, url, host, secret_name, inline_secret_fingerprint, body, body_digest,
                                status, last_error, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (id) DO NOTHING
                            """
                    ).execute(
                        arguments: [
                            delivery.id, delivery.owner, delivery.webhookRKey, delivery.url, delivery.host, delivery.secretName,
                            delivery.inlineSecretFingerprint.map { Data($0) }, body, digest, status, reason, delivery.createdAt,
                            delivery.createdAt, delivery.createdAt,
                        ])
                }
                if let cursorName, let cursorValue {
                    try db.execute(
                        sql: "INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        arguments: [cursorName, cursorValue])
                }
            }
        }
    }

    public func cursor(_ name: String) async throws(StoreError) -> Int64? {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT value FROM cursors WHERE name = ?", arguments: [name]) }
    }

    public func claimDue(now: Int64, limit: Int, leaseUntil: Int64) async throws(StoreError) -> [Delivery] {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                // Cached statements: the claim loop and every outcome run these; compiling them each time was a
                // measurable share of a delivery's cost.
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: Self.selectClaimable + " ORDER BY d.next_attempt_at LIMIT ?"), arguments: [now, now, limit])
                return try Self.lease(rows, until: leaseUntil, db)
            }
        }
    }

    public func dueOwners(now: Int64, after: String, limit: Int, countingUpTo: Int, excludingHosts: [String]) async throws(StoreError) -> [OwnerDue] {
        guard limit > 0, countingUpTo > 0 else { return [] }
        let excluded = Self.hostList(excludingHosts)
        return try await read { db in
            try Self.scanOwners(db, now: now, after: after, wrapping: false, limit: limit, countingUpTo: countingUpTo, excluded: excluded)
        }
    }

    /// A skip scan of the partial index of pending deliveries: one seek per account, then at most `countingUpTo` steps
    /// into its due ones (not to the `excluded` hosts, a JSON array). From just after `after` to the end and, when
    /// `wrapping`, on from the start up to `after` itself.
    private static func scanOwners(
        _ db: Database, now: Int64, after: String, wrapping: Bool, limit: Int, countingUpTo: Int, excluded: String
    ) throws -> [OwnerDue] {
        let next = try db.cachedStatement(
            sql: "SELECT owner FROM deliveries INDEXED BY deliveries_pending_owner WHERE status = 'pending' AND owner > ? ORDER BY owner LIMIT 1")
        let count = try db.cachedStatement(
            sql: """
                SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE status = 'pending' AND owner = ? AND next_attempt_at <= ?
                    AND (lease_until IS NULL OR lease_until < ?) AND (host IS NULL OR host NOT IN (SELECT value FROM json_each(?))) LIMIT ?)
                """)
        var owners: [OwnerDue] = []
        var cursor = after
        var wrapped = false
        while owners.count < limit {
            guard let owner = try String.fetchOne(next, arguments: [cursor]), !(wrapped && owner > after) else {
                if wrapped || !wrapping || after.isEmpty { break }
                (wrapped, cursor) = (true, "")
                continue
            }
            owners.append(OwnerDue(owner: owner, count: try Int.fetchOne(count, arguments: [owner, now, now, excluded, countingUpTo]) ?? 0))
            cursor = owner
        }
        return owners
    }

    /// Leases at most each listed account's count of its earliest due deliveries (none to the `excluded` hosts).
    private static func claim(_ db: Database, now: Int64, owners: [OwnerDue], leaseUntil: Int64, excluded: String) throws -> [Delivery] {
        let pick = try db.cachedStatement(
            sql: Self.selectClaimable
                + " AND d.owner = ? AND (d.host IS NULL OR d.host NOT IN (SELECT value FROM json_each(?))) ORDER BY d.next_attempt_at LIMIT ?")
        var claimed: [Delivery] = []
        for owner in owners where owner.count > 0 {
            claimed += try lease(Row.fetchAll(pick, arguments: [now, now, owner.owner, excluded, owner.count]), until: leaseUntil, db)
        }
        return claimed
    }

    public func claimDue(now: Int64, owners: [OwnerDue], leaseUntil: Int64, excludingHosts: [String]) async throws(StoreError) -> [Delivery] {
        guard owners.contains(where: { $0.count > 0 }) else { return [] }
        let excluded = Self.hostList(excludingHosts)
        return try await committer.write { db throws(StoreError) in
            try Self.guarded { try Self.claim(db, now: now, owners: owners, leaseUntil: leaseUntil, excluded: excluded) }
        }
    }

    /// One write job (so one group commit, and no reads that a claim could race): the skip scan, the allocation
    /// and the claims.
    public func claimFairly(
        now: Int64, after: String, accountsLimit: Int, countingUpTo: Int, excludingHosts: [String], leaseUntil: Int64,
        allocate: @escaping @Sendable ([OwnerDue]) -> [OwnerDue]
    ) async throws(StoreError) -> (due: [OwnerDue], claimed: [Delivery]) {
        guard accountsLimit > 0, countingUpTo > 0 else { return ([], []) }
        let excluded = Self.hostList(excludingHosts)
        return try await committer.write { db throws(StoreError) in
            try Self.guarded {
                let due = try Self.scanOwners(
                    db, now: now, after: after, wrapping: true, limit: accountsLimit, countingUpTo: countingUpTo, excluded: excluded)
                return (due, try Self.claim(db, now: now, owners: allocate(due), leaseUntil: leaseUntil, excluded: excluded))
            }
        }
    }

    public func deferHost(_ host: String, until: Int64, error: String, retryDelays: [Int64], at: Int64) async throws(StoreError) -> Int {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: """
                        UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = max(next_attempt_at, ?, ? + \(Self.retryDelay(retryDelays))),
                            last_error = ?, updated_at = ?, status = CASE WHEN attempts + 1 > ? THEN 'dead' ELSE 'pending' END
                        WHERE status = 'pending' AND host = ? AND (lease_until IS NULL OR lease_until < ?)
                        """, arguments: [until, at, error, at, retryDelays.count, host, at])
                return db.changesCount
            }
        }
    }

    /// `CASE attempts + 1 WHEN 1 THEN d1 … ELSE 0 END`: the schedule's delay after the attempt being counted
    /// (literal integers from the worker's configuration, never from outside).
    static func retryDelay(_ delays: [Int64]) -> String {
        "(CASE attempts + 1 " + delays.enumerated().map { "WHEN \($0.offset + 1) THEN \(max(0, $0.element))" }.joined(separator: " ") + " ELSE 0 END)"
    }

    /// Hosts as the JSON array `json_each` reads.
    static func hostList(_ hosts: [String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: hosts)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Due, unleased pending deliveries with their body and their webhook's stored state; arguments `now, now`.
    static let selectClaimable = """
        SELECT d.*, b.template AS body_template, b.id_offset AS body_id_offset, w.rkey AS webhook_stored,
            w.disabled_reason AS webhook_disabled_reason, w.failing_since AS webhook_failing_since
        FROM deliveries d LEFT JOIN webhooks w ON w.owner = d.owner AND w.rkey = d.webhook_rkey
            LEFT JOIN delivery_bodies b ON b.digest = d.body_digest
        WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
        """

    /// Leases `rows` (from ``selectClaimable``) until `leaseUntil` or later.
    private static func lease(_ rows: [Row], until leaseUntil: Int64, _ db: Database) throws -> [Delivery] {
        let claim = try db.cachedStatement(sql: "UPDATE deliveries SET lease_until = ? WHERE id = ?")
        var claimed: [Delivery] = []
        for row in rows {
            let id: String = row["id"]
            // A lease always grows: never equal to one this delivery had, so old claims stay fenced out.
            let previous: Int64? = row["lease_until"]
            let lease = max(leaseUntil, (previous ?? 0) + 1)
            try claim.execute(arguments: [lease, id])
            let stored: String? = row["webhook_stored"]
            claimed.append(
                delivery(
                    row, lease: lease,
                    webhookState: stored == nil
                        ? nil
                        : Delivery.WebhookState(disabledReason: row["webhook_disabled_reason"], failingSince: row["webhook_failing_since"])))
        }
        return claimed
    }

    public func releaseAllLeases() async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded { try db.execute(sql: "UPDATE deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL") }
        }
    }

    @discardableResult
    public func markDelivered(id: String, lease: Int64, attempts: Int, at: Int64) async throws(StoreError) -> Bool {
        try await mark(
            "UPDATE deliveries SET status = 'delivered', attempts = ?, lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ? AND lease_until = ?",
            [attempts, at, id, lease])
    }

    @discardableResult
    public func markRetry(id: String, lease: Int64, attempts: Int, nextAttemptAt: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await mark(
            "UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_until = ?",
            [attempts, nextAttemptAt, error, at, id, lease])
    }

    @discardableResult
    public func markDead(id: String, lease: Int64, attempts: Int, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await mark(
            "UPDATE deliveries SET status = 'dead', attempts = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_until = ?",
            [attempts, error, at, id, lease])
    }

    @discardableResult
    public func markCancelled(id: String, lease: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        try await mark(
            "UPDATE deliveries SET status = 'cancelled', last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_until = ?",
            [error, at, id, lease])
    }

    public func pruneDeliveries(status: DeliveryStatus, updatedBefore before: Int64, limit: Int) async throws(StoreError) -> Int {
        guard status != .pending, limit > 0 else { return 0 }
        return try await committer.write { db throws(StoreError) in
            try Self.guarded {
                let ids = try String.fetchAll(
                    db, sql: "SELECT id FROM deliveries WHERE status = ? AND updated_at < ? LIMIT ?",
                    arguments: [status.rawValue, before, limit])
                guard !ids.isEmpty else { return 0 }
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                let digests = try Data.fetchAll(
                    db, sql: "SELECT DISTINCT body_digest FROM deliveries WHERE id IN (\(marks)) AND body_digest IS NOT NULL",
                    arguments: StatementArguments(ids))
                try db.execute(sql: "DELETE FROM delivery_attempts WHERE delivery_id IN (\(marks))", arguments: StatementArguments(ids))
                try db.execute(sql: "DELETE FROM deliveries WHERE id IN (\(marks))", arguments: StatementArguments(ids))
                let deleted = db.changesCount
                // A body goes with the last delivery that shares it.
                let orphan = try db.cachedStatement(
                    sql: "DELETE FROM delivery_bodies WHERE digest = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE body_digest = ?)")
                for digest in digests { try orphan.execute(arguments: [digest, digest]) }
                return deleted
            }
        }
    }

    public func setWebhookDisabled(owner: String, rkey: String, reason: String?, at: Int64) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: "UPDATE webhooks SET disabled_reason = ?, disabled_at = ? WHERE owner = ? AND rkey = ?",
                    arguments: [reason, reason == nil ? nil : at, owner, rkey])
            }
        }
    }

    public func noteWebhookFailure(owner: String, rkey: String, at: Int64) async throws(StoreError) -> Int64? {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: "UPDATE webhooks SET failing_since = coalesce(failing_since, ?) WHERE owner = ? AND rkey = ?",
                    arguments: [at, owner, rkey])
                return try Int64.fetchOne(db, sql: "SELECT failing_since FROM webhooks WHERE owner = ? AND rkey = ?", arguments: [owner, rkey])
            }
        }
    }

    public func clearWebhookFailure(owner: String, rkey: String) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(sql: "UPDATE webhooks SET failing_since = NULL WHERE owner = ? AND rkey = ?", arguments: [owner, rkey])
            }
        }
    }

    public func noteReadbackFailure(owner: String, rkey: String, error: String, at: Int64, backoff: ClosedRange<Int64>) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: """
                        INSERT INTO webhook_readbacks (owner, rkey, since, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, 1, ? + ?, ?)
                        ON CONFLICT (owner, rkey) DO UPDATE SET attempts = attempts + 1,
                            next_attempt_at = ? + min(?, ? * (1 << min(attempts, 20))), last_error = excluded.last_error
                        """,
                    arguments: [
                        owner, rkey, at, at, backoff.lowerBound, String(error.prefix(500)), at, backoff.upperBound, backoff.lowerBound,
                    ])
            }
        }
    }

    public func clearReadback(owner: String, rkey: String) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.cachedStatement(sql: "DELETE FROM webhook_readbacks WHERE owner = ? AND rkey = ?").execute(arguments: [owner, rkey])
            }
        }
    }

    public func pendingReadbacks(owner: String?, dueAt now: Int64?, limit: Int) async throws(StoreError) -> [PendingReadback] {
        try await read { db in
            var sql = "SELECT * FROM webhook_readbacks WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let owner {
                sql += " AND owner = ?"
                arguments += [owner]
            }
            if let now {
                sql += " AND next_attempt_at <= ?"
                arguments += [now]
            }
            sql += " ORDER BY next_attempt_at LIMIT ?"
            arguments += [max(0, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                PendingReadback(
                    owner: $0["owner"], rkey: $0["rkey"], since: $0["since"], attempts: $0["attempts"], nextAttemptAt: $0["next_attempt_at"],
                    lastError: $0["last_error"])
            }
        }
    }

    public func deliveries(status: DeliveryStatus?, limit: Int) async throws(StoreError) -> [Delivery] {
        try await read { db in
            if let status {
                return try Row.fetchAll(
                    db, sql: "\(Self.selectDeliveries) WHERE d.status = ? ORDER BY d.updated_at DESC LIMIT ?",
                    arguments: [status.rawValue, limit]
                ).map(Self.delivery)
            }
            return try Row.fetchAll(db, sql: "\(Self.selectDeliveries) ORDER BY d.updated_at DESC LIMIT ?", arguments: [limit]).map(Self.delivery)
        }
    }

    public func deliveryCounts() async throws(StoreError) -> [DeliveryStatus: Int] {
        try await read { db in
            var counts: [DeliveryStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status") {
                if let status = DeliveryStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    /// Runs one fenced update; whether it matched the delivery under its lease.
    private func mark(_ sql: String, _ arguments: StatementArguments) async throws(StoreError) -> Bool {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.cachedStatement(sql: sql).execute(arguments: arguments)
                return db.changesCount > 0
            }
        }
    }

    public func queuedBodyBytes(owner: String) async throws(StoreError) -> Int64 {
        try await read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(coalesce(length(b.template), length(d.body))), 0)
                    FROM deliveries d LEFT JOIN delivery_bodies b ON b.digest = d.body_digest
                    WHERE d.owner = ? AND d.status = 'pending'
                    """, arguments: [owner]) ?? 0
        }
    }

    public func queueBytes() async throws(StoreError) -> Int64 {
        try await read { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return (pages - free) * size
        }
    }

    /// Deliveries (`d`) with their event's stored body: ``delivery(_:)`` reads these rows.
    static let selectDeliveries = """
        SELECT d.*, b.template AS body_template, b.id_offset AS body_id_offset
        FROM deliveries d LEFT JOIN delivery_bodies b ON b.digest = d.body_digest
        """

    static func delivery(_ row: Row) -> Delivery { delivery(row, lease: row["lease_until"]) }

    static func delivery(_ row: Row, lease: Int64?, webhookState: Delivery.WebhookState? = nil) -> Delivery {
        var body: Data = row["body"]
        if let template: Data = row["body_template"], let offset: Int = row["body_id_offset"] {
            body = Data(DeliveryBody(template: [UInt8](template), idOffset: offset).body(id: row["id"]) ?? [])
        }
        // Rows queued before v4 kept the plaintext (the migration replaced it; this is for a file migrated mid-write).
        let legacy: String? = row["inline_secret"]
        let fingerprint: Data? = row["inline_secret_fingerprint"]
        let new = NewDelivery(
            id: row["id"], owner: row["owner"], webhookRKey: row["webhook_rkey"], url: row["url"],
            secretName: row["secret_name"],
            inlineSecretFingerprint: fingerprint.map { [UInt8]($0) } ?? legacy.map(NewDelivery.fingerprint(ofInlineSecret:)),
            body: [UInt8](body), createdAt: row["created_at"])
        return Delivery(
            delivery: new, status: DeliveryStatus(rawValue: row["status"]) ?? .dead, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"], updatedAt: row["updated_at"], leaseUntil: lease,
            webhookState: webhookState)
    }
}

extension SQLiteSecretStore {
    /// A `webhooks` row as a registration.
    static func registration(_ row: Row) -> WebhookRegistration {
        let record: Data = row["record"]
        return WebhookRegistration(
            owner: row["owner"], rkey: row["rkey"], record: [UInt8](record), updatedAt: row["updated_at"],
            disabledReason: row["disabled_reason"], failingSince: row["failing_since"])
    }
}
