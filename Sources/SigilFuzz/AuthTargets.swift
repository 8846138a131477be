import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1

/// A fixed issuer (secp256k1 and P-256 keys, pinned DID documents) and a fixed clock, so tokens a target
/// signs verify deterministically and mutated ones reach every check after parsing.
struct AuthFixture: Sendable {
    static let now: Int64 = 1_800_000_000
    static let service = "did:web:sigil.example"
    static let k256DID = "did:plc:fuzzk256fuzzk256fuzzk256"
    static let p256DID = "did:plc:fuzzp256fuzzp256fuzzp256"
    let k256: Secp256k1.PrivateKey
    let p256: P256.Signing.PrivateKey
    let resolver: DIDResolver

    init() {
        k256 = try! Secp256k1.PrivateKey(bytes: Array(repeating: 0x11, count: 32))
        p256 = try! P256.Signing.PrivateKey(rawRepresentation: Array(repeating: 0x22, count: 32))
        let documents = [
            Self.k256DID: DIDDocument(id: Self.k256DID, multikeys: ["atproto": Multikey.secp256k1(k256.publicKey).multibase]),
            Self.p256DID: DIDDocument(id: Self.p256DID, multikeys: ["atproto": Multikey.p256(p256.publicKey).multibase]),
        ]
        resolver = DIDResolver(fetcher: PinnedDocuments(documents: documents))
    }

    /// Signs `payload` with the issuer's key for `alg` (ES256K or ES256).
    func sign(_ payload: JSONValue, alg: String, header extra: [String: JSONValue] = [:]) -> String {
        var header: [String: JSONValue] = ["alg": .string(alg), "typ": "JWT"]
        header.merge(extra) { $1 }
        return ServiceJWT.sign(header: .object(header), payload: payload) { input in
            if alg == "ES256" {
                // atproto refuses high-S signatures; P-256 signing is randomized, so sign again until low-S.
                while true {
                    let signature = Array(try! p256.signature(for: input).rawRepresentation)
                    if CurveOrder.isLowS(Array(signature[32...]), halfOrder: CurveOrder.p256Half) { return signature }
                }
            }
            return try! k256.signature(digest: Array(SHA256.hash(data: input)))
        }
    }

    /// Tokens that verify (or fail exactly one check): the corpus the fuzzer mutates.
    func seedTokens() -> [String] {
        var tokens: [String] = []
        for (alg, iss) in [("ES256K", Self.k256DID), ("ES256", Self.p256DID)] {
            let good: [String: JSONValue] = [
                "iss": .string(iss), "aud": .string(Self.service), "lxm": "place.wisp.v2.secret.list",
                "iat": .integer(Self.now), "exp": .integer(Self.now + 60), "jti": .string("seed-\(alg)"),
            ]
            tokens.append(sign(.object(good), alg: alg))
            tokens.append(sign(.object(good), alg: alg, header: ["kid": "#atproto"]))
            for (claim, value) in [
                ("exp", JSONValue.integer(Self.now - 100)), ("iat", .integer(Int64.min)), ("lxm", "other.method"),
                ("aud", "did:web:elsewhere"), ("nbf", .integer(Self.now + 1000)), ("exp", .number(1e300)),
            ] {
                var claims = good
                claims[claim] = value
                tokens.append(sign(.object(claims), alg: alg))
            }
        }
        return tokens
    }

    /// Runs the async verifier to completion from the fuzzer's (synchronous, non-pool) thread. Each input gets
    /// a replay cache of its own (the clock never moves, so a shared one would only fill up), unless given one.
    func verify(_ token: String, lxm: String, nonces: any NonceStore = InMemoryNonceStore(capacity: 16)) -> Result<String, ServiceAuthError> {
        let verifier = ServiceJWTVerifier(policy: .init(serviceDID: Self.service), resolver: resolver, nonces: nonces, clock: { Self.now })
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        Task.detached {
            do throws(ServiceAuthError) { box.result = .success(try await verifier.verify(token, lxm: lxm)) } catch { box.result = .failure(error) }
            semaphore.signal()
        }
        semaphore.wait()
        return box.result!
    }
}

private final class ResultBox: @unchecked Sendable {
    var result: Result<String, ServiceAuthError>?
}

/// DID documents from memory: no network.
private struct PinnedDocuments: DIDDocumentFetcher {
    let documents: [String: DIDDocument]
    func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument {
        guard let document = documents[did] else { throw .notFound(did) }
        return document
    }
}

