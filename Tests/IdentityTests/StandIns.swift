import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import Lexicon
import Secp256k1

/// A signing key on either curve, producing atproto-style low-S compact signatures.
enum TestKey: Sendable {
    case k256(Secp256k1.PrivateKey)
    case p256(P256.Signing.PrivateKey)

    var multikey: Multikey {
        switch self {
        case .k256(let key): .secp256k1(key.publicKey)
        case .p256(let key): .p256(key.publicKey)
        }
    }

    var alg: String { multikey.jwtAlgorithm }

    func sign(_ input: [UInt8]) -> [UInt8] {
        switch self {
        case .k256(let key):
            return try! key.signature(digest: Array(SHA256.hash(data: input)))
        case .p256(let key):
            let raw = Array(try! key.signature(for: input).rawRepresentation)
            let s = Array(raw[32...])
            return CurveOrder.isLowS(s, halfOrder: CurveOrder.p256Half) ? raw : Array(raw[..<32]) + CurveOrder.negate(s, order: CurveOrder.p256)
        }
    }
}

/// A PLC directory on loopback: serves DID documents, counts fetches, can be made to fail.
actor StandInPLC {
    private var documents: [String: JSONValue] = [:]
    private(set) var fetches: [String: Int] = [:]
    var failing = false

    func publish(_ did: String, key: Multikey?) {
        documents[did] = DIDDocument.json(id: did, atprotoKey: key)
    }

    func publish(_ did: String, document: JSONValue) {
        documents[did] = document
    }

    func setFailing(_ value: Bool) { failing = value }

    func totalFetches() -> Int { fetches.values.reduce(0, +) }

    func answer(_ did: String) -> (Int, [UInt8]) {
        fetches[did, default: 0] += 1
        if failing { return (500, Array(#"{"message":"down"}"#.utf8)) }
        guard let document = documents[did] else { return (404, Array(#"{"message":"DID not registered"}"#.utf8)) }
        return (200, document.serialized())
    }

    /// Runs `body` with the directory listening on a loopback port; passes its base URL.
    func serve<T: Sendable>(_ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("/.well-known/did.json") { [self] _, _ in
            let (status, bytes) = await self.answer("web")
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/:did") { [self] _, context in
            // A small delay so concurrent lookups overlap, as they would against a real directory.
            try await Task.sleep(for: .milliseconds(20))
            let (status, bytes) = await self.answer(context.parameters.get("did") ?? "")
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
