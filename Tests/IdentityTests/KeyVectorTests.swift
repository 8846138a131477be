import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1
import SigilTestSupport
import Testing

extension Repo {
    static func json(_ relative: String) -> JSONValue {
        (try? JSONValue(parsing: [UInt8](FileManager.default.contents(atPath: path(relative)) ?? Data()))) ?? .null
    }
}

/// Standard base64 without padding, as the interop fixtures write it.
func base64(_ text: String) -> [UInt8] {
    let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    return [UInt8](Data(base64Encoded: padded)!)
}

struct Vector: Sendable, CustomTestStringConvertible {
    let json: JSONValue
    var testDescription: String { json["publicDidKey"]?.stringValue ?? json["comment"]?.stringValue ?? "?" }
}

@Suite("Multikey and did:key")
struct KeyVectorTests {
    static let k256 = (Repo.json("fixtures/atproto-interop/crypto/w3c_didkey_K256.json").arrayValue ?? []).map(Vector.init)
    static let p256 = (Repo.json("fixtures/atproto-interop/crypto/w3c_didkey_P256.json").arrayValue ?? []).map(Vector.init)
    static let signatures = (Repo.json("fixtures/atproto-interop/crypto/signature-fixtures.json").arrayValue ?? []).map(Vector.init)

    @Test func fixturesArePresent() {
        #expect(Self.k256.count == 5)
        #expect(Self.p256.count == 1)
        #expect(Self.signatures.count == 6)
        // Both kinds of invalid signature the current vectors tag, for both curves.
        let tags = Self.signatures.flatMap { $0.json["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        #expect(tags.filter { $0 == "high-s" }.count == 2)
        #expect(tags.filter { $0 == "der-encoded" }.count == 2)
    }

    @Test("secp256k1 private key → did:key", arguments: k256)
    func secp256k1DIDKey(_ vector: Vector) throws {
        let key = try Secp256k1.PrivateKey(bytes: hexBytes(vector.json["privateKeyBytesHex"]!.stringValue!)!)
        let expected = vector.json["publicDidKey"]!.stringValue!
        #expect(Multikey.secp256k1(key.publicKey).didKey == expected)
        let parsed = try Multikey(didKey: expected)
        guard case .secp256k1(let publicKey) = parsed else {
            Issue.record("wrong curve")
            return
        }
        #expect(publicKey == key.publicKey)
        #expect(parsed.jwtAlgorithm == "ES256K")
    }

    @Test("P-256 private key → did:key", arguments: p256)
    func p256DIDKey(_ vector: Vector) throws {
        let secret = Base58.decode(vector.json["privateKeyBytesBase58"]!.stringValue!)!
        let key = try P256.Signing.PrivateKey(rawRepresentation: secret)
        let expected = vector.json["publicDidKey"]!.stringValue!
        #expect(Multikey.p256(key.publicKey).didKey == expected)
        let parsed = try Multikey(didKey: expected)
        guard case .p256(let publicKey) = parsed else {
            Issue.record("wrong curve")
            return
        }
        #expect(publicKey.compressedRepresentation == key.publicKey.compressedRepresentation)
        #expect(parsed.jwtAlgorithm == "ES256")
    }

    @Test("interop signatures: low-S valid; high-S and DER invalid", arguments: signatures)
    func interopSignature(_ vector: Vector) throws {
        let key = try Multikey(didKey: vector.json["publicKeyDid"]!.stringValue!)
        #expect(key.jwtAlgorithm == vector.json["algorithm"]!.stringValue!)
        let signature = base64(vector.json["signatureBase64"]!.stringValue!)
        let tags = vector.json["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // The tags say why a vector is invalid; the bytes must look like it (a DER sequence is not 64 raw bytes).
        if tags.contains("der-encoded") { #expect(signature.first == 0x30 && signature.count != 64) }
        if tags.contains("high-s") { #expect(signature.count == 64) }
        let valid = key.isValidSignature(signature, for: base64(vector.json["messageBase64"]!.stringValue!))
        #expect(valid == vector.json["validSignature"]!.boolValue!)
    }

    @Test func derSignatureIsRejected() throws {
        // From the reference's tests: a DER-encoded ES256K signature must not verify.
        let key = try Multikey(didKey: "did:key:zQ3shnriYMXc8wvkbJqfNWh5GXn2bVAeqTC92YuNbek4npqGF")
        let der = base64("MEUCIQCWumUqJqOCqInXF7AzhIRg2MhwRz2rWZcOEsOjPmNItgIgXJH7RnqfYY6M0eg33wU0sFYDlprwdOcpRn78Sz5ePgk")
        #expect(!key.isValidSignature(der, for: base64("oWVoZWxsb2V3b3JsZA")))
    }

    @Test(arguments: [
        ("z1", Multikey.Failure.badEncoding),
        ("Q3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", .notBase58btc),
        ("z0OIl", .badEncoding),
        ("z" + Base58.encode([0xED, 0x01] + [UInt8](repeating: 1, count: 32)), .unsupportedCodec),
        ("z" + Base58.encode([0xE7, 0x01, 0x02] + [UInt8](repeating: 0xFF, count: 32)), .invalidPoint),
        ("z" + Base58.encode([0x80, 0x24, 0x05] + [UInt8](repeating: 0, count: 32)), .invalidPoint),
    ])
    func malformedMultikeys(_ text: String, _ failure: Multikey.Failure) {
        #expect(throws: failure) { try Multikey(multibase: text) }
    }

    @Test func base58RoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 33, 35, 64] {
            let bytes = [0, 0] + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func base64URLIsStrict() {
        #expect(Base64URL.decode("aGk") == Array("hi".utf8))
        #expect(Base64URL.decode("aGk=") == nil)  // padding
        #expect(Base64URL.decode("a+k") == nil)  // standard alphabet
        #expect(Base64URL.decode("aGl") == nil)  // non-zero trailing bits
        #expect(Base64URL.decode("a") == nil)  // impossible length
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.encode(Array("hi?".utf8)) == "aGk_")
    }
}
