import Foundation
import Sodium
import Testing

@testable import WebhookSignature

// MARK: - Secrets

@Suite struct SecretTests {
    @Test(arguments: [
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", WebhookSecretError.missingPrefix),
        ("WHSEC_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", .missingPrefix),
        ("", .missingPrefix),
        ("whsec_", .badKeyLength(0)),
        ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", .notBase64),  // unpadded
        ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", .notBase64),  // trailing newline
        (" whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", .missingPrefix),
        ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-_", .notBase64),  // URL-safe alphabet
        ("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", .notBase64),  // non-canonical final bits
        ("whsec_AAEC AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", .notBase64),
        ("whsec_AAECAwQFBgcICQoLDA0ODxAR", .badKeyLength(18)),
        ("whsec_" + Data(count: 513).base64EncodedString(), .badKeyLength(513)),
        ("whsec_" + String(repeating: "A", count: 688), .notBase64),  // longer than any 512-byte key's encoding
    ])
    func badTokensAreRejected(token: String, expected: WebhookSecretError) {
        #expect(throws: expected) { try WebhookSigner(token: token) }
        #expect(throws: WebhookVerificationError.badSecret(expected)) { try WebhookVerifier(token: token) }
    }

    @Test func keyLengthBoundsAreInclusive() throws {
        _ = try WebhookSigner(token: "whsec_" + Data(count: 24).base64EncodedString())
        _ = try WebhookSigner(token: "whsec_" + Data(count: 512).base64EncodedString())
    }

    @Test func textNeverShowsTheToken() throws {
        let signer = try Fixture.signer()
        let verifier = try Fixture.verifier()
        let secretPart = String(Fixture.token.dropFirst(6))
        var dumped = ""
        dump(signer, to: &dumped)
        dump(verifier, to: &dumped)
        let texts = [
            signer.description, signer.debugDescription, String(describing: signer), String(reflecting: signer), "\(signer)",
            verifier.description, verifier.debugDescription, String(describing: verifier), String(reflecting: verifier), dumped,
        ]
        for text in texts {
            #expect(!text.contains(secretPart), "\(text)")
            #expect(!text.contains(Fixture.token))
        }
        // Nor does the derived key leak as bytes in a mirror.
        #expect(Mirror(reflecting: signer).children.isEmpty)
        #expect(!Mirror(reflecting: verifier).children.contains { $0.label == "secret" })
    }

    @Test func errorMessagesNeverShowTheSecret() throws {
        let token = Fixture.token
        let secretPart = String(token.dropFirst(6))
        var errors: [WebhookVerificationError] = [
            .missingHeaders(["webhook-id"]), .missingHeaders([]),
            .malformedHeader(name: "webhook-timestamp", reason: "expected Unix seconds (decimal digits only)"),
            .timestampTooOld(timestamp: 1, now: 400, tolerance: 300), .timestampTooNew(timestamp: 400, now: 1, tolerance: 300),
            .timestampTooNew(timestamp: Int64.max, now: Int64.min, tolerance: 300),
            .noMatchingSignature(header: "webhook-signature", candidates: 0),
            .noMatchingSignature(header: "webhook-signature", candidates: 2),
            .noMatchingSignature(header: "X-Webhook-Signature", candidates: 1),
            .badSecret(.missingPrefix), .badSecret(.notBase64), .badSecret(.badKeyLength(3)),
        ]
        // Plus every error the verifier actually produces for inputs built from the token itself.
        let verifier = try Fixture.verifier()
        for headers in [
            ["webhook-signature": "v1,\(secretPart)", "webhook-id": token, "webhook-timestamp": "1"],
            ["webhook-signature": token, "webhook-id": "x", "webhook-timestamp": "1"],
            ["webhook-signature": "v1,x", "webhook-id": "x", "webhook-timestamp": token],
            ["X-Webhook-Signature": token],
            ["X-Webhook-Signature": "sha256=" + Hex.lowercase(Array(token.utf8))],
        ] {
            errors.append(try #require(Fixture.failure(verifier, headers: headers)))
        }
        for token in [secretPart, "whsec_" + secretPart + "!"] {
            do throws(WebhookVerificationError) {
                _ = try WebhookVerifier(token: token)
            } catch {
                errors.append(error)
            }
        }
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains(secretPart), "\(error)")
            #expect(!String(describing: error).contains(secretPart))
        }
    }
}

// MARK: - Published Standard Webhooks vectors

/// One signing vector from `fixtures/standard-webhooks/vectors.json` (copied from the spec repository's library tests).
struct StandardWebhooksVector: Decodable, Sendable, CustomTestStringConvertible {
    struct NonMatching: Decodable, Sendable {
        let signature: String
        let from: String
    }

    let name: String
    let secret: String
    let msgId: String
    let timestamp: Int64
    let payload: String
    let signature: String
    let nonMatching: [NonMatching]

    var testDescription: String { name }

