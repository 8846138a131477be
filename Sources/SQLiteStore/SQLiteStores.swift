import Identity
import Secrets
import Storage

extension SQLiteSecretStore: NonceStore {
    /// Claims `jti` for `issuer` in the `nonces` table (see ``claimNonce(issuer:jti:expiresAt:now:)``).
    public func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        try await claimNonce(issuer: issuer, jti: jti, expiresAt: expiresAt, now: now)
    }
}

extension SQLiteSecretStore {
    /// Opens (creating it if needed) and migrates the database at `path`: every store it holds.
    public static func open(path: String) async throws(StoreError) -> Stores {
        let store = try SQLiteSecretStore(path: path)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store.stores
    }

    /// The stores this database holds; closing them closes it.
    public var stores: Stores {
        Stores(secrets: self, signingKeys: self, deliveries: self, deliveryLog: self, nonces: self, close: { await self.close() })
    }
}
