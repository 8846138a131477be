import Identity
import Logging
import Secrets
import Storage

extension PostgresSecretStore: NonceStore {
    /// Claims `jti` for `issuer` in the shared `nonces` table (see ``claimNonce(issuer:jti:expiresAt:now:)``).
    public func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        try await claimNonce(issuer: issuer, jti: jti, expiresAt: expiresAt, now: now)
    }
}

extension PostgresSecretStore {
    /// Connects to `url`, creates or migrates `schema` (replicas take turns): every store it holds.
    public static func open(url: String, schema: String = "public", logger: Logger = Logger(label: "sigil.secrets.postgres"))
        async throws(StoreError) -> Stores
    {
        let store = try PostgresSecretStore(url: url, schema: schema, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store.stores
    }

    /// The stores this schema holds; closing them closes the connection pools.
    public var stores: Stores {
        Stores(secrets: self, signingKeys: self, deliveries: self, deliveryLog: self, nonces: self, close: { await self.close() })
    }
}
