import Foundation
import GRDB
import Secrets
import Storage

/// What `dev.sigil.webhook.list` and `.recover` read, in SQLite: every query bounded by the
/// `(owner, webhook_rkey, created_at, id)` index and a row limit.
extension SQLiteSecretStore {
    public func webhooks(owner: String, limit: Int) async throws(StoreError) -> [WebhookRegistration] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhooks WHERE owner = ? ORDER BY rkey LIMIT ?", arguments: [owner, max(0, limit)])
                .map(Self.registration)
        }
    }

    public func activity(owner: String, webhookRKey: String, since: Int64, sampleLimit: Int) async throws(StoreError) -> WebhookActivity {
        let limit = max(0, sampleLimit)
        return try await read { db in
            let pending =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM deliveries WHERE owner = ? AND webhook_rkey = ? AND status = 'pending'",
                    arguments: [owner, webhookRKey]) ?? 0
            // The attempts of the webhook's newest `limit` deliveries: a bounded scan however long its history.
            let newest = """
                SELECT a.at, a.duration_ms, a.status, a.error FROM delivery_attempts a
                JOIN (SELECT id FROM deliveries WHERE owner = ? AND webhook_rkey = ? ORDER BY created_at DESC, id DESC LIMIT ?) d
                ON d.id = a.delivery_id
                """
            func attempt(_ row: Row) -> DeliveryAttempt {
                DeliveryAttempt(at: row["at"], durationMilliseconds: row["duration_ms"], status: row["status"], error: row["error"])
            }
            let last = try Row.fetchOne(db, sql: newest + " ORDER BY a.at DESC, a.id DESC LIMIT 1", arguments: [owner, webhookRKey, limit])
            // The window's attempts without their error texts (only counts and durations are needed).
            let recent = try Row.fetchAll(
                db, sql: newest.replacingOccurrences(of: "a.error", with: "NULL AS error") + " WHERE a.at >= ? ORDER BY a.at DESC, a.id DESC LIMIT ?",
                arguments: [owner, webhookRKey, limit, since, limit])
            return WebhookActivity(pending: pending, lastAttempt: last.map(attempt), recent: recent.map(attempt))
        }
    }

    public func recover(
        owner: String, webhookRKey: String, from: Int64, until: Int64, limit: Int, maxPending: Int, url: String, secretName: String?,
        inlineSecretFingerprint: [UInt8]?, at: Int64
    ) async throws(StoreError) -> (queued: Int, more: Bool) {
        let window = """
            FROM deliveries WHERE owner = ? AND webhook_rkey = ? AND created_at >= ? AND created_at < ? AND status IN ('dead', 'cancelled')
                AND (body_digest IS NOT NULL OR length(body) > 0)
            """
        return try await committer.write { db throws(StoreError) in
            try Self.guarded {
                let pending =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM deliveries WHERE owner = ? AND webhook_rkey = ? AND status = 'pending'",
                        arguments: [owner, webhookRKey]) ?? 0
                let room = max(0, min(limit, maxPending - pending))
                try db.execute(
                    sql: """
                        UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, url = ?, host = ?, secret_name = ?,
                            inline_secret_fingerprint = ?, inline_secret = NULL, lease_until = NULL, updated_at = ?
                        WHERE id IN (SELECT id \(window) ORDER BY created_at, id LIMIT ?)
                        """,
                    arguments: [
                        at, url, NewDelivery.host(of: url), secretName, inlineSecretFingerprint.map { Data($0) }, at, owner, webhookRKey, from, until,
                        room,
                    ])
                let queued = db.changesCount
                let more = try Int.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 \(window))", arguments: [owner, webhookRKey, from, until]) == 1
                return (queued, more)
            }
        }
    }
}
