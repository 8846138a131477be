/// One step of the PostgreSQL schema's history: a version (recorded in `schema_migrations`), a name, and
/// literal SQL statements.
///
/// Migrations are history: once shipped, a step's version and statements never change, and they never mention
/// application types, enums or functions (a test reads this file to hold that). Tables are named without a
/// schema: the statements run with `search_path` set to the store's schema. New steps go at the end, with the
/// next version number.
struct PostgresMigration: Sendable {
    let version: Int64
    let name: String
    let statements: [String]
}

/// The PostgreSQL schema: every migration, in the order a fresh schema applies them.
enum PostgresSchemaHistory {
    static let migrations: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "secrets",
            statements: [
                """
                CREATE TABLE secrets (
                    owner text COLLATE "C" NOT NULL,
                    name text COLLATE "C" NOT NULL,
                    version bigint NOT NULL CHECK (version >= 1),
                    sealed bytea NOT NULL,
                    created_at bigint NOT NULL,
                    rotated_at bigint NULL,
                    PRIMARY KEY (owner, name)
                )
                """,
                """
                CREATE TABLE secret_audit (
                    id bigserial PRIMARY KEY,
                    owner text COLLATE "C" NOT NULL,
                    name text COLLATE "C" NOT NULL,
                    action text NOT NULL CHECK (action IN ('created', 'rotated', 'deleted')),
                    version bigint NOT NULL,
                    at bigint NOT NULL
                )
                """,
                "CREATE INDEX secret_audit_owner_name_id ON secret_audit (owner, name, id)",
                """
                CREATE TABLE metadata (
                    key text PRIMARY KEY,
                    value bytea NOT NULL
                )
                """,
                """
                CREATE TABLE nonces (
                    issuer text NOT NULL,
                    jti text NOT NULL,
                    expires_at bigint NOT NULL,
                    PRIMARY KEY (issuer, jti)
                )
                """,
                "CREATE INDEX nonces_expires_at ON nonces (expires_at)",
            ]),
        // Webhook registrations, named cursors and the delivery queue.
        PostgresMigration(
            version: 2, name: "webhooks",
            statements: [
                """
                CREATE TABLE webhooks (
                    owner text COLLATE "C" NOT NULL,
                    rkey text COLLATE "C" NOT NULL,
                    record bytea NOT NULL,
                    updated_at bigint NOT NULL,
                    PRIMARY KEY (owner, rkey)
                )
                """,
                """
                CREATE TABLE cursors (
                    name text COLLATE "C" PRIMARY KEY,
                    value bigint NOT NULL
                )
                """,
                """
                CREATE TABLE deliveries (
                    id text COLLATE "C" PRIMARY KEY,
                    owner text COLLATE "C" NOT NULL,
                    webhook_rkey text COLLATE "C" NOT NULL,
                    url text NOT NULL,
                    secret_name text NULL,
                    inline_secret text NULL,
                    body bytea NOT NULL,
                    status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                    attempts bigint NOT NULL DEFAULT 0,
                    next_attempt_at bigint NOT NULL,
                    lease_until bigint NULL,
                    last_error text NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL
                )
                """,
                // Only pending deliveries are ever claimed: the index stays small as delivered and dead ones pile up.
                "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX deliveries_recent ON deliveries (updated_at)",
            ]),
        // An overlap's previous token, the policy, the recorded expiry and the token fingerprint beside each
        // secret; the audit actions of rotation policies and who did each change.
        PostgresMigration(
            version: 3, name: "rotation",
            statements: [
                """
                ALTER TABLE secrets
                    ADD COLUMN previous_version bigint NULL,
                    ADD COLUMN previous_sealed bytea NULL,
                    ADD COLUMN previous_valid_until bigint NULL,
                    ADD COLUMN overlap_seconds bigint NULL,
                    ADD COLUMN rotation_period_seconds bigint NULL,
                    ADD COLUMN policy_expires_at bigint NULL,
                    ADD COLUMN last_rotation_by text NULL,
                    ADD COLUMN expired_at bigint NULL,
                    ADD COLUMN fingerprint bytea NULL
                """,
                "CREATE INDEX secrets_fingerprint ON secrets (fingerprint)",
                "ALTER TABLE secret_audit DROP CONSTRAINT IF EXISTS secret_audit_action_check",
                """
                ALTER TABLE secret_audit
                    ADD CONSTRAINT secret_audit_action_check
                        CHECK (action IN ('created', 'rotated', 'previousRevoked', 'overlapEnded', 'expired', 'deleted', 'policySet')),
                    ADD COLUMN actor text NULL
                """,
                // Every event before this migration was the account's (created, rotated, deleted by service auth).
                "UPDATE secret_audit SET actor = 'account'",
            ]),
        // Deliveries follow their webhook. Inline secrets are no longer queued (only their SHA-256, to notice a
        // change; queued plaintext is replaced), deliveries can be `cancelled`, the server can pause a webhook,
        // and pruning finds old finished deliveries by status.
        PostgresMigration(
            version: 4, name: "deliveries-follow-webhooks",
            statements: [
                "ALTER TABLE deliveries ADD COLUMN inline_secret_fingerprint bytea NULL",
                """
                UPDATE deliveries SET inline_secret_fingerprint = sha256(convert_to(inline_secret, 'UTF8')), inline_secret = NULL
                WHERE inline_secret IS NOT NULL
                """,
                "ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check",
                "ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled'))",
                "CREATE INDEX deliveries_status_updated ON deliveries (status, updated_at) WHERE status <> 'pending'",
                "ALTER TABLE webhooks ADD COLUMN disabled_reason text NULL, ADD COLUMN disabled_at bigint NULL, ADD COLUMN failing_since bigint NULL",
            ]),
        // The attempts log, and an index for an owner's deliveries to one webhook, newest first.
        PostgresMigration(
            version: 5, name: "delivery-log",
            statements: [
                """
                CREATE TABLE delivery_attempts (
                    id bigserial PRIMARY KEY,
                    delivery_id text COLLATE "C" NOT NULL,
                    at bigint NOT NULL,
                    duration_ms bigint NOT NULL,
                    status bigint NULL,
                    error text NULL
                )
                """,
                "CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id)",
                "CREATE INDEX deliveries_owner_webhook ON deliveries (owner, webhook_rkey, created_at, id)",
            ]),
        // The index that bounds counting a webhook's pending deliveries (its cap).
        PostgresMigration(
            version: 6, name: "pending-per-webhook",
            statements: [
                "CREATE INDEX deliveries_pending_webhook ON deliveries (owner, webhook_rkey) WHERE status = 'pending'"
            ]),
        // Ed25519 signing keys, beside secrets (one name space per account).
        PostgresMigration(
            version: 7, name: "signing-keys",
            statements: [
                """
                CREATE TABLE signing_keys (
                    owner text COLLATE "C" NOT NULL,
                    name text COLLATE "C" NOT NULL,
                    version bigint NOT NULL CHECK (version >= 1),
                    sealed bytea NOT NULL,
                    public_key bytea NOT NULL,
                    created_at bigint NOT NULL,
                    valid_from bigint NOT NULL,
                    rotated_at bigint NULL,
                    last_rotation_manual boolean NULL,
                    previous_version bigint NULL, previous_sealed bytea NULL, previous_public_key bytea NULL,
                    previous_valid_from bigint NULL, previous_valid_until bigint NULL,
                    next_version bigint NULL, next_sealed bytea NULL, next_public_key bytea NULL, next_announced_at bigint NULL,
                    overlap_seconds bigint NOT NULL DEFAULT 0,
                    interval_days bigint NULL, minute_of_day bigint NULL, next_rotation_at bigint NULL,
                    last_status text NULL, last_message text NULL,
                    PRIMARY KEY (owner, name)
                )
                """,
                "CREATE INDEX signing_keys_due ON signing_keys (next_rotation_at) WHERE next_rotation_at IS NOT NULL",
                "CREATE INDEX signing_keys_overlap ON signing_keys (previous_valid_until) WHERE previous_valid_until IS NOT NULL",
            ]),
        PostgresMigration(
            version: 8, name: "tenancy",
            statements: [
                "CREATE INDEX deliveries_pending_owner ON deliveries (owner, next_attempt_at) WHERE status = 'pending'",
                """
                CREATE TABLE delivery_bodies (
                    digest bytea PRIMARY KEY,
                    template bytea NOT NULL,
                    id_offset bigint NOT NULL CHECK (id_offset >= 0),
                    created_at bigint NOT NULL
                )
                """,
                "ALTER TABLE deliveries ADD COLUMN body_digest bytea NULL",
                "ALTER TABLE deliveries ADD COLUMN host text NULL",
                "CREATE INDEX deliveries_pending_host ON deliveries (host, next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX deliveries_body ON deliveries (body_digest) WHERE body_digest IS NOT NULL",
                """
                CREATE TABLE webhook_readbacks (
                    owner text COLLATE "C" NOT NULL,
                    rkey text COLLATE "C" NOT NULL,
                    since bigint NOT NULL,
                    attempts bigint NOT NULL,
                    next_attempt_at bigint NOT NULL,
                    last_error text NOT NULL,
                    PRIMARY KEY (owner, rkey)
                )
                """,
                "CREATE INDEX webhook_readbacks_due ON webhook_readbacks (next_attempt_at)",
                "CREATE INDEX secret_audit_at ON secret_audit (at)",
            ]),
        PostgresMigration(
            version: 9, name: "token history",
            statements: [
                "CREATE TABLE token_history (fingerprint bytea PRIMARY KEY, recorded_at bigint NOT NULL)"
            ]),
    ]

    /// The newest version this build knows.
    static var latestVersion: Int64 { migrations.last?.version ?? 0 }
}