enum AuthTargets {
    /// Any bytes as a bearer token: parsed and verified; refused with a named error, never a crash. The fuzzer
    /// cannot forge the fixture's signatures, so only (mutations of) signed seeds can verify; those must then
    /// carry claims within policy.
    static func verifier(_ auth: AuthFixture) -> FuzzTarget {
        FuzzTarget(
            name: "jwt", summary: "service JWT parsing and verification: no crash; what verifies is within policy",
            seeds: { auth.seedTokens().map { Array($0.utf8) } }
        ) { input in
            let token = String(decoding: input, as: UTF8.self)
            switch auth.verify(token, lxm: "place.wisp.v2.secret.list") {
            case .success(let issuer):
                guard let jwt = try? ServiceJWT(compact: token), jwt.payload["lxm"] == "place.wisp.v2.secret.list",
                    jwt.payload["iss"] == .string(issuer), [AuthFixture.k256DID, AuthFixture.p256DID].contains(issuer),
                    case .integer(let exp)? = jwt.payload["exp"], exp > AuthFixture.now - 30
                else {
                    fuzzFailure("jwt", "a token outside policy verified", input: input)
                }
            case .failure(let error):
                if error.name.isEmpty || error.name.contains(" ") { fuzzFailure("jwt", "an unnamed refusal: \(error)", input: input) }
            }
        }
    }

    /// Claims built from the input, signed by the fixture: the verifier accepts exactly those within policy,
    /// and refuses the same token with one signature byte flipped.
    static func signerDifferential(_ auth: AuthFixture) -> FuzzTarget {
        FuzzTarget(
            name: "jwt-differential", summary: "JWT signer vs verifier: signed in-policy claims verify, a flipped signature never does",
            seeds: { [[0, 0, 100, 1, 0, 7], [1, 10, 200, 1, 1, 3], [0, 255, 0, 0, 0, 0], [1, 165, 215, 2, 1, 9]] }
        ) { input in
            let bytes = Array(input)
            guard bytes.count >= 6 else { return }
            let alg = bytes[0] & 1 == 0 ? "ES256K" : "ES256"
            let iss = alg == "ES256K" ? AuthFixture.k256DID : AuthFixture.p256DID
            let iat = AuthFixture.now - Int64(bytes[1]) * 2
            let exp = AuthFixture.now + Int64(bytes[2]) * 2 - 100
            let lxm = bytes[3] & 3 == 0 ? "place.wisp.v2.secret.rotate" : "place.wisp.v2.secret.list"
            let aud = bytes[4] & 1 == 0 ? AuthFixture.service : AuthFixture.service + "#sigil"
            // From the input (so a failure replays), of any length: the 256-byte bound on jti is crossed both ways.
            let jti = String(bytes[5...].map { String(format: "%02x", $0) }.joined().prefix(300))
            let payload: JSONValue = [
                "iss": .string(iss), "aud": .string(aud), "lxm": .string(lxm), "iat": .integer(iat), "exp": .integer(exp),
                "jti": .string(jti),
            ]
            let token = auth.sign(payload, alg: alg)
            // The policy: maxAge 300 s, clock skew 30 s.
            let now = AuthFixture.now
            let inPolicy = exp > now - 30 && now - iat <= 330 && exp - now <= 330 && lxm == "place.wisp.v2.secret.list" && jti.utf8.count <= 256
            var tampered = Array(token.utf8)
            let position = tampered.count - 1 - Int(bytes[5]) % 40
            tampered[position] = tampered[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let nonces = InMemoryNonceStore(capacity: 16)
            if case .success = auth.verify(String(decoding: tampered, as: UTF8.self), lxm: "place.wisp.v2.secret.list", nonces: nonces) {
                // A different base64url spelling of the same bytes is the only way a changed token may still verify.
                if (try? ServiceJWT(compact: String(decoding: tampered, as: UTF8.self)))?.signature != (try? ServiceJWT(compact: token))?.signature {
                    fuzzFailure("jwt-differential", "a token with a changed signature verified", input: input)
                }
            }
            // The tampered token, had it verified, would have used the jti up; the genuine one gets a fresh cache.
            switch auth.verify(token, lxm: "place.wisp.v2.secret.list") {
            case .success(let issuer):
                guard inPolicy, issuer == iss else { fuzzFailure("jwt-differential", "an out-of-policy token verified", input: input) }
            case .failure(let error):
                if inPolicy { fuzzFailure("jwt-differential", "a signed in-policy token was refused: \(error)", input: input) }
            }
        }
    }
}
