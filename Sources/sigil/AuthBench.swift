import ArgumentParser
import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1

/// `sigil bench auth`: full service-JWT verification on cached keys vs the raw signature check, per curve.
struct AuthBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Service JWT verifications per second on one core, per curve, against the raw verify rate."
    )

    @Option(help: "Tokens verified per curve.") var count = 20_000

    func run() async throws {
        let k256 = Secp256k1.PrivateKey()
        let p256 = P256.Signing.PrivateKey()
        let k256DID = "did:plc:benchkkkkkkkkkkkkkkkkkkk"
        let p256DID = "did:plc:benchppppppppppppppppppp"
        let resolver = DIDResolver(
            fetcher: NoFetcher(),
            pinned: [
                k256DID: DIDDocument(id: k256DID, multikeys: ["atproto": Multikey.secp256k1(k256.publicKey).multibase]),
                p256DID: DIDDocument(id: p256DID, multikeys: ["atproto": Multikey.p256(p256.publicKey).multibase]),
            ])
        let now = Int64(Date().timeIntervalSince1970)
        let verifier = ServiceJWTVerifier(
            policy: .init(serviceDID: "did:web:bench.test"), resolver: resolver,
            nonces: InMemoryNonceStore(capacity: 4 * count), clock: { now })

        func tokens(_ iss: String, _ alg: String, _ sign: ([UInt8]) -> [UInt8]) -> [String] {
            (0..<count).map { i in
                ServiceJWT.sign(
                    header: ["alg": .string(alg), "typ": "JWT"],
                    payload: [
                        "iss": .string(iss), "aud": "did:web:bench.test#sigil", "lxm": "place.wisp.v2.secret.rotate",
                        "iat": .integer(now), "exp": .integer(now + 60), "jti": .string("bench-\(i)"),
                    ], with: sign)
            }
        }
        let k256Tokens = tokens(k256DID, "ES256K") { try! k256.signature(digest: Array(SHA256.hash(data: $0))) }
        let p256Tokens = tokens(p256DID, "ES256") { input in
            let raw = Array(try! p256.signature(for: input).rawRepresentation)
            let s = Array(raw[32...])
            return CurveOrder.isLowS(s, halfOrder: CurveOrder.p256Half) ? raw : Array(raw[..<32]) + CurveOrder.negate(s, order: CurveOrder.p256)
        }

        for (name, list, key) in [
            ("ES256K (secp256k1)", k256Tokens, Multikey.secp256k1(k256.publicKey)),
            ("ES256 (P-256)", p256Tokens, Multikey.p256(p256.publicKey)),
        ] {
            // Raw: the signature check alone (SHA-256 of the signing input + verify), on the same tokens.
            let parsed = list.map { try! ServiceJWT(compact: $0) }
            var start = ContinuousClock.now
            for jwt in parsed where !key.isValidSignature(jwt.signature, for: jwt.signingInput) { fatalError("bad signature") }
            let raw = Double(list.count) / ((ContinuousClock.now - start) / .seconds(1))

            start = ContinuousClock.now
            for token in list { _ = try await verifier.verify(token, lxm: "place.wisp.v2.secret.rotate") }
            let full = Double(list.count) / ((ContinuousClock.now - start) / .seconds(1))
            print(
                String(
                    format: "%@: %.0f verifications/s full, %.0f/s raw signature check, %.0f%% of raw",
                    name, full, raw, full / raw * 100))
        }
    }

    struct NoFetcher: DIDDocumentFetcher {
        func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument { throw .notFound(did) }
    }
}
