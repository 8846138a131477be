// GENERATED from the dev.sigil.secret.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPC

/// Implements the `dev.sigil.secret.*` methods; one requirement per method, called only with validated input.
public protocol DevSigilSecretHandler: Sendable {
    /// A secret's rotation state: versions, times, policy and status. Never a token.
    func get(_ request: XRPCRequest<DevSigilSecretGet>) async throws -> DevSigilSecretGet.Output
    /// A secret's audit trail, newest first, paginated.
    func history(_ request: XRPCRequest<DevSigilSecretHistory>) async throws -> DevSigilSecretHistory.Output
    /// End a secret's overlap now: from the moment this returns, nothing is signed with the previous token, on any replica.
    func revokePrevious(_ request: XRPCRequest<DevSigilSecretRevokePrevious>) async throws -> DevSigilSecretRevokePrevious.Output
    /// Rotate a secret, optionally keeping the previous token signing for an overlap. Only two tokens are ever alive: a rotation inside a live overlap is refused unless forced, which first kills the older token.
    func rotate(_ request: XRPCRequest<DevSigilSecretRotate>) async throws -> DevSigilSecretRotate.Output
    /// Rotate the secret whose current token is presented as the bearer (Authorization: Bearer whsec_…), under the secret's policy; a cron job on the receiver's side needs no account credential. Any token that is not the current, unexpired token of a secret (wrong, previous, expired, deleted) answers 401, the same way.
    func rotateWithToken(_ request: XRPCRequest<DevSigilSecretRotateWithToken>) async throws -> DevSigilSecretRotateWithToken.Output
    /// Set a secret's rotation policy; a field left out clears that rule.
    func setPolicy(_ request: XRPCRequest<DevSigilSecretSetPolicy>) async throws -> DevSigilSecretSetPolicy.Output
}

extension XRPCMethodTable {
    /// Serves every `dev.sigil.secret.*` method with `handler`.
    public mutating func register(_ handler: some DevSigilSecretHandler, auth: XRPCAuthRequirement = .required) throws {
        try register(DevSigilSecretGet.self, auth: auth) { try await handler.get($0) }
        try register(DevSigilSecretHistory.self, auth: auth) { try await handler.history($0) }
        try register(DevSigilSecretRevokePrevious.self, auth: auth) { try await handler.revokePrevious($0) }
        try register(DevSigilSecretRotate.self, auth: auth) { try await handler.rotate($0) }
        try register(DevSigilSecretRotateWithToken.self, auth: auth) { try await handler.rotateWithToken($0) }
        try register(DevSigilSecretSetPolicy.self, auth: auth) { try await handler.setPolicy($0) }
    }
}
