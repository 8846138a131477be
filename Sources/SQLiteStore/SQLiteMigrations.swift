import Crypto
import Foundation
import GRDB

/// One step of the SQLite schema's history: a name (recorded by GRDB in `grdb_migrations`) and literal SQL.
///
/// Migrations are history: once shipped, a step's name and SQL never change, and they never mention
/// application types, enums or functions (a test reads this file to hold that). New steps go at the end, with
/// a version number one higher than the last.
struct SQLiteMigration: Sendable {
    /// The identifier GRDB records; starts with `v<number>`, the numbers strictly increasing.
    let name: String
    let sql: String
}

/// The SQLite schema: every migration, in the order a fresh database applies them.
enum SQLiteSchema {
    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(
            name: "v1",
            sql: """
                CREATE TABLE secrets (
                    owner TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL,
                    created_at INTEGER NOT NULL, rotated_at INTEGER, PRIMARY KEY (owner, name)) WITHOUT ROWID;
                CREATE TABLE secret_audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, name TEXT NOT NULL,
                    action TEXT NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL);
                CREATE INDEX secret_audit_owner ON secret_audit (owner, name, id);
                CREATE TABLE metadata (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE nonces (issuer TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL,
                    PRIMARY KEY (issuer, jti)) WITHOUT ROWID;
                CREATE INDEX nonces_expiry ON nonces (expires_at);
                """),
        // Webhook registrations, named cursors and the delivery queue.
        SQLiteMigration(
            name: "v2-webhooks",
            sql: """
                CREATE TABLE webhooks (owner TEXT NOT NULL, rkey TEXT NOT NULL, record BLOB NOT NULL, updated_at INTEGER NOT NULL,
                    PRIMARY KEY (owner, rkey)) WITHOUT ROWID;
                CREATE TABLE cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY, owner TEXT NOT NULL, webhook_rkey TEXT NOT NULL, url TEXT NOT NULL,
                    secret_name TEXT, inline_secret TEXT, body BLOB NOT NULL,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
                    lease_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
                CREATE INDEX deliveries_recent ON deliveries (updated_at);
                """),
        // The previous token of an overlap, the policy, the recorded expiry and the token fingerprint beside each
        // secret; who did each audited change (every earlier event was the account's).
        SQLiteMigration(
            name: "v3-rotation",
            sql: """
                ALTER TABLE secrets ADD COLUMN previous_version INTEGER;
                ALTER TABLE secrets ADD COLUMN previous_sealed BLOB;
                ALTER TABLE secrets ADD COLUMN previous_valid_until INTEGER;
                ALTER TABLE secrets ADD COLUMN overlap_seconds INTEGER;
                ALTER TABLE secrets ADD COLUMN rotation_period_seconds INTEGER;
                ALTER TABLE secrets ADD COLUMN policy_expires_at INTEGER;
                ALTER TABLE secrets ADD COLUMN last_rotation_by TEXT;
                ALTER TABLE secrets ADD COLUMN expired_at INTEGER;
                ALTER TABLE secrets ADD COLUMN fingerprint BLOB;
                CREATE INDEX secrets_fingerprint ON secrets (fingerprint);
                ALTER TABLE secret_audit ADD COLUMN actor TEXT;
                UPDATE secret_audit SET actor = 'account';
                """),
        // Deliveries follow their webhook: inline secrets are no longer queued (only their SHA-256, to notice a
        // change; queued plaintext is replaced), and the server can pause a webhook.
        SQLiteMigration(
            name: "v4-deliveries-follow-webhooks",
            sql: """
                ALTER TABLE deliveries ADD COLUMN inline_secret_fingerprint BLOB;
                ALTER TABLE webhooks ADD COLUMN disabled_reason TEXT;
                ALTER TABLE webhooks ADD COLUMN disabled_at INTEGER;
                ALTER TABLE webhooks ADD COLUMN failing_since INTEGER;
                CREATE INDEX deliveries_status_updated ON deliveries (status, updated_at);
                UPDATE deliveries SET inline_secret_fingerprint = migration_sha256(inline_secret), inline_secret = NULL
                    WHERE inline_secret IS NOT NULL;
                """),
        // The owner-visible attempts log, and an index for an owner's deliveries to one webhook, newest first.
        SQLiteMigration(
            name: "v5-delivery-log",
            sql: """
                CREATE TABLE delivery_attempts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, at INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL, status INTEGER, error TEXT);
                CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
                CREATE INDEX deliveries_owner_webhook ON deliveries (owner, webhook_rkey, created_at, id);
                """),
        // The index that bounds counting a webhook's pending deliveries (its cap).
        SQLiteMigration(
            name: "v6-pending-per-webhook",
            sql: """
                CREATE INDEX deliveries_pending_webhook ON deliveries (owner, webhook_rkey) WHERE status = 'pending';
                """),
        // Ed25519 signing keys, beside secrets (one name space per account).
        SQLiteMigration(
            name: "v7-signing-keys",
            sql: """
                CREATE TABLE signing_keys (
                    owner TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, public_key BLOB NOT NULL,
                    created_at INTEGER NOT NULL, valid_from INTEGER NOT NULL, rotated_at INTEGER, last_rotation_manual INTEGER,
                    previous_version INTEGER, previous_sealed BLOB, previous_public_key BLOB, previous_valid_from INTEGER,
                    previous_valid_until INTEGER,
                    next_version INTEGER, next_sealed BLOB, next_public_key BLOB, next_announced_at INTEGER,
                    overlap_seconds INTEGER NOT NULL DEFAULT 0, interval_days INTEGER, minute_of_day INTEGER, next_rotation_at INTEGER,
                    last_status TEXT, last_message TEXT,
                    PRIMARY KEY (owner, name)) WITHOUT ROWID;
                CREATE INDEX signing_keys_due ON signing_keys (next_rotation_at) WHERE next_rotation_at IS NOT NULL;
                CREATE INDEX signing_keys_overlap ON signing_keys (previous_valid_until) WHERE previous_valid_until IS NOT NULL;
                """),
        SQLiteMigration(
            name: "v8-tenancy",
            sql: """
                CREATE INDEX deliveries_pending_owner ON deliveries (owner, next_attempt_at) WHERE status = 'pending';
                CREATE TABLE delivery_bodies (
                    id INTEGER PRIMARY KEY, digest BLOB NOT NULL UNIQUE, template BLOB NOT NULL, id_offset INTEGER NOT NULL,
                    created_at INTEGER NOT NULL);
                ALTER TABLE deliveries ADD COLUMN body_digest BLOB;
                ALTER TABLE deliveries ADD COLUMN host TEXT;
                CREATE INDEX deliveries_pending_host ON deliveries (host, next_attempt_at) WHERE status = 'pending';
                CREATE INDEX deliveries_body ON deliveries (body_digest) WHERE body_digest IS NOT NULL;
                CREATE TABLE webhook_readbacks (
                    owner TEXT NOT NULL, rkey TEXT NOT NULL, since INTEGER NOT NULL, attempts INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL, PRIMARY KEY (owner, rkey)) WITHOUT ROWID;
                CREATE INDEX webhook_readbacks_due ON webhook_readbacks (next_attempt_at);
                CREATE INDEX secret_audit_at ON secret_audit (at);
                """),
        SQLiteMigration(
            name: "v9-token-history",
            sql: """
                CREATE TABLE token_history (fingerprint BLOB PRIMARY KEY, recorded_at INTEGER NOT NULL) WITHOUT ROWID;
                """),
    ]

    /// A migrator for the first `count` steps (all of them by default; fewer builds an earlier schema, for tests).
    static func migrator(upTo count: Int = migrations.count) -> DatabaseMigrator {
        migrator(Array(migrations.prefix(count)))
    }

    /// A migrator for `steps`, in that order (tests replay the order earlier builds registered them in).
    static func migrator(_ steps: [SQLiteMigration]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in steps {
            migrator.registerMigration(migration.name) { db in
                db.add(function: sha256)
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// `migration_sha256(text)`: SHA-256 of the text's UTF-8 bytes, `NULL` for `NULL`. A fixed algorithm the
    /// migrations may call (SQLite has no hash function of its own), not application code.
    private static let sha256 = DatabaseFunction("migration_sha256", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return Data(SHA256.hash(data: Data(text.utf8)))
    }
}
