// GENERATED from the dev.sigil.signingKey.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPCClient
import XRPCMethods

/// Calls the `dev.sigil.signingKey.*` methods of a service; declared errors are thrown as each method's `DeclaredError`.
public struct DevSigilSigningKeyClient: Sendable {
    public let client: XRPCClient

    public init(_ client: XRPCClient) {
        self.client = client
    }

    /// Create an Ed25519 signing key: webhooks whose secretId names it are signed with Standard Webhooks v1a. The secret key is never returned; publish or hand out the public key.
    public func create(_ input: DevSigilSigningKeyCreate.Input) async throws -> DevSigilSigningKeyCreate.Output {
        try await client.call(DevSigilSigningKeyCreate.self, parameters: XRPCNothing(), input: input)
    }

    /// Delete a signing key: its secret keys are gone at once, and deliveries that name it are no longer signed with it.
    public func delete(_ input: DevSigilSigningKeyDelete.Input) async throws -> DevSigilSigningKeyDelete.Output {
        try await client.call(DevSigilSigningKeyDelete.self, parameters: XRPCNothing(), input: input)
    }

    /// One signing key: its public keys, schedule and last rotation (the Cloudflare and Infisical fields).
    public func get(_ parameters: DevSigilSigningKeyGet.Parameters) async throws -> DevSigilSigningKeyGet.Output {
        try await client.call(DevSigilSigningKeyGet.self, parameters: parameters, input: XRPCNothing())
    }

    /// The account's signing keys, by name (at most 100).
    public func list() async throws -> DevSigilSigningKeyList.Output {
        try await client.call(DevSigilSigningKeyList.self, parameters: XRPCNothing(), input: XRPCNothing())
    }

    /// Unauthenticated: every public key a receiver should accept now for an account's signing key, each with validFrom and validUntil: the current key, the previous one during an overlap, and the announced next one. A receiver that fetches this more often than the key rotates never misses a rotation.
    public func listPublic(_ parameters: DevSigilSigningKeyListPublic.Parameters) async throws -> DevSigilSigningKeyListPublic.Output {
        try await client.call(DevSigilSigningKeyListPublic.self, parameters: parameters, input: XRPCNothing())
    }

    /// Rotate a signing key: a new key pair (the announced next one, if there is one) signs from now; with an overlap the old key also signs until it ends (two v1a entries), then is retired. Never more than two keys sign: a previous key still in its overlap is retired at once.
    public func rotate(_ input: DevSigilSigningKeyRotate.Input) async throws -> DevSigilSigningKeyRotate.Output {
        try await client.call(DevSigilSigningKeyRotate.self, parameters: XRPCNothing(), input: input)
    }

    /// Rotate a signing key on a schedule: every intervalDays days (counted from now, then from each rotation), at a UTC time of day if given, keeping overlapSeconds. The next key is published (listPublic) from the moment a schedule is set, before it signs. Without intervalDays the schedule is removed.
    public func setSchedule(_ input: DevSigilSigningKeySetSchedule.Input) async throws -> DevSigilSigningKeySetSchedule.Output {
        try await client.call(DevSigilSigningKeySetSchedule.self, parameters: XRPCNothing(), input: input)
    }
}

extension XRPCClient {
    /// The `dev.sigil.signingKey.*` methods.
    public var devSigilSigningKey: DevSigilSigningKeyClient { DevSigilSigningKeyClient(self) }
}
