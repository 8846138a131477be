import Identity
import Secrets

/// What a storage backend hands over once it is open and migrated: each store it holds, typed, and what closes
/// it. Nothing is found by casting: a part a backend lacks would be absent in this type.
public struct Stores: Sendable {
    /// Secrets (sealed tokens), their rotation state and audit trail, and the metadata the master key check uses.
    public let secrets: any SecretStore
    /// Ed25519 signing keys, in the same name space as secrets.
    public let signingKeys: any SigningKeyStore
    /// Webhook registrations, the event cursor and the durable delivery queue.
    public let deliveries: any DeliveryStore
    /// The attempts log webhook owners read.
    public let deliveryLog: any DeliveryLog
    /// Replay protection for service JWTs (`jti`), shared by every replica of the backend.
    public let nonces: any NonceStore
    private let closeBackend: @Sendable () async -> Void

    /// The parts of one backend, and what closes it (once, after every user of the parts is done).
    public init(
        secrets: any SecretStore, signingKeys: any SigningKeyStore, deliveries: any DeliveryStore, deliveryLog: any DeliveryLog,
        nonces: any NonceStore, close: @escaping @Sendable () async -> Void
    ) {
        self.secrets = secrets
        self.signingKeys = signingKeys
        self.deliveries = deliveries
        self.deliveryLog = deliveryLog
        self.nonces = nonces
        self.closeBackend = close
    }

    /// Closes the backend (its connections or file).
    public func close() async {
        await closeBackend()
    }
}
