import Foundation
import Logging
import PostgresNIO
import Secrets
import Storage

/// The owner-visible delivery log in PostgreSQL: one row per attempt, removed with its delivery.
extension PostgresSecretStore: DeliveryLog {
    public func recordAttempt(id: String, _ attempt: DeliveryAttempt) async throws(StoreError) {
        let t = tables
        _ = try await read(
            "recordAttempt",
            """
            INSERT INTO \(unescaped: t.attempts) (delivery_id, at, duration_ms, status, error)
            VALUES (\(id), \(attempt.at), \(attempt.durationMilliseconds), \(attempt.status.map(Int64.init)), \(attempt.error))
            """)
    }

    var loggedColumns: String {
        deliveryColumns
            + ", (SELECT a.status FROM \(tables.attempts) a WHERE a.delivery_id = d.id AND a.status IS NOT NULL ORDER BY a.id DESC LIMIT 1)"
    }

    public func deliveries(owner: String, webhookRKey: String, status: DeliveryStatus?, before: DeliveryCursor?, limit: Int)
        async throws(StoreError) -> [LoggedDelivery]
    {
        guard limit > 0 else { return [] }
        let t = tables
        let columns = loggedColumns
        let statusName = status?.rawValue
        let (createdAt, id) = (before?.createdAt ?? Int64.max, before?.id ?? "")
        let rows = try await read(
            "deliveries of a webhook",
            """
            SELECT \(unescaped: columns) FROM \(unescaped: t.deliveries) d
            WHERE d.owner = \(owner) AND d.webhook_rkey = \(webhookRKey) AND (\(statusName)::text IS NULL OR d.status = \(statusName))
              AND (d.created_at < \(createdAt) OR (d.created_at = \(createdAt) AND d.id < \(id)) OR \(before == nil))
            ORDER BY d.created_at DESC, d.id DESC LIMIT \(Int64(limit))
            """)
        return try decoding("deliveries of a webhook") { try rows.map(Self.loggedDelivery) }
    }

    public func delivery(owner: String, id: String) async throws(StoreError) -> LoggedDelivery? {
        let t = tables
        let columns = loggedColumns
        let rows = try await read(
            "delivery", "SELECT \(unescaped: columns) FROM \(unescaped: t.deliveries) d WHERE d.owner = \(owner) AND d.id = \(id)")
        guard let row = rows.first else { return nil }
        return try decoding("delivery") { try Self.loggedDelivery(row) }
    }

    public func attempts(id: String, limit: Int) async throws(StoreError) -> [DeliveryAttempt] {
        let t = tables
        let rows = try await read(
            "attempts",
            """
            SELECT at, duration_ms, status, error FROM \(unescaped: t.attempts) WHERE delivery_id = \(id) ORDER BY id DESC LIMIT \(Int64(max(0, limit)))
            """)
        return try decoding("attempts") {
            try rows.reversed().map { row in
                let (at, duration, status, error) = try row.decode((Int64, Int64, Int64?, String?).self)
                return DeliveryAttempt(at: at, durationMilliseconds: duration, status: status.map { Int($0) }, error: error)
            }
        }
    }

    public func redeliver(owner: String, id: String, url: String, secretName: String?, inlineSecretFingerprint: [UInt8]?, at: Int64)
        async throws(StoreError) -> Bool
    {
        let t = tables
        return
            !(try await read(
                "redeliver",
                """
                UPDATE \(unescaped: t.deliveries) SET status = 'pending', attempts = 0, next_attempt_at = \(at), last_error = NULL, url = \(url),
                    host = \(NewDelivery.host(of: url)),
                    secret_name = \(secretName), inline_secret_fingerprint = \(inlineSecretFingerprint.map { ByteBuffer(bytes: $0) }), inline_secret = NULL,
                    lease_until = NULL, updated_at = \(at)
                WHERE owner = \(owner) AND id = \(id) AND (lease_until IS NULL OR lease_until < \(at))
                    AND (body_digest IS NOT NULL OR octet_length(body) > 0) RETURNING id
                """)).isEmpty
    }

    static func loggedDelivery(_ row: PostgresRow) throws -> LoggedDelivery {
        let random = row.makeRandomAccess()
        let last = try random[random.count - 1].decode(Int64?.self)
        return LoggedDelivery(delivery: try delivery(row), lastStatus: last.map { Int($0) })
    }
}

extension PostgresSecretStore.Tables {
    var attempts: String { "\(schema).delivery_attempts" }
}
