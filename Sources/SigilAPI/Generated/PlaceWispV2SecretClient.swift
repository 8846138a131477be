// GENERATED from the place.wisp.v2.secret.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPCClient
import XRPCMethods

/// Calls the `place.wisp.v2.secret.*` methods of a service; declared errors are thrown as each method's `DeclaredError`.
public struct PlaceWispV2SecretClient: Sendable {
    public let client: XRPCClient

    public init(_ client: XRPCClient) {
        self.client = client
    }

    /// Create a named webhook signing secret for the calling account. The token is only returned in this response.
    public func create(_ input: PlaceWispV2SecretCreate.Input) async throws -> PlaceWispV2SecretCreate.Output {
        try await client.call(PlaceWispV2SecretCreate.self, parameters: XRPCNothing(), input: input)
    }

    /// Delete a webhook signing secret by name. Deliveries that name it stop being signed with it at once.
    public func delete(_ input: PlaceWispV2SecretDelete.Input) async throws -> PlaceWispV2SecretDelete.Output {
        try await client.call(PlaceWispV2SecretDelete.self, parameters: XRPCNothing(), input: input)
    }

    /// List the calling account's webhook signing secrets. Never returns tokens.
    public func list(_ parameters: PlaceWispV2SecretList.Parameters) async throws -> PlaceWispV2SecretList.Output {
        try await client.call(PlaceWispV2SecretList.self, parameters: parameters, input: XRPCNothing())
    }

    /// Rotate a webhook signing secret, generating a new token (or registering the one given). The old token stops working immediately. The new token is only returned in this response.
    public func rotate(_ input: PlaceWispV2SecretRotate.Input) async throws -> PlaceWispV2SecretRotate.Output {
        try await client.call(PlaceWispV2SecretRotate.self, parameters: XRPCNothing(), input: input)
    }
}

extension XRPCClient {
    /// The `place.wisp.v2.secret.*` methods.
    public var placeWispV2Secret: PlaceWispV2SecretClient { PlaceWispV2SecretClient(self) }
}
