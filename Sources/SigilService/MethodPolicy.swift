import SigilAPI

/// How Sigil admits a call to one of its methods, declared once per method in ``MethodPolicy/table`` and applied
/// where the methods are registered: which credential it takes, whether it counts against the caller's rate
/// limit, and whether it answers only about the caller's own secrets, keys or webhooks.
public struct MethodPolicy: Sendable, Equatable {
    /// What authenticates a call.
    public enum Credential: Sendable, Equatable {
        /// An atproto inter-service JWT for this method (`lxm`), signed by the account's key.
        case serviceJWT
        /// The current token of one secret (`Authorization: Bearer whsec_…`), and nothing else.
        case secretToken
        /// Nobody needs to be anyone (published, public data).
        case anonymous
    }

    public let credential: Credential
    /// Counted against the caller's budget of mutating calls a minute (`--rate-limit`).
    public let rateLimited: Bool
    /// Answers about the caller's own things only: another account's are `NotFound`, as missing ones.
    public let ownerScoped: Bool

    static func jwt(mutates: Bool) -> MethodPolicy { MethodPolicy(credential: .serviceJWT, rateLimited: mutates, ownerScoped: true) }

    /// Every method Sigil implements. A method registered without an entry here stops the server from being built.
    public static let table: [String: MethodPolicy] = [
        // wisp.place's secret API (Sigil's copy of its lexicons).
        PlaceWispV2SecretCreate.nsid: .jwt(mutates: true),
        PlaceWispV2SecretRotate.nsid: .jwt(mutates: true),
        PlaceWispV2SecretDelete.nsid: .jwt(mutates: true),
        PlaceWispV2SecretList.nsid: .jwt(mutates: false),
        // dev.sigil.secret.*
        DevSigilSecretRotate.nsid: .jwt(mutates: true),
        DevSigilSecretRevokePrevious.nsid: .jwt(mutates: true),
        DevSigilSecretSetPolicy.nsid: .jwt(mutates: true),
        DevSigilSecretGet.nsid: .jwt(mutates: false),
        DevSigilSecretHistory.nsid: .jwt(mutates: false),
        DevSigilSecretRotateWithToken.nsid: MethodPolicy(credential: .secretToken, rateLimited: true, ownerScoped: true),
        // dev.sigil.signingKey.*
        DevSigilSigningKeyCreate.nsid: .jwt(mutates: true),
        DevSigilSigningKeyRotate.nsid: .jwt(mutates: true),
        DevSigilSigningKeySetSchedule.nsid: .jwt(mutates: true),
        DevSigilSigningKeyDelete.nsid: .jwt(mutates: true),
        DevSigilSigningKeyGet.nsid: .jwt(mutates: false),
        DevSigilSigningKeyList.nsid: .jwt(mutates: false),
        DevSigilSigningKeyListPublic.nsid: MethodPolicy(credential: .anonymous, rateLimited: false, ownerScoped: false),
        // dev.sigil.webhook.*
        DevSigilWebhookRedeliver.nsid: .jwt(mutates: true),
        DevSigilWebhookSendTest.nsid: .jwt(mutates: true),
        DevSigilWebhookSetEnabled.nsid: .jwt(mutates: true),
        DevSigilWebhookListDeliveries.nsid: .jwt(mutates: false),
        DevSigilWebhookGetDelivery.nsid: .jwt(mutates: false),
        // Not a mutation, but a heavy read (every webhook's recent attempts): counted like one.
        DevSigilWebhookList.nsid: MethodPolicy(credential: .serviceJWT, rateLimited: true, ownerScoped: true),
        DevSigilWebhookRecover.nsid: .jwt(mutates: true),
    ]

    /// The methods that take a credential of `kind`.
    public static func methods(taking kind: Credential) -> Set<String> {
        Set(table.filter { $0.value.credential == kind }.keys)
    }

    /// The methods counted against the rate limit.
    public static var rateLimited: Set<String> { Set(table.filter { $0.value.rateLimited }.keys) }
}
