import Foundation
import GRDB
import Secrets
import Storage

/// The owner-visible delivery log in SQLite: one row per attempt, removed with its delivery.
extension SQLiteSecretStore: DeliveryLog {
    public func recordAttempt(id: String, _ attempt: DeliveryAttempt) async throws(StoreError) {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.cachedStatement(sql: "INSERT INTO delivery_attempts (delivery_id, at, duration_ms, status, error) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [id, attempt.at, attempt.durationMilliseconds, attempt.status, attempt.error])
            }
        }
    }

    static let lastStatus =
        "(SELECT a.status FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.status IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS last_status"

    /// Deliveries with their body and the last status a receiver answered.
    static let selectLogged = """
        SELECT d.*, \(lastStatus), b.template AS body_template, b.id_offset AS body_id_offset
        FROM deliveries d LEFT JOIN delivery_bodies b ON b.digest = d.body_digest
        """

    public func deliveries(owner: String, webhookRKey: String, status: DeliveryStatus?, before: DeliveryCursor?, limit: Int)
        async throws(StoreError) -> [LoggedDelivery]
    {
        guard limit > 0 else { return [] }
        return try await read { db in
            var sql = "\(Self.selectLogged) WHERE d.owner = ? AND d.webhook_rkey = ?"
            var arguments: StatementArguments = [owner, webhookRKey]
            if let status {
                sql += " AND d.status = ?"
                arguments += [status.rawValue]
            }
            if let before {
                sql += " AND (d.created_at < ? OR (d.created_at = ? AND d.id < ?))"
                arguments += [before.createdAt, before.createdAt, before.id]
            }
            sql += " ORDER BY d.created_at DESC, d.id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                LoggedDelivery(delivery: Self.delivery($0), lastStatus: $0["last_status"])
            }
        }
    }

    public func delivery(owner: String, id: String) async throws(StoreError) -> LoggedDelivery? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "\(Self.selectLogged) WHERE d.owner = ? AND d.id = ?",
                arguments: [owner, id]
            )
            .map { LoggedDelivery(delivery: Self.delivery($0), lastStatus: $0["last_status"]) }
        }
    }

    public func attempts(id: String, limit: Int) async throws(StoreError) -> [DeliveryAttempt] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT ?", arguments: [id, max(0, limit)]
            )
            .reversed().map { DeliveryAttempt(at: $0["at"], durationMilliseconds: $0["duration_ms"], status: $0["status"], error: $0["error"]) }
        }
    }

    public func redeliver(owner: String, id: String, url: String, secretName: String?, inlineSecretFingerprint: [UInt8]?, at: Int64)
        async throws(StoreError) -> Bool
    {
        try await committer.write { db throws(StoreError) in
            try Self.guarded {
                try db.execute(
                    sql: """
                        UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, url = ?, host = ?, secret_name = ?,
                            inline_secret_fingerprint = ?, inline_secret = NULL, lease_until = NULL, updated_at = ?
                        WHERE owner = ? AND id = ? AND (lease_until IS NULL OR lease_until < ?) AND (body_digest IS NOT NULL OR length(body) > 0)
                        """, arguments: [at, url, NewDelivery.host(of: url), secretName, inlineSecretFingerprint.map { Data($0) }, at, owner, id, at])
                return db.changesCount > 0
            }
        }
    }
}
