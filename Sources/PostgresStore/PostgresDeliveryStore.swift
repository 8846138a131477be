import Foundation
import Logging
import PostgresNIO
import Secrets
import Storage

/// The PostgreSQL ``DeliveryStore``: webhook registrations, named cursors and the delivery queue, in the same
/// schema as the secrets (migration 2), with the columns of the SQLite store.
///
/// Several replicas share the queue. A claim is one statement that locks the due rows it picks with
/// `FOR UPDATE SKIP LOCKED` and leases them, so two replicas never claim the same delivery; a lease that
/// runs out (its replica crashed) makes the delivery claimable again. Enqueueing (with its cursor) is one
/// transaction.
extension PostgresSecretStore: DeliveryStore {
    /// How many deliveries one `INSERT` of ``enqueue(_:cursor:)`` carries (8 parameters each; a statement
    /// takes at most 65,535).
    static let enqueueBatchSize = 500

    // MARK: - Webhooks

    public func upsertWebhook(_ webhook: WebhookRegistration) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "upsertWebhook",
            """
            INSERT INTO \(unescaped: t.webhooks) (owner, rkey, record, updated_at)
            VALUES (\(webhook.owner), \(webhook.rkey), \(ByteBuffer(bytes: webhook.record)), \(webhook.updatedAt))
            ON CONFLICT (owner, rkey) DO UPDATE SET record = EXCLUDED.record, updated_at = EXCLUDED.updated_at,
                disabled_reason = NULL, disabled_at = NULL, failing_since = NULL
            """)
    }

    public func removeWebhook(owner: String, rkey: String) async throws(StoreError) {
        let t = tables
        _ = try await read("removeWebhook", "DELETE FROM \(unescaped: t.webhooks) WHERE owner = \(owner) AND rkey = \(rkey)")
    }

    public func webhooks() async throws(StoreError) -> [WebhookRegistration] {
        let t = tables
        let rows = try await read(
            "webhooks",
            """
            SELECT owner, rkey, record, updated_at, disabled_reason, failing_since FROM \(unescaped: t.webhooks) ORDER BY owner, rkey
            """)
        return try decoding("webhooks") { try rows.map(Self.registration) }
    }

    // MARK: - Queue

    /// One transaction: multi-row `INSERT … ON CONFLICT (id) DO NOTHING` (``enqueueBatchSize`` rows per
    /// statement), then the cursor. Ids repeated within `deliveries` keep their first occurrence, and rows are
    /// inserted in id order, so two replicas enqueueing overlapping batches at once cannot deadlock.
    public func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?, maxPendingPerWebhook: Int?) async throws(StoreError) {
        var seen = Set<String>()
        let unique = deliveries.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
        if unique.isEmpty && cursor == nil { return }
        let t = tables
        let cursorName = cursor?.name
        let cursorValue = cursor?.value
        try await transaction("enqueue") { connection, logger in
            // Over the cap: stored cancelled with the reason; the oldest (by createdAt, then id) are kept.
            var refused = Set<String>()
            if let cap = maxPendingPerWebhook {
                let byWebhook = Dictionary(grouping: unique) { [$0.owner, $0.webhookRKey] }
                for key in byWebhook.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    let rows = try await connection.deliveryRows(
                        """
                        SELECT count(*) FROM (SELECT 1 FROM \(unescaped: t.deliveries)
                            WHERE owner = \(key[0]) AND webhook_rkey = \(key[1]) AND status = 'pending' LIMIT \(Int64(cap))) AS pending
                        """, logger)
                    var room = cap - Int(try rows.first?.decode(Int64.self) ?? 0)
                    for delivery in byWebhook[key, default: []].sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
                        if room > 0 { room -= 1 } else { refused.insert(delivery.id) }
                    }
                }
            }
            let overCap = maxPendingPerWebhook.map { NewDelivery.overCapReason($0) }
            // A delivery that will never be sent keeps no body; the others share their event's, stored once.
            var templates: [String: DeliveryBody] = [:]
            var reasons: [String: String] = [:]
            var newBodies: [[UInt8]: (DeliveryBody, Int64)] = [:]
            for delivery in unique {
                if let notQueued = delivery.notQueued {
                    reasons[delivery.id] = notQueued
                } else if refused.contains(delivery.id), let overCap {
                    reasons[delivery.id] = overCap
                } else if let template = DeliveryBody(body: delivery.body, id: delivery.id) {
                    templates[delivery.id] = template
                    if newBodies[template.digest] == nil { newBodies[template.digest] = (template, delivery.createdAt) }
                }
            }
            for (template, createdAt) in newBodies.values.sorted(by: { $0.0.digest.lexicographicallyPrecedes($1.0.digest) }) {
                try await connection.deliveryRows(
                    """
                    INSERT INTO \(unescaped: t.bodies) (digest, template, id_offset, created_at)
                    VALUES (\(ByteBuffer(bytes: template.digest)), \(ByteBuffer(bytes: template.template)), \(Int64(template.idOffset)), \(createdAt))
                    ON CONFLICT (digest) DO UPDATE SET created_at = GREATEST(\(unescaped: t.bodies).created_at, EXCLUDED.created_at)
                    """, logger)
            }
            for start in stride(from: 0, to: unique.count, by: Self.enqueueBatchSize) {
                let batch = unique[start..<min(start + Self.enqueueBatchSize, unique.count)]
                try await connection.deliveryRows(Self.insertDeliveries(batch, into: t.deliveries, reasons: reasons, templates: templates), logger)
            }
            if let cursorName, let cursorValue {
                try await connection.deliveryRows(
                    """
                    INSERT INTO \(unescaped: t.cursors) (name, value) VALUES (\(cursorName), \(cursorValue))
                    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                    """, logger)
            }
        }
    }

    /// `INSERT … VALUES (…), (…), … ON CONFLICT (id) DO NOTHING` for `batch`, new deliveries due at once; those with
    /// a reason are stored cancelled without a body, those with a template refer to their event's stored body.
    private static func insertDeliveries(
        _ batch: ArraySlice<NewDelivery>, into table: String, reasons: [String: String], templates: [String: DeliveryBody]
    ) -> PostgresQuery {
        var sql = """
            INSERT INTO \(table) (id, owner, webhook_rkey, url, secret_name, inline_secret_fingerprint, body, status, last_error,
                next_attempt_at, created_at, updated_at, body_digest, host) VALUES
            """
        var binds = PostgresBindings(capacity: batch.count * 12)
        for (index, delivery) in batch.enumerated() {
            let p = index * 12
            sql += index == 0 ? "\n" : ",\n"
            sql +=
                "($\(p + 1), $\(p + 2), $\(p + 3), $\(p + 4), $\(p + 5), $\(p + 6), $\(p + 7), $\(p + 9), $\(p + 10), $\(p + 8), $\(p + 8), $\(p + 8), $\(p + 11), $\(p + 12))"
            let reason = reasons[delivery.id]
            let template = templates[delivery.id]
            binds.append(delivery.id)
            binds.append(delivery.owner)
            binds.append(delivery.webhookRKey)
            binds.append(delivery.url)
            binds.append(delivery.secretName)
            binds.append(delivery.inlineSecretFingerprint.map { ByteBuffer(bytes: $0) })
            binds.append(ByteBuffer(bytes: reason != nil || template != nil ? [] : delivery.body))
            binds.append(delivery.createdAt)
            binds.append(reason == nil ? "pending" : "cancelled")
            binds.append(reason)
            binds.append(template.map { ByteBuffer(bytes: $0.digest) })
            binds.append(delivery.host)
        }
        sql += "\nON CONFLICT (id) DO NOTHING"
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    public func cursor(_ name: String) async throws(StoreError) -> Int64? {
        let t = tables
        let rows = try await read("cursor", "SELECT value FROM \(unescaped: t.cursors) WHERE name = \(name)")
        guard let row = rows.first else { return nil }
        return try decoding("cursor") { try row.decode(Int64.self) }
    }

    /// One statement: picks up to `limit` due, unleased pending deliveries in `next_attempt_at` order, locking
    /// them with `FOR UPDATE SKIP LOCKED` (rows another replica is claiming right now are passed over, not
    /// waited for; rows it has just leased no longer match), and sets their lease. So two replicas never claim
    /// the same delivery. The pick is a `MATERIALIZED` CTE rather than `WHERE id IN (subquery)`, so that it runs
    /// exactly once: a subquery with `LIMIT … FOR UPDATE SKIP LOCKED` that the planner rescans (the inner side of
    /// a nested loop) can lock and return more rows than `limit`.
    public func claimDue(now: Int64, limit: Int, leaseUntil: Int64) async throws(StoreError) -> [Delivery] {
        guard limit > 0 else { return [] }
        let t = tables
        let rows = try await read(
            "claimDue",
            """
            WITH due AS MATERIALIZED (
                SELECT id FROM \(unescaped: t.deliveries)
                WHERE status = 'pending' AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until < \(now))
                ORDER BY next_attempt_at LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
            )
            UPDATE \(unescaped: t.deliveries) AS d SET lease_until = GREATEST(\(leaseUntil), coalesce(d.lease_until, 0) + 1)
            FROM due WHERE d.id = due.id
            RETURNING \(unescaped: deliveryColumns),
                (SELECT ARRAY[coalesce(s.disabled_reason, ''), coalesce(s.failing_since::text, ''), CASE WHEN s.disabled_reason IS NULL THEN '0' ELSE '1' END]
                 FROM \(unescaped: t.webhooks) AS s WHERE s.owner = d.owner AND s.rkey = d.webhook_rkey)
            """)
        return try decodeClaimed(rows)
    }

    /// Claimed rows (``deliveryColumns`` and the webhook's stored state), in due order.
    private func decodeClaimed(_ rows: [PostgresRow]) throws(StoreError) -> [Delivery] {
        let claimed = try decoding("claimDue") {
            try rows.map { row in
                let delivery = try Self.delivery(row)
                let random = row.makeRandomAccess()
                let state = try random[random.count - 1].decode([String]?.self).map { parts in
                    Delivery.WebhookState(
                        disabledReason: parts.count == 3 && parts[2] == "1" ? parts[0] : nil,
                        failingSince: parts.count == 3 ? Int64(parts[1]) : nil)
                }
                return Delivery(
                    delivery: delivery.delivery, status: delivery.status, attempts: delivery.attempts, nextAttemptAt: delivery.nextAttemptAt,
                    lastError: delivery.lastError, updatedAt: delivery.updatedAt, leaseUntil: delivery.leaseUntil, webhookState: state)
            }
        }
        // RETURNING has no order of its own.
        return claimed.sorted { ($0.nextAttemptAt, $0.delivery.id) < ($1.nextAttemptAt, $1.delivery.id) }
    }

    /// One statement: a skip scan of the partial index of pending deliveries (a recursive CTE, one index seek per
    /// account), each account's due, unleased deliveries counted up to `countingUpTo`.
    public func dueOwners(now: Int64, after: String, limit: Int, countingUpTo: Int, excludingHosts: [String]) async throws(StoreError) -> [OwnerDue] {
        guard limit > 0, countingUpTo > 0 else { return [] }
        let t = tables
        let rows = try await read(
            "dueOwners",
            """
            WITH RECURSIVE owners(owner) AS (
                (SELECT owner FROM \(unescaped: t.deliveries) WHERE status = 'pending' AND owner > \(after) ORDER BY owner LIMIT 1)
                UNION ALL
                SELECT (SELECT d.owner FROM \(unescaped: t.deliveries) d WHERE d.status = 'pending' AND d.owner > o.owner ORDER BY d.owner LIMIT 1)
                FROM owners o WHERE o.owner IS NOT NULL
            )
            SELECT o.owner, (SELECT count(*) FROM (
                SELECT 1 FROM \(unescaped: t.deliveries) d WHERE d.status = 'pending' AND d.owner = o.owner AND d.next_attempt_at <= \(now)
                    AND (d.lease_until IS NULL OR d.lease_until < \(now)) AND (d.host IS NULL OR d.host <> ALL(\(excludingHosts)::text[]))
                    LIMIT \(Int64(countingUpTo))) AS due)
            FROM (SELECT owner FROM owners WHERE owner IS NOT NULL LIMIT \(Int64(limit))) AS o
            """)
        return try decoding("dueOwners") {
            try rows.map { row in
                let (owner, count) = try row.decode((String, Int64).self)
                return OwnerDue(owner: owner, count: Int(count))
            }
        }
    }

    /// One statement: each account's earliest due, unleased deliveries (at most its count), locked `FOR UPDATE SKIP
    /// LOCKED` in a `MATERIALIZED` CTE as in ``claimDue(now:limit:leaseUntil:)``, and leased.
    public func claimDue(now: Int64, owners: [OwnerDue], leaseUntil: Int64, excludingHosts: [String]) async throws(StoreError) -> [Delivery] {
        let wanted = owners.filter { $0.count > 0 }
        guard !wanted.isEmpty else { return [] }
        let t = tables
        let rows = try await read(
            "claimDueByOwner",
            """
            WITH due AS MATERIALIZED (
                SELECT pick.id FROM unnest(\(wanted.map(\.owner)), \(wanted.map { Int64($0.count) })) AS w(owner, n)
                CROSS JOIN LATERAL (
                    SELECT id FROM \(unescaped: t.deliveries)
                    WHERE status = 'pending' AND owner = w.owner AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until < \(now))
                        AND (host IS NULL OR host <> ALL(\(excludingHosts)::text[]))
                    ORDER BY next_attempt_at LIMIT w.n
                    FOR UPDATE SKIP LOCKED
                ) AS pick
            )
            UPDATE \(unescaped: t.deliveries) AS d SET lease_until = GREATEST(\(leaseUntil), coalesce(d.lease_until, 0) + 1)
            FROM due WHERE d.id = due.id
            RETURNING \(unescaped: deliveryColumns),
                (SELECT ARRAY[coalesce(s.disabled_reason, ''), coalesce(s.failing_since::text, ''), CASE WHEN s.disabled_reason IS NULL THEN '0' ELSE '1' END]
                 FROM \(unescaped: t.webhooks) AS s WHERE s.owner = d.owner AND s.rkey = d.webhook_rkey)
            """)
        return try decodeClaimed(rows)
    }

    public func deferHost(_ host: String, until: Int64, error: String, retryDelays: [Int64], at: Int64) async throws(StoreError) -> Int {
        let t = tables
        return try await read(
            "deferHost",
            """
            UPDATE \(unescaped: t.deliveries) SET attempts = attempts + 1,
                next_attempt_at = GREATEST(next_attempt_at, \(until), \(at) + coalesce((\(retryDelays)::bigint[])[(attempts + 1)::int], 0)),
                last_error = \(error), updated_at = \(at),
                status = CASE WHEN attempts + 1 > \(Int64(retryDelays.count)) THEN 'dead' ELSE 'pending' END
            WHERE status = 'pending' AND host = \(host) AND (lease_until IS NULL OR lease_until < \(at)) RETURNING id
            """
        ).count
    }

    /// Does nothing: other replicas share this queue and may hold live leases, which must not be broken. A lease
    /// left by a replica that stopped runs out by itself (after the worker's lease duration), and its deliveries
    /// are claimable again.
    public func releaseAllLeases() async throws(StoreError) {}

    // Each mark matches the delivery only under the caller's lease (its fencing token); the lease only grows.

    @discardableResult
    public func markDelivered(id: String, lease: Int64, attempts: Int, at: Int64) async throws(StoreError) -> Bool {
        let t = tables
        return
            !(try await read(
                "markDelivered",
                """
                UPDATE \(unescaped: t.deliveries) SET status = 'delivered', attempts = \(Int64(attempts)), lease_until = NULL,
                    last_error = NULL, updated_at = \(at)
                WHERE id = \(id) AND lease_until = \(lease) RETURNING id
                """)).isEmpty
    }

    @discardableResult
    public func markRetry(id: String, lease: Int64, attempts: Int, nextAttemptAt: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        let t = tables
        return
            !(try await read(
                "markRetry",
                """
                UPDATE \(unescaped: t.deliveries) SET attempts = \(Int64(attempts)), next_attempt_at = \(nextAttemptAt),
                    last_error = \(error), lease_until = NULL, updated_at = \(at)
                WHERE id = \(id) AND lease_until = \(lease) RETURNING id
                """)).isEmpty
    }

    @discardableResult
    public func markDead(id: String, lease: Int64, attempts: Int, error: String, at: Int64) async throws(StoreError) -> Bool {
        let t = tables
        return
            !(try await read(
                "markDead",
                """
                UPDATE \(unescaped: t.deliveries) SET status = 'dead', attempts = \(Int64(attempts)), last_error = \(error),
                    lease_until = NULL, updated_at = \(at)
                WHERE id = \(id) AND lease_until = \(lease) RETURNING id
                """)).isEmpty
    }

    @discardableResult
    public func markCancelled(id: String, lease: Int64, error: String, at: Int64) async throws(StoreError) -> Bool {
        let t = tables
        return
            !(try await read(
                "markCancelled",
                """
                UPDATE \(unescaped: t.deliveries) SET status = 'cancelled', last_error = \(error), lease_until = NULL, updated_at = \(at)
                WHERE id = \(id) AND lease_until = \(lease) RETURNING id
                """)).isEmpty
    }

    /// One statement over at most `limit` rows (picked by the `(status, updated_at)` index, `SKIP LOCKED` so it
    /// never waits for a claimer).
    public func pruneDeliveries(status: DeliveryStatus, updatedBefore before: Int64, limit: Int) async throws(StoreError) -> Int {
        guard status != .pending, limit > 0 else { return 0 }
        let t = tables
        let deleted = try await read(
            "pruneDeliveries",
            """
            WITH old AS MATERIALIZED (
                SELECT id FROM \(unescaped: t.deliveries) WHERE status = \(status.rawValue) AND updated_at < \(before)
                LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
            ), logged AS (
                DELETE FROM \(unescaped: t.attempts) AS a USING old WHERE a.delivery_id = old.id
            )
            DELETE FROM \(unescaped: t.deliveries) AS d USING old WHERE d.id = old.id RETURNING d.id, d.body_digest
            """)
        // A body goes with the last delivery that shares it. One that an enqueue on another replica is reusing right
        // now is kept: the enqueue touches its `created_at` first (a row lock this delete waits on, then rechecks).
        let digests = Set(try decoding("pruneDeliveries") { try deleted.compactMap { try $0.decode((String, ByteBuffer?).self).1 } })
        for digest in digests {
            _ = try await read(
                "pruneBodies",
                """
                DELETE FROM \(unescaped: t.bodies) b WHERE b.digest = \(digest) AND b.created_at < \(before)
                    AND NOT EXISTS (SELECT 1 FROM \(unescaped: t.deliveries) d WHERE d.body_digest = \(digest))
                """)
        }
        return deleted.count
    }

    public func setWebhookDisabled(owner: String, rkey: String, reason: String?, at: Int64) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "setWebhookDisabled",
            """
            UPDATE \(unescaped: t.webhooks) SET disabled_reason = \(reason), disabled_at = \(reason == nil ? nil : at)
            WHERE owner = \(owner) AND rkey = \(rkey)
            """)
    }

    /// One statement: keeps an existing streak start, else starts one at `at`.
    public func noteWebhookFailure(owner: String, rkey: String, at: Int64) async throws(StoreError) -> Int64? {
        let t = tables
        let rows = try await read(
            "noteWebhookFailure",
            """
            UPDATE \(unescaped: t.webhooks) SET failing_since = coalesce(failing_since, \(at))
            WHERE owner = \(owner) AND rkey = \(rkey) RETURNING failing_since
            """)
        guard let row = rows.first else { return nil }
        return try decoding("noteWebhookFailure") { try row.decode(Int64.self) }
    }

    public func clearWebhookFailure(owner: String, rkey: String) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "clearWebhookFailure", "UPDATE \(unescaped: t.webhooks) SET failing_since = NULL WHERE owner = \(owner) AND rkey = \(rkey)")
    }

    public func noteReadbackFailure(owner: String, rkey: String, error: String, at: Int64, backoff: ClosedRange<Int64>) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "noteReadbackFailure",
            """
            INSERT INTO \(unescaped: t.readbacks) (owner, rkey, since, attempts, next_attempt_at, last_error)
            VALUES (\(owner), \(rkey), \(at), 1, \(at + backoff.lowerBound), \(String(error.prefix(500))))
            ON CONFLICT (owner, rkey) DO UPDATE SET attempts = \(unescaped: t.readbacks).attempts + 1,
                next_attempt_at = \(at) + least(\(backoff.upperBound), \(backoff.lowerBound) * (1::bigint << least(\(unescaped: t.readbacks).attempts, 20)::int)),
                last_error = EXCLUDED.last_error
            """)
    }

    public func clearReadback(owner: String, rkey: String) async throws(StoreError) {
        let t = tables
        _ = try await read("clearReadback", "DELETE FROM \(unescaped: t.readbacks) WHERE owner = \(owner) AND rkey = \(rkey)")
    }

    public func pendingReadbacks(owner: String?, dueAt now: Int64?, limit: Int) async throws(StoreError) -> [PendingReadback] {
        let t = tables
        let rows = try await read(
            "pendingReadbacks",
            """
            SELECT owner, rkey, since, attempts, next_attempt_at, last_error FROM \(unescaped: t.readbacks)
            WHERE (\(owner)::text IS NULL OR owner = \(owner)) AND (\(now)::bigint IS NULL OR next_attempt_at <= \(now))
            ORDER BY next_attempt_at LIMIT \(Int64(max(0, limit)))
            """)
        return try decoding("pendingReadbacks") {
            try rows.map { row in
                let (owner, rkey, since, attempts, next, error) = try row.decode((String, String, Int64, Int64, Int64, String).self)
                return PendingReadback(owner: owner, rkey: rkey, since: since, attempts: Int(attempts), nextAttemptAt: next, lastError: error)
            }
        }
    }

    /// Newest `updated_at` first (ties: greatest id first).
    public func deliveries(status: DeliveryStatus?, limit: Int) async throws(StoreError) -> [Delivery] {
        guard limit > 0 else { return [] }
        let t = tables
        let columns = deliveryColumns
        let rows: [PostgresRow]
        if let status {
            rows = try await read(
                "deliveries",
                """
                SELECT \(unescaped: columns) FROM \(unescaped: t.deliveries) d WHERE d.status = \(status.rawValue)
                ORDER BY d.updated_at DESC, d.id DESC LIMIT \(Int64(limit))
                """)
        } else {
            rows = try await read(
                "deliveries",
                """
                SELECT \(unescaped: columns) FROM \(unescaped: t.deliveries) d
                ORDER BY d.updated_at DESC, d.id DESC LIMIT \(Int64(limit))
                """)
        }
        return try decoding("deliveries") { try rows.map(Self.delivery) }
    }

    public func deliveryCounts() async throws(StoreError) -> [DeliveryStatus: Int] {
        let t = tables
        let rows = try await read("deliveryCounts", "SELECT status, count(*) FROM \(unescaped: t.deliveries) GROUP BY status")
        return try decoding("deliveryCounts") {
            var counts: [DeliveryStatus: Int] = [:]
            for row in rows {
                let (name, count) = try row.decode((String, Int64).self)
                if let status = DeliveryStatus(rawValue: name) { counts[status] = Int(count) }
            }
            return counts
        }
    }

    public func queuedBodyBytes(owner: String) async throws(StoreError) -> Int64 {
        let t = tables
        let rows = try await read(
            "queuedBodyBytes",
            """
            SELECT coalesce(sum(coalesce(octet_length(b.template), octet_length(d.body))), 0)::bigint
            FROM \(unescaped: t.deliveries) d LEFT JOIN \(unescaped: t.bodies) b ON b.digest = d.body_digest
            WHERE d.owner = \(owner) AND d.status = 'pending'
            """)
        return try decoding("queuedBodyBytes") { try rows.first?.decode(Int64.self) ?? 0 }
    }

    public func queueBytes() async throws(StoreError) -> Int64 {
        let t = tables
        let rows = try await read(
            "queueBytes",
            """
            SELECT (pg_total_relation_size(\(t.deliveries)::regclass) + pg_total_relation_size(\(t.bodies)::regclass))::bigint
            """)
        return try decoding("queueBytes") { try rows.first?.decode(Int64.self) ?? 0 }
    }

    // MARK: - Rows

    /// The columns ``delivery(_:)`` decodes, in its order, of deliveries aliased `d`.
    var deliveryColumns: String {
        // A row queued by a build before migration 4 (a replica not yet upgraded) holds the plaintext: its SHA-256 is used.
        // A body stored once for its event (migration 8) is its template with this delivery's id put back.
        [
            "d.id", "d.owner", "d.webhook_rkey", "d.url", "d.secret_name",
            "coalesce(d.inline_secret_fingerprint, sha256(convert_to(d.inline_secret, 'UTF8')))",
            """
            coalesce((SELECT overlay(b.template PLACING convert_to(d.id, 'UTF8') FROM (b.id_offset + 1)::int FOR 0)
                FROM \(tables.bodies) b WHERE b.digest = d.body_digest), d.body)
            """,
            "d.status", "d.attempts", "d.next_attempt_at", "d.last_error", "d.created_at", "d.updated_at", "d.lease_until",
        ].joined(separator: ", ")
    }

    static func delivery(_ row: PostgresRow) throws -> Delivery {
        let (id, owner, rkey, url, secretName, inlineSecret, body, status, attempts, nextAttemptAt, lastError, createdAt, updatedAt, lease) =
            try row.decode(
                (String, String, String, String, String?, ByteBuffer?, ByteBuffer, String, Int64, Int64, String?, Int64, Int64, Int64?).self)
        guard let status = DeliveryStatus(rawValue: status) else {
            throw StoreError.unavailable("unknown delivery status in the database")
        }
        let new = NewDelivery(
            id: id, owner: owner, webhookRKey: rkey, url: url, secretName: secretName,
            inlineSecretFingerprint: inlineSecret.map { Array($0.readableBytesView) },
            body: Array(body.readableBytesView), createdAt: createdAt)
        return Delivery(
            delivery: new, status: status, attempts: Int(attempts), nextAttemptAt: nextAttemptAt,
            lastError: lastError, updatedAt: updatedAt, leaseUntil: lease)
    }
}

extension PostgresSecretStore.Tables {
    var webhooks: String { "\(schema).webhooks" }
    var cursors: String { "\(schema).cursors" }
    var deliveries: String { "\(schema).deliveries" }
    var bodies: String { "\(schema).delivery_bodies" }
    var readbacks: String { "\(schema).webhook_readbacks" }
}

extension PostgresConnection {
    /// Runs one statement and collects its rows.
    @discardableResult
    fileprivate func deliveryRows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

extension PostgresSecretStore {
    /// Columns `owner, rkey, record, updated_at, disabled_reason, failing_since` of a `webhooks` row as a registration.
    static func registration(_ row: PostgresRow) throws -> WebhookRegistration {
        let (owner, rkey, record, updatedAt, disabled, failing) = try row.decode((String, String, ByteBuffer, Int64, String?, Int64?).self)
        return WebhookRegistration(
            owner: owner, rkey: rkey, record: Array(record.readableBytesView), updatedAt: updatedAt, disabledReason: disabled, failingSince: failing)
    }
}
