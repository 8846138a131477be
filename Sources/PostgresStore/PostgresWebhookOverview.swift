import Foundation
import PostgresNIO
import Secrets
import Storage

/// What `dev.sigil.webhook.list` and `.recover` read, in PostgreSQL: every query bounded by the
/// `(owner, webhook_rkey, created_at, id)` index and a row limit.
extension PostgresSecretStore {
    public func webhooks(owner: String, limit: Int) async throws(StoreError) -> [WebhookRegistration] {
        let t = tables
        let rows = try await read(
            "webhooks of an owner",
            """
            SELECT owner, rkey, record, updated_at, disabled_reason, failing_since FROM \(unescaped: t.webhooks)
            WHERE owner = \(owner) ORDER BY rkey LIMIT \(Int64(max(0, limit)))
            """)
        return try decoding("webhooks of an owner") { try rows.map(Self.registration) }
    }

    public func activity(owner: String, webhookRKey: String, since: Int64, sampleLimit: Int) async throws(StoreError) -> WebhookActivity {
        let t = tables
        let limit = Int64(max(0, sampleLimit))
        let pendingRows = try await read(
            "webhook pending",
            """
            SELECT count(*) FROM \(unescaped: t.deliveries) WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey) AND status = 'pending'
            """)
        let pending = try decoding("webhook pending") { try pendingRows.first?.decode(Int64.self) ?? 0 }
        // The attempts of the webhook's newest `limit` deliveries: a bounded scan however long its history.
        let lastRows = try await read(
            "webhook last attempt",
            """
            SELECT a.at, a.duration_ms, a.status, a.error FROM \(unescaped: t.attempts) a
            JOIN (SELECT id FROM \(unescaped: t.deliveries) WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey)
                  ORDER BY created_at DESC, id DESC LIMIT \(limit)) d ON d.id = a.delivery_id
            ORDER BY a.at DESC, a.id DESC LIMIT 1
            """)
        let recentRows = try await read(
            "webhook recent attempts",
            """
            SELECT a.at, a.duration_ms, a.status, NULL::text AS error FROM \(unescaped: t.attempts) a
            JOIN (SELECT id FROM \(unescaped: t.deliveries) WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey)
                  ORDER BY created_at DESC, id DESC LIMIT \(limit)) d ON d.id = a.delivery_id
            WHERE a.at >= \(since) ORDER BY a.at DESC, a.id DESC LIMIT \(limit)
            """)
        return try decoding("webhook activity") {
            func attempt(_ row: PostgresRow) throws -> DeliveryAttempt {
                let (at, duration, status, error) = try row.decode((Int64, Int64, Int64?, String?).self)
                return DeliveryAttempt(at: at, durationMilliseconds: duration, status: status.map { Int($0) }, error: error)
            }
            return WebhookActivity(pending: Int(pending), lastAttempt: try lastRows.first.map(attempt), recent: try recentRows.map(attempt))
        }
    }

    public func recover(
        owner: String, webhookRKey: String, from: Int64, until: Int64, limit: Int, maxPending: Int, url: String, secretName: String?,
        inlineSecretFingerprint: [UInt8]?, at: Int64
    ) async throws(StoreError) -> (queued: Int, more: Bool) {
        let t = tables
        return try await transaction("recover") { connection, logger in
            let counted = try await connection.rows(
                """
                SELECT count(*) FROM \(unescaped: t.deliveries) WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey) AND status = 'pending'
                """, logger)
            let pending = try counted.first?.decode(Int64.self) ?? 0
            let room = Int64(max(0, min(Int64(limit), Int64(maxPending) - pending)))
            // Rows another replica's recover holds are skipped (it queues them); what is no longer dead is not touched.
            let queued = try await connection.rows(
                """
                UPDATE \(unescaped: t.deliveries) SET status = 'pending', attempts = 0, next_attempt_at = \(at), last_error = NULL, url = \(url),
                    host = \(NewDelivery.host(of: url)), secret_name = \(secretName),
                    inline_secret_fingerprint = \(inlineSecretFingerprint.map { ByteBuffer(bytes: $0) }), inline_secret = NULL, lease_until = NULL,
                    updated_at = \(at)
                WHERE id IN (
                    SELECT id FROM \(unescaped: t.deliveries)
                    WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey) AND created_at >= \(from) AND created_at < \(until)
                        AND status IN ('dead', 'cancelled') AND (body_digest IS NOT NULL OR octet_length(body) > 0)
                    ORDER BY created_at, id LIMIT \(room) FOR UPDATE SKIP LOCKED)
                    AND status IN ('dead', 'cancelled')
                RETURNING id
                """, logger)
            let rest = try await connection.rows(
                """
                SELECT 1 FROM \(unescaped: t.deliveries)
                WHERE owner = \(owner) AND webhook_rkey = \(webhookRKey) AND created_at >= \(from) AND created_at < \(until)
                    AND status IN ('dead', 'cancelled') AND (body_digest IS NOT NULL OR octet_length(body) > 0) LIMIT 1
                """, logger)
            return (queued.count, !rest.isEmpty)
        }
    }
}
