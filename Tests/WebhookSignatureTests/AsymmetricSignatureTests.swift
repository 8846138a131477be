import Foundation
import Sodium
import Testing

@testable import WebhookSignature

/// Standard Webhooks' asymmetric scheme (`v1a`, Ed25519): signing, verifying with public keys, and Sigil's
/// published test vectors (`fixtures/standard-webhooks-v1a.json`).
@Suite("Standard Webhooks v1a signatures")
struct AsymmetricSignatureTests {
    static let now: Int64 = 1_700_000_000
    static let key = try! WebhookSigningKey(seed: Array(0..<32))
    static let other = try! WebhookSigningKey(seed: Array(repeating: 7, count: 32))
    static let body = Array(#"{"event":"create","did":"did:plc:abc"}"#.utf8)

    static func headers(_ keys: [WebhookSigningKey] = [key], body: [UInt8] = body, id: String = "msg_1", timestamp: Int64 = now) -> [String: String] {
        Dictionary(uniqueKeysWithValues: WebhookSigningKey.headers(body: body, id: id, timestamp: timestamp, keys: keys).map { ($0.name, $0.value) })
    }

    static func verifier(_ keys: [WebhookSigningKey] = [key], tolerance: Int64 = 300) throws -> WebhookKeyVerifier {
        try WebhookKeyVerifier(publicKeys: keys.map(\.publicKey.text), tolerance: tolerance, now: { now })
    }

    static func failure(_ verifier: WebhookKeyVerifier, body: [UInt8] = body, headers: [String: String]) -> WebhookVerificationError? {
        do throws(WebhookVerificationError) {
            try verifier.verify(body: body, headers: headers)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSignedDeliveryVerifiesWithItsPublicKeyAndCarriesNoHMAC() throws {
        let headers = Self.headers()
        #expect(Set(headers.keys) == ["webhook-id", "webhook-timestamp", "webhook-signature"], "no X-Webhook-Signature, no v1")
        let signature = try #require(headers["webhook-signature"])
        #expect(signature.hasPrefix("v1a,") && Base64.decode(signature.dropFirst(4))?.count == 64)
        #expect(try Self.verifier().verify(body: Self.body, headers: headers) == [.standardWebhooksAsymmetric])
        // Ed25519 is deterministic: the same delivery signs the same.
        #expect(Self.headers() == headers)
    }

    /// Every part is signed: another body, id or timestamp, another key or a flipped bit fails, naming why.
    @Test func anyChangedPartFails() throws {
        let verifier = try Self.verifier()
        let headers = Self.headers()
        #expect(Self.failure(verifier, body: Self.body + [0x20], headers: headers) == .noMatchingPublicKeySignature(candidates: 1, keys: 1))
        for (name, value) in [("webhook-id", "msg_2"), ("webhook-timestamp", String(Self.now + 1))] {
            var changed = headers
            changed[name] = value
            #expect(Self.failure(verifier, headers: changed) == .noMatchingPublicKeySignature(candidates: 1, keys: 1), "\(name)")
        }
        #expect(Self.failure(verifier, headers: Self.headers([Self.other])) == .noMatchingPublicKeySignature(candidates: 1, keys: 1))
        var bytes = Base64.decode(headers["webhook-signature"]!.dropFirst(4))!
        for index in [0, 31, 32, 63] {
            bytes[index] ^= 1
            var changed = headers
            changed["webhook-signature"] = "v1a," + Data(bytes).base64EncodedString()
            #expect(Self.failure(verifier, headers: changed) != nil, "bit flipped in byte \(index)")
            bytes[index] ^= 1
        }
        // A v1 (HMAC) entry is not a v1a one, however it looks.
        #expect(
            Self.failure(
                verifier,
                headers: [
                    "webhook-id": "msg_1", "webhook-timestamp": String(Self.now),
                    "webhook-signature": "v1," + headers["webhook-signature"]!.dropFirst(4),
                ])
                == .noMatchingPublicKeySignature(candidates: 0, keys: 1))
    }

    /// During a rotation's overlap a delivery carries both keys' entries: a receiver holding either public key
    /// verifies; one holding several keys verifies a delivery signed by any of them.
    @Test func severalKeysAndSeveralSignatures() throws {
        let both = Self.headers([Self.other, Self.key])
        #expect(both["webhook-signature"]?.split(separator: " ").count == 2)
        #expect(try Self.verifier([Self.key]).verify(body: Self.body, headers: both) == [.standardWebhooksAsymmetric])
        #expect(try Self.verifier([Self.other]).verify(body: Self.body, headers: both) == [.standardWebhooksAsymmetric])
        let third = WebhookSigningKey.generate()
        #expect(try Self.verifier([third, Self.key]).verify(body: Self.body, headers: Self.headers()) == [.standardWebhooksAsymmetric])
        #expect(Self.failure(try Self.verifier([third]), headers: both) == .noMatchingPublicKeySignature(candidates: 2, keys: 1))
    }

    @Test(arguments: [(Int64(-301), false), (-300, true), (0, true), (300, true), (301, false)])
    func theTimestampIsWithinTolerance(_ offset: Int64, _ accepted: Bool) throws {
        let error = Self.failure(try Self.verifier(), headers: Self.headers(timestamp: Self.now + offset))
        if accepted {
            #expect(error == nil)
        } else {
            #expect(
                error
                    == (offset < 0
                        ? .timestampTooOld(timestamp: Self.now + offset, now: Self.now, tolerance: 300)
                        : .timestampTooNew(timestamp: Self.now + offset, now: Self.now, tolerance: 300)))
        }
    }

    /// A hostile header costs a bounded number of checks; junk entries are non-matching, not crashes.
    @Test func hostileHeadersAreBoundedAndMalformedOnesNamed() throws {
        let verifier = try Self.verifier()
        var headers = Self.headers()
        headers["webhook-signature"] = Array(repeating: "v1a," + String(repeating: "A", count: 88), count: 17).joined(separator: " ")
        #expect(Self.failure(verifier, headers: headers) == .malformedHeader(name: "webhook-signature", reason: "more than 8 v1a entries"))
        // Entries × keys is bounded too: 6 well-formed wrong signatures under 3 keys would be 18 checks.
        let three = try WebhookKeyVerifier(publicKeys: (0..<3).map { _ in WebhookSigningKey.generate().publicKey.text }, now: { Self.now })
        headers["webhook-signature"] = Array(repeating: "v1a," + Data(repeating: 9, count: 64).base64EncodedString(), count: 6).joined(separator: " ")
        #expect(
            Self.failure(three, headers: headers)
                == .malformedHeader(name: "webhook-signature", reason: "more than 16 signature checks (v1a entries × public keys)"))
        for junk in ["v1a,", "v1a,!!!!", "v1a," + Data(repeating: 1, count: 63).base64EncodedString(), "v2,abc"] {
            headers["webhook-signature"] = junk
            #expect(Self.failure(verifier, headers: headers) != nil, "\(junk)")
        }
        headers["webhook-signature"] = ",abc"
        #expect(
            Self.failure(verifier, headers: headers)
                == .malformedHeader(name: "webhook-signature", reason: "expected space-separated <version>,<signature> entries"))
        #expect(
            Self.failure(verifier, headers: ["webhook-signature": Self.headers()["webhook-signature"]!])
                == .missingHeaders(["webhook-id", "webhook-timestamp"]))
        #expect(Self.failure(verifier, headers: [:]) == .missingHeaders(["webhook-signature"]))
    }

    @Test(arguments: [
        ("whsec_" + Data(repeating: 1, count: 32).base64EncodedString(), WebhookKeyError.missingPrefix("whpk_")),
        ("whpk_" + Data(repeating: 1, count: 31).base64EncodedString(), .badLength(prefix: "whpk_", bytes: 31)),
        ("whpk_" + Data(repeating: 1, count: 64).base64EncodedString(), .badLength(prefix: "whpk_", bytes: 64)),
        ("whpk_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE", .notBase64("whpk_")),  // unpadded
        ("whpk_ " + Data(repeating: 1, count: 32).base64EncodedString(), .notBase64("whpk_")),
        ("whpk_" + String(repeating: "A", count: 4000), .notBase64("whpk_")),
    ])
    func badPublicKeysAreRefusedNamingWhy(_ text: String, _ expected: WebhookKeyError) {
        #expect(throws: WebhookVerificationError.badPublicKey(expected)) { try WebhookKeyVerifier(publicKeys: [text]) }
    }

    @Test func secretKeysRoundTripAndNeverPrint() throws {
        let key = WebhookSigningKey.generate()
        let again = try WebhookSigningKey(secretKey: key.secretKeyText)
        #expect(again.publicKey == key.publicKey)
        let seedForm = try WebhookSigningKey(secretKey: "whsk_" + Data(key.keyPair.seed).base64EncodedString())
        #expect(seedForm.publicKey == key.publicKey)
        // A 64-byte key whose public half is another key's is refused.
        var mismatched = key.keyPair.secretKey
        mismatched.replaceSubrange(32..<64, with: Self.other.publicKey.bytes)
        #expect(throws: WebhookKeyError.mismatchedPublicKey) { try WebhookSigningKey(secretKey: "whsk_" + Data(mismatched).base64EncodedString()) }
        for text in [
            String(describing: key), String(reflecting: key), "\(Mirror(reflecting: key).children.map { "\($0)" })",
            String(describing: key.keyPair), String(reflecting: key.keyPair),
        ] {
            #expect(!text.contains(key.secretKeyText) && !text.contains(String(key.secretKeyText.dropFirst(5).prefix(20))), "\(text)")
        }
    }

    /// Sigil's published vectors: signing from the fixture's seed gives exactly its signatures, which verify under
    /// its public key (and Python's `cryptography` agrees: see `WebhooksTests`).
    @Test func thePublishedVectorsHold() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.path("fixtures/standard-webhooks-v1a.json")))
        let fixture = try JSONDecoder().decode(V1aFixture.self, from: data)
        let key = try WebhookSigningKey(secretKey: fixture.secretKey)
        #expect(key.publicKey.text == fixture.publicKey)
        #expect(Data(key.keyPair.seed).base64EncodedString() == fixture.seedBase64)
        #expect(!fixture.cases.isEmpty)
        for vector in fixture.cases {
            let body = Array(vector.body.utf8)
            #expect(key.signature(body: body, id: vector.id, timestamp: vector.timestamp) == vector.signature, "\(vector.id)")
            let verifier = try WebhookKeyVerifier(publicKeys: [fixture.publicKey], now: { vector.timestamp })
            #expect(
                try verifier.verify(
                    body: body,
                    headers: [
                        "webhook-id": vector.id, "webhook-timestamp": String(vector.timestamp),
                        "webhook-signature": vector.signature,
                    ]) == [.standardWebhooksAsymmetric])
        }
    }
}

/// `fixtures/standard-webhooks-v1a.json`.
struct V1aFixture: Decodable {
    struct Case: Decodable {
        let id: String
        let timestamp: Int64
        let body: String
        let signature: String
    }

    let publicKey: String
    let secretKey: String
    let seedBase64: String
    let cases: [Case]
}
