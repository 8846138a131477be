// GENERATED from the dev.sigil.secret.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPCClient
import XRPCMethods

/// Calls the `dev.sigil.secret.*` methods of a service; declared errors are thrown as each method's `DeclaredError`.
public struct DevSigilSecretClient: Sendable {
    public let client: XRPCClient

    public init(_ client: XRPCClient) {
        self.client = client
    }

    /// A secret's rotation state: versions, times, policy and status. Never a token.
    public func get(_ parameters: DevSigilSecretGet.Parameters) async throws -> DevSigilSecretGet.Output {
        try await client.call(DevSigilSecretGet.self, parameters: parameters, input: XRPCNothing())
    }

    /// A secret's audit trail, newest first, paginated.
    public func history(_ parameters: DevSigilSecretHistory.Parameters) async throws -> DevSigilSecretHistory.Output {
        try await client.call(DevSigilSecretHistory.self, parameters: parameters, input: XRPCNothing())
    }

    /// End a secret's overlap now: from the moment this returns, nothing is signed with the previous token, on any replica.
    public func revokePrevious(_ input: DevSigilSecretRevokePrevious.Input) async throws -> DevSigilSecretRevokePrevious.Output {
        try await client.call(DevSigilSecretRevokePrevious.self, parameters: XRPCNothing(), input: input)
    }

    /// Rotate a secret, optionally keeping the previous token signing for an overlap. Only two tokens are ever alive: a rotation inside a live overlap is refused unless forced, which first kills the older token.
    public func rotate(_ input: DevSigilSecretRotate.Input) async throws -> DevSigilSecretRotate.Output {
        try await client.call(DevSigilSecretRotate.self, parameters: XRPCNothing(), input: input)
    }

    /// Rotate the secret whose current token is presented as the bearer (Authorization: Bearer whsec_…), under the secret's policy; a cron job on the receiver's side needs no account credential. Any token that is not the current, unexpired token of a secret (wrong, previous, expired, deleted) answers 401, the same way.
    public func rotateWithToken(_ input: DevSigilSecretRotateWithToken.Input) async throws -> DevSigilSecretRotateWithToken.Output {
        try await client.call(DevSigilSecretRotateWithToken.self, parameters: XRPCNothing(), input: input)
    }

    /// Set a secret's rotation policy; a field left out clears that rule.
    public func setPolicy(_ input: DevSigilSecretSetPolicy.Input) async throws -> DevSigilSecretSetPolicy.Output {
        try await client.call(DevSigilSecretSetPolicy.self, parameters: XRPCNothing(), input: input)
    }
}

extension XRPCClient {
    /// The `dev.sigil.secret.*` methods.
    public var devSigilSecret: DevSigilSecretClient { DevSigilSecretClient(self) }
}
