import Lexicon
import Logging
import Secrets
import SigilAPI
import XRPC

/// Which of Sigil's handlers serve which methods, each admitted as ``MethodPolicy/table`` says; read by ``SigilServer``.
enum MethodRegistration {
    /// A method was registered that the policy table does not name: the server is not built (fail closed).
    struct MissingPolicy: Error, CustomStringConvertible {
        let nsid: String
        var description: String { "\(nsid) has no entry in MethodPolicy.table (its credential and rate limit are undeclared)" }
    }

    /// Registers every handler whose lexicons the catalog defines; a family whose lexicons are incomplete is
    /// left out, with a warning.
    static func register(
        catalog: LexiconCatalog, secrets: SecretService, signingKeys: SigningKeyService, webhooks: SigilWebhooksHandler,
        logger: Logger
    ) throws -> XRPCMethodTable {
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
        family("place.wisp.v2.secret.*", probe: PlaceWispV2SecretRotate.nsid) {
            try $0.register(WispSecretsHandler(service: secrets), auth: .required)
        }
        family("dev.sigil.secret.*", probe: DevSigilSecretRotate.nsid) { try $0.register(SigilSecretsHandler(service: secrets), auth: .required) }
        family("dev.sigil.signingKey.*", probe: DevSigilSigningKeyListPublic.nsid) {
            try $0.register(SigilSigningKeysHandler(service: signingKeys), auth: .required)
        }
        family("dev.sigil.webhook.*", probe: DevSigilWebhookRedeliver.nsid) { try $0.register(webhooks, auth: .required) }
        for nsid in methods.implemented {
            guard let policy = MethodPolicy.table[nsid] else { throw MissingPolicy(nsid: nsid) }
            try methods.setAuth(policy.credential == .anonymous ? .optional : .required, for: nsid)
        }
        return methods
    }
}
