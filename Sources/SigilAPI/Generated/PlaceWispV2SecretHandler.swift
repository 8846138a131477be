// GENERATED from the place.wisp.v2.secret.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPC

/// Implements the `place.wisp.v2.secret.*` methods; one requirement per method, called only with validated input.
public protocol PlaceWispV2SecretHandler: Sendable {
    /// Create a named webhook signing secret for the calling account. The token is only returned in this response.
    func create(_ request: XRPCRequest<PlaceWispV2SecretCreate>) async throws -> PlaceWispV2SecretCreate.Output
    /// Delete a webhook signing secret by name. Deliveries that name it stop being signed with it at once.
    func delete(_ request: XRPCRequest<PlaceWispV2SecretDelete>) async throws -> PlaceWispV2SecretDelete.Output
    /// List the calling account's webhook signing secrets. Never returns tokens.
    func list(_ request: XRPCRequest<PlaceWispV2SecretList>) async throws -> PlaceWispV2SecretList.Output
    /// Rotate a webhook signing secret, generating a new token (or registering the one given). The old token stops working immediately. The new token is only returned in this response.
    func rotate(_ request: XRPCRequest<PlaceWispV2SecretRotate>) async throws -> PlaceWispV2SecretRotate.Output
}

extension XRPCMethodTable {
    /// Serves every `place.wisp.v2.secret.*` method with `handler`.
    public mutating func register(_ handler: some PlaceWispV2SecretHandler, auth: XRPCAuthRequirement = .required) throws {
        try register(PlaceWispV2SecretCreate.self, auth: auth) { try await handler.create($0) }
        try register(PlaceWispV2SecretDelete.self, auth: auth) { try await handler.delete($0) }
        try register(PlaceWispV2SecretList.self, auth: auth) { try await handler.list($0) }
        try register(PlaceWispV2SecretRotate.self, auth: auth) { try await handler.rotate($0) }
    }
}
