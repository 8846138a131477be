import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1

/// Mints atproto inter-service JWTs for calls made by an account: signed by its `#atproto` key, one per call,
/// scoped to the method (`lxm`) and the service (`aud`), valid for `lifetime` seconds.
public struct ServiceAuthSigner: Sendable {
    /// The account's signing key.
    public enum Key: Sendable {
        /// ES256K.
        case secp256k1(Secp256k1.PrivateKey)
        /// ES256.
        case p256(P256.Signing.PrivateKey)
    }

    /// The calling account's DID (`iss`).
    public let issuer: String
    /// The service's DID, as its DID document names it (`aud`), e.g. `did:web:sigil.example`.
    public let audience: String
    public let key: Key
    /// Seconds each token is valid (`exp - iat`); 60 by default, at most 3600.
    public let lifetime: Int64

    public init(issuer: String, audience: String, key: Key, lifetime: Int64 = 60) {
        self.issuer = issuer
        self.audience = audience
        self.key = key
        self.lifetime = min(max(lifetime, 1), 3600)
    }

    /// A token for one call of `lxm`.
    public func token(lxm: String, now: Date = Date()) throws -> String {
        let issuedAt = Int64(now.timeIntervalSince1970)
        let payload: JSONValue = [
            "iss": .string(issuer), "aud": .string(audience), "lxm": .string(lxm),
            "iat": .integer(issuedAt), "exp": .integer(issuedAt + lifetime), "jti": .string(UUID().uuidString),
        ]
        switch key {
        case .secp256k1(let key):
            return try ServiceJWT.sign(header: ["alg": "ES256K", "typ": "JWT"], payload: payload) { input in
                try key.signature(digest: Array(SHA256.hash(data: input)))
            }
        case .p256(let key):
            return try ServiceJWT.sign(header: ["alg": "ES256", "typ": "JWT"], payload: payload) { input in
                Self.lowS(Array(try key.signature(for: input).rawRepresentation), order: CurveOrder.p256, half: CurveOrder.p256Half)
            }
        }
    }

    /// atproto verifiers reject high-S signatures: replace S by n − S when S > n/2.
    static func lowS(_ signature: [UInt8], order: [UInt8], half: [UInt8]) -> [UInt8] {
        guard signature.count == 64 else { return signature }
        let s = Array(signature[32...])
        return CurveOrder.isLowS(s, halfOrder: half) ? signature : Array(signature[..<32]) + CurveOrder.negate(s, order: order)
    }
}
