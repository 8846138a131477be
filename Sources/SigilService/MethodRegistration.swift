import Lexicon
import Logging
import Secrets
import SigilAPI
import XRPC

/// Which of Sigil's handlers serve which methods, and which methods are rate-limited per account: one table,
/// read by ``SigilServer``.
enum MethodRegistration {
    /// Mutating methods, limited per account (`--rate-limit`).
    static let rateLimited: Set<String> = SigilSecretsHandler.mutations.union(SigilWebhooksHandler.mutations)
        .union(SigilSigningKeysHandler.mutations)
        .union([PlaceWispV2SecretCreate.nsid, PlaceWispV2SecretRotate.nsid, PlaceWispV2SecretDelete.nsid])

    /// Registers every handler whose lexicons the catalog defines; a family whose lexicons are incomplete is
    /// left out, with a warning.
    static func register(catalog: LexiconCatalog, secrets: SecretService, signingKeys: SigningKeyService, webhooks: SigilWebhooksHandler,
                         logger: Logger) -> XRPCMethodTable {
        var methods = XRPCMethodTable(catalog: catalog)
        func family(_ name: String, probe: String, _ register: (inout XRPCMethodTable) throws -> Void) {
            guard catalog.definition(probe) != nil else {
                logger.notice("the loaded lexicons do not define \(name); those methods are off")
                return
            }
            do {
                try register(&methods)
            } catch {
                logger.warning("\(name) lexicons are incomplete; not serving them: \(error)")
            }
        }
        family("place.wisp.v2.secret.*", probe: PlaceWispV2SecretRotate.nsid) { try $0.register(WispSecretsHandler(service: secrets), auth: .required) }
        family("dev.sigil.secret.*", probe: DevSigilSecretRotate.nsid) { try $0.register(SigilSecretsHandler(service: secrets), auth: .required) }
        family("dev.sigil.signingKey.*", probe: DevSigilSigningKeyListPublic.nsid) {
            try SigilSigningKeysHandler.register(SigilSigningKeysHandler(service: signingKeys), in: &$0)
        }
        family("dev.sigil.webhook.*", probe: DevSigilWebhookRedeliver.nsid) { try $0.register(webhooks, auth: .required) }
        return methods
    }
}
