// GENERATED from the dev.sigil.signingKey.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPC

/// Implements the `dev.sigil.signingKey.*` methods; one requirement per method, called only with validated input.
public protocol DevSigilSigningKeyHandler: Sendable {
    /// Create an Ed25519 signing key: webhooks whose secretId names it are signed with Standard Webhooks v1a. The secret key is never returned; publish or hand out the public key.
    func create(_ request: XRPCRequest<DevSigilSigningKeyCreate>) async throws -> DevSigilSigningKeyCreate.Output
    /// Delete a signing key: its secret keys are gone at once, and deliveries that name it are no longer signed with it.
    func delete(_ request: XRPCRequest<DevSigilSigningKeyDelete>) async throws -> DevSigilSigningKeyDelete.Output
    /// One signing key: its public keys, schedule and last rotation (the Cloudflare and Infisical fields).
    func get(_ request: XRPCRequest<DevSigilSigningKeyGet>) async throws -> DevSigilSigningKeyGet.Output
    /// The account's signing keys, by name (at most 100).
    func list(_ request: XRPCRequest<DevSigilSigningKeyList>) async throws -> DevSigilSigningKeyList.Output
    /// Unauthenticated: every public key a receiver should accept now for an account's signing key, each with validFrom and validUntil: the current key, the previous one during an overlap, and the announced next one. A receiver that fetches this more often than the key rotates never misses a rotation.
    func listPublic(_ request: XRPCRequest<DevSigilSigningKeyListPublic>) async throws -> DevSigilSigningKeyListPublic.Output
    /// Rotate a signing key: a new key pair (the announced next one, if there is one) signs from now; with an overlap the old key also signs until it ends (two v1a entries), then is retired. Never more than two keys sign: a previous key still in its overlap is retired at once.
    func rotate(_ request: XRPCRequest<DevSigilSigningKeyRotate>) async throws -> DevSigilSigningKeyRotate.Output
    /// Rotate a signing key on a schedule: every intervalDays days (counted from now, then from each rotation), at a UTC time of day if given, keeping overlapSeconds. The next key is published (listPublic) from the moment a schedule is set, before it signs. Without intervalDays the schedule is removed.
    func setSchedule(_ request: XRPCRequest<DevSigilSigningKeySetSchedule>) async throws -> DevSigilSigningKeySetSchedule.Output
}

extension XRPCMethodTable {
    /// Serves every `dev.sigil.signingKey.*` method with `handler`.
    public mutating func register(_ handler: some DevSigilSigningKeyHandler, auth: XRPCAuthRequirement = .required) throws {
        try register(DevSigilSigningKeyCreate.self, auth: auth) { try await handler.create($0) }
        try register(DevSigilSigningKeyDelete.self, auth: auth) { try await handler.delete($0) }
        try register(DevSigilSigningKeyGet.self, auth: auth) { try await handler.get($0) }
        try register(DevSigilSigningKeyList.self, auth: auth) { try await handler.list($0) }
        try register(DevSigilSigningKeyListPublic.self, auth: auth) { try await handler.listPublic($0) }
        try register(DevSigilSigningKeyRotate.self, auth: auth) { try await handler.rotate($0) }
        try register(DevSigilSigningKeySetSchedule.self, auth: auth) { try await handler.setSchedule($0) }
    }
}
