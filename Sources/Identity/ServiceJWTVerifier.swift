import Foundation
import Lexicon

/// Checks atproto inter-service JWTs: `ES256K`/`ES256`, `#atproto` key from the issuer's DID document,
/// audience, lifetime, `lxm` and single-use `jti`. Follows the spec where the reference verifier is lax
/// (it ignores `kid`, accepts high-S and DER signatures, and has no `iat` check).
public struct ServiceJWTVerifier: Sendable {
    /// What tokens must say to be for this service.
    public struct Policy: Sendable {
        /// This service's DID; `aud` must be `serviceDID#serviceID` …
        public var serviceDID: String
        public var serviceID: String
        /// … or the bare `serviceDID` when this is on (PDSs that still send it).
        public var acceptBareDID: Bool
        /// Neither `iat` may be older nor `exp` further away than this, in seconds.
        public var maxAge: Int64
        /// Allowed clock difference with the issuer, in seconds.
        public var clockSkew: Int64

        /// `maxAge` and `clockSkew` are clamped to 0…86,400 s, so arithmetic on them cannot overflow.
        public init(
            serviceDID: String, serviceID: String = "sigil", acceptBareDID: Bool = true,
            maxAge: Int64 = 300, clockSkew: Int64 = 30
        ) {
            self.serviceDID = serviceDID
            self.serviceID = serviceID
            self.acceptBareDID = acceptBareDID
            self.maxAge = min(max(maxAge, 0), Self.maxSeconds)
            self.clockSkew = min(max(clockSkew, 0), Self.maxSeconds)
        }

        /// The largest `maxAge` or `clockSkew` (one day).
        public static let maxSeconds: Int64 = 86_400
    }

    public let policy: Policy
    let resolver: DIDResolver
    let nonces: any NonceStore
    let clock: @Sendable () -> Int64

    public init(
        policy: Policy, resolver: DIDResolver, nonces: any NonceStore,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.policy = policy
        self.resolver = resolver
        self.nonces = nonces
        self.clock = clock
    }

    /// Verifies `token` for a call of `lxm` from `client` (an address, for sharing DID resolutions fairly);
    /// returns the issuer DID.
    public func verify(_ token: String, lxm: String, client: String? = nil) async throws(ServiceAuthError) -> String {
        let jwt = try ServiceJWT(compact: token)
        // Algorithm first: nothing else is looked at, and no key fetched, for none/HS256/RSA/….
        guard case .string(let alg)? = jwt.header["alg"] else { throw .badJwt("header has no alg") }
        guard alg == "ES256K" || alg == "ES256" else { throw .badJwt("alg \(alg.prefix(20)) is not allowed (ES256K or ES256)") }
        if let typ = jwt.header["typ"] {
            guard case .string(let name) = typ, name.uppercased() == "JWT" else {
                throw .init("BadJwtType", "typ must be JWT")
            }
        }
        let claims = try Claims(jwt.payload)
        if let kid = jwt.header["kid"] {
            guard kid == "#atproto" || kid == .string(claims.iss + "#atproto") else {
                throw .badJwt("kid must name the issuer's #atproto key")
            }
        }
        try check(claims, lxm: lxm)
        guard jwt.signature.count == 64 else {
            throw .init("BadJwtSignature", "signature must be 64 bytes r‖s (got \(jwt.signature.count); DER is not accepted)")
        }

        var key = try await key(of: claims.iss, refresh: false, client: client)
        if !verifies(jwt, alg: alg, key: key) {
            // The account may have rotated its key (to another curve, even) since we cached its document:
            // fetch it again (the resolver throttles forced refreshes) before saying no.
            key = try await self.key(of: claims.iss, refresh: true, client: client)
            guard key.jwtAlgorithm == alg else {
                throw .init("BadJwtSignature", "alg \(alg) does not match the issuer's \(key.jwtAlgorithm) key")
            }
            guard verifies(jwt, alg: alg, key: key) else {
                throw .init("BadJwtSignature", "jwt signature does not match jwt issuer")
            }
        }
        // Only a verified token may use up its jti. It is remembered for as long as the token is accepted:
        // until `exp` plus the clock skew.
        let used: Bool
        do {
            used = !(try await nonces.claim(issuer: claims.iss, jti: claims.jti, expiresAt: claims.exp + policy.clockSkew, now: clock()))
        } catch {
            throw .replayCacheUnavailable
        }
        guard !used else { throw .init("NonceNotUnique", "jti was already used") }
        return claims.iss
    }

