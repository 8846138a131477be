import Identity
import Secrets

/// Replay protection shared by every replica through the secrets store. A store failure is thrown (the
/// call is refused with `503`, never accepted).
public struct StoreNonceStore: NonceStore {
    let store: any SecretStore

    public init(store: any SecretStore) {
        self.store = store
    }

    public func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
        try await store.claimNonce(issuer: issuer, jti: jti, expiresAt: expiresAt, now: now)
    }
}