    private struct File: Decodable {
        let vectors: [StandardWebhooksVector]
    }

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/standard-webhooks/vectors.json")

    static func load() throws -> [StandardWebhooksVector] {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }

    /// Loaded once for the table test; `vectorsFileLoads` fails loudly if this comes back empty.
    static let all: [StandardWebhooksVector] = (try? load()) ?? []
}

@Suite struct StandardWebhooksVectorTests {
    @Test func vectorsFileLoads() throws {
        let vectors = try StandardWebhooksVector.load()
        #expect(vectors.count >= 2)
        #expect(StandardWebhooksVector.all.count == vectors.count)
    }

    @Test(arguments: StandardWebhooksVector.all)
    func signsLikeTheReferenceLibraries(vector: StandardWebhooksVector) throws {
        let signer = try WebhookSigner(token: vector.secret)
        let body = Array(vector.payload.utf8)
        #expect(signer.standardSignature(body: body, id: vector.msgId, timestamp: vector.timestamp) == vector.signature)
        let headers = signer.headers(body: body, id: vector.msgId, timestamp: vector.timestamp)
        #expect(headers.first { $0.name == "webhook-signature" }?.value == vector.signature)
    }

    @Test(arguments: StandardWebhooksVector.all)
    func verifiesThePublishedSignature(vector: StandardWebhooksVector) throws {
        let verifier = try WebhookVerifier(token: vector.secret, now: { vector.timestamp })
        let body = Array(vector.payload.utf8)
        var headers = ["webhook-id": vector.msgId, "webhook-timestamp": String(vector.timestamp), "webhook-signature": vector.signature]
        #expect(try verifier.verify(body: body, headers: headers) == [.standardWebhooks])

        // The libraries' rotation case: junk v1 and v2 entries around the valid one.
        let junk = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
        headers["webhook-signature"] = "\(junk) v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= \(vector.signature) \(junk)"
        #expect(try verifier.verify(body: body, headers: headers) == [.standardWebhooks])

        // And the libraries' clock checks: more than five minutes either way fails.
        headers["webhook-signature"] = vector.signature
        let late = try WebhookVerifier(token: vector.secret, now: { vector.timestamp + 301 })
        #expect(throws: WebhookVerificationError.timestampTooOld(timestamp: vector.timestamp, now: vector.timestamp + 301, tolerance: 300)) {
            try late.verify(body: body, headers: headers)
        }
        let early = try WebhookVerifier(token: vector.secret, now: { vector.timestamp - 301 })
        #expect(throws: WebhookVerificationError.timestampTooNew(timestamp: vector.timestamp, now: vector.timestamp - 301, tolerance: 300)) {
            try early.verify(body: body, headers: headers)
        }
    }

    @Test(arguments: StandardWebhooksVector.all)
    func rejectsThePublishedInvalidSignatures(vector: StandardWebhooksVector) throws {
        let verifier = try WebhookVerifier(token: vector.secret, now: { vector.timestamp })
        let body = Array(vector.payload.utf8)
        #expect(!vector.nonMatching.isEmpty)
        for bad in vector.nonMatching {
            let headers = ["webhook-id": vector.msgId, "webhook-timestamp": String(vector.timestamp), "webhook-signature": bad.signature]
            do throws(WebhookVerificationError) {
                try verifier.verify(body: body, headers: headers)
                Issue.record("\(bad.signature) (\(bad.from)) verified")
            } catch {
                guard case .noMatchingSignature(header: "webhook-signature", _) = error else {
                    Issue.record("\(bad.signature) (\(bad.from)): \(error)")
                    continue
                }
            }
        }
    }

    /// The body is signed as raw bytes: a payload changed by a JSON round trip does not verify.
    @Test(arguments: StandardWebhooksVector.all)
    func reserializedPayloadDoesNotVerify(vector: StandardWebhooksVector) throws {
        let verifier = try WebhookVerifier(token: vector.secret, now: { vector.timestamp })
        let object = try JSONSerialization.jsonObject(with: Data(vector.payload.utf8))
        let reserialized = try [UInt8](JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]))
        let headers = ["webhook-id": vector.msgId, "webhook-timestamp": String(vector.timestamp), "webhook-signature": vector.signature]
        #expect(throws: WebhookVerificationError.noMatchingSignature(header: "webhook-signature", candidates: 1)) {
            try verifier.verify(body: reserialized, headers: headers)
        }
    }
}

@Suite("Wisp signature for any secret")
struct WispSignatureForAnySecretTests {
    @Test func matchesTheSignerForWhsecTokensAndWorksForPlaintextSecrets() throws {
        let token = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Array(#"{"test": 2432232314}"#.utf8)
        #expect(WebhookSigner.wispSignature(secret: token, body: body) == (try WebhookSigner(token: token)).wispSignature(body: body))
        // RFC 4231 test case 2, as a plaintext wisp secret.
        #expect(
            WebhookSigner.wispSignature(secret: "Jefe", body: Array("what do ya want for nothing?".utf8))
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