    /// Every operand is bounded (claims by ``Claims/maxTimestamp``, the clock by the same, the policy by
    /// ``Policy``'s init), so none of these comparisons can overflow.
    private func check(_ claims: Claims, lxm: String) throws(ServiceAuthError) {
        let now = min(max(clock(), 0), Claims.maxTimestamp)
        let skew = policy.clockSkew
        let audiences = [policy.serviceDID + "#" + policy.serviceID] + (policy.acceptBareDID ? [policy.serviceDID] : [])
        guard audiences.contains(claims.aud) else { throw .init("BadJwtAudience", "jwt audience does not match service did") }
        guard claims.exp > now - skew else { throw .init("JwtExpired", "jwt expired") }
        guard claims.iat <= now + skew else { throw .init("JwtNotYetValid", "iat is in the future") }
        if let nbf = claims.nbf, nbf > now + skew { throw .init("JwtNotYetValid", "nbf is in the future") }
        guard now - claims.iat <= policy.maxAge + skew else { throw .init("JwtTooOld", "iat is more than \(policy.maxAge) s ago") }
        guard claims.exp - now <= policy.maxAge + skew else { throw .init("JwtTooOld", "exp is more than \(policy.maxAge) s away") }
        guard let method = claims.lxm else {
            throw .init("BadJwtLexiconMethod", "missing jwt lexicon method (\"lxm\"). must match: \(lxm)")
        }
        guard method == lxm else { throw .init("BadJwtLexiconMethod", "bad jwt lexicon method (\"lxm\"). must match: \(lxm)") }
    }

    private func key(of did: String, refresh: Bool, client: String?) async throws(ServiceAuthError) -> Multikey {
        let document: DIDDocument
        do {
            document = try await resolver.resolve(did, refresh: refresh, client: client)
        } catch {
            if case .busy(let seconds) = error { throw .rateLimited(retryAfter: seconds) }
            throw .init("BadJwtIss", "could not resolve the issuer: \(error.description)")
        }
        guard let key = document.atprotoKey else { throw .init("BadJwtIss", "the issuer's DID document has no #atproto Multikey") }
        return key
    }

    /// False for a key of another curve than `alg` names, as for a signature that does not match.
    private func verifies(_ jwt: ServiceJWT, alg: String, key: Multikey) -> Bool {
        key.jwtAlgorithm == alg && key.isValidSignature(jwt.signature, for: jwt.signingInput)
    }

    /// The payload claims, typed.
    struct Claims {
        let iss: String, aud: String, exp: Int64, iat: Int64, nbf: Int64?, lxm: String?, jti: String

        /// The latest time a claim may name: 9999-12-31T23:59:59Z. Claims outside 0…this are refused before
        /// any arithmetic touches them.
        static let maxTimestamp: Int64 = 253_402_300_799

        /// A NumericDate claim: an integer in 0…``maxTimestamp`` (floats, strings and out-of-range numbers are refused).
        static func timestamp(_ name: String, _ value: JSONValue?) throws(ServiceAuthError) -> Int64? {
            guard let value else { return nil }
            guard case .integer(let seconds) = value else { throw .badJwt("\(name) is not an integer") }
            guard seconds >= 0, seconds <= maxTimestamp else {
                throw .badJwt("\(name) is out of range (0 to \(maxTimestamp) seconds since 1970)")
            }
            return seconds
        }

        init(_ payload: [String: JSONValue]) throws(ServiceAuthError) {
            guard case .string(let iss)? = payload["iss"] else { throw .init("BadJwtIss", "iss is missing") }
            guard !iss.contains("#"), DID.isValid(iss) else { throw .init("BadJwtIss", "iss must be a DID without a fragment") }
            guard case .string(let aud)? = payload["aud"] else { throw .init("BadJwtAudience", "aud is missing") }
            guard let exp = try Self.timestamp("exp", payload["exp"]) else { throw .badJwt("exp is missing") }
            guard let iat = try Self.timestamp("iat", payload["iat"]) else { throw .badJwt("iat is missing") }
            let nbf = try Self.timestamp("nbf", payload["nbf"])
            var lxm: String?
            if let value = payload["lxm"] {
                guard case .string(let l) = value else { throw .init("BadJwtLexiconMethod", "lxm is not a string") }
                lxm = l
            }
            guard case .string(let jti)? = payload["jti"], !jti.isEmpty else {
                throw .badJwt("jti is missing (a unique id of up to 256 bytes is required)")
            }
            guard jti.utf8.count <= 256 else { throw .badJwt("jti is longer than 256 bytes (\(jti.utf8.count))") }
            (self.iss, self.aud, self.exp, self.iat, self.nbf, self.lxm, self.jti) = (iss, aud, exp, iat, nbf, lxm, jti)
        }
    }
}
