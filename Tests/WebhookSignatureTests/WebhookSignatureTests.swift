import Foundation
import Sodium
import Testing

@testable import WebhookSignature

/// A fixed clock and token so every case is deterministic.
enum Fixture {
    static let now: Int64 = 1_700_000_000
    /// `whsec_` + base64 of the bytes 0…31 (a 32-byte key, like the tokens `sigil` issues).
    static let token = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let otherToken = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
    static let body = Array(#"{"event":"site.updated","did":"did:plc:abc"}"#.utf8)
    static let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

    static func signer(_ token: String = token) throws -> WebhookSigner { try WebhookSigner(token: token) }

    /// A verifier that accepts either format alone, so each format's own checks can be tested by itself.
    /// (The default policy for `whsec_` tokens is stricter: see `theDefaultRequiresTheTimestampedSignature`.)
    static func verifier(
        _ token: String = token, tolerance: Int64 = 300, now: Int64 = now,
        policy: WebhookVerifier.Policy = .acceptEither
    ) throws -> WebhookVerifier {
        try WebhookVerifier(token: token, tolerance: tolerance, policy: policy, now: { now })
    }

    /// The headers of a delivery of `body` signed with `token` at `timestamp`, as a dictionary.
    static func headers(body: [UInt8] = body, token: String = token, id: String = id, timestamp: Int64 = now) throws -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in try signer(token).headers(body: body, id: id, timestamp: timestamp) { headers[name] = value }
        return headers
    }

    /// Runs `verify` and returns its error (nil if it verified).
    static func failure(_ verifier: WebhookVerifier, body: [UInt8] = body, headers: [String: String]) -> WebhookVerificationError? {
        do throws(WebhookVerificationError) {
            try verifier.verify(body: body, headers: headers)
            return nil
        } catch {
            return error
        }
    }
}

// MARK: - Signing and round trips

@Suite struct SigningTests {
    @Test func headersAreExactlyTheFourInOrder() throws {
        let headers = try Fixture.signer().headers(body: Fixture.body, id: Fixture.id, timestamp: Fixture.now)
        #expect(headers.map(\.name) == ["X-Webhook-Signature", "webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers[1].value == Fixture.id)
        #expect(headers[2].value == "1700000000")

        let wisp = headers[0].value
        #expect(wisp.hasPrefix("sha256="))
        #expect(wisp.dropFirst(7).count == 64)
        #expect(wisp.dropFirst(7).allSatisfy { "0123456789abcdef".contains($0) })

        let standard = headers[3].value
        #expect(standard.hasPrefix("v1,"))
        #expect(!standard.contains(" "))  // exactly one entry
        #expect(Data(base64Encoded: String(standard.dropFirst(3)))?.count == 32)
    }

    /// wisp.place's format: HMAC-SHA256 keyed by the whole token's UTF-8 bytes, over the raw body, lowercase hex.
    /// Expected value computed independently (Python `hmac.new(token.encode(), body, sha256).hexdigest()`).
    @Test func wispSignatureMatchesIndependentComputation() throws {
        let signer = try WebhookSigner(token: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(
            signer.wispSignature(body: Array(#"{"test": 2432232314}"#.utf8))
                == "sha256=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c")
    }

    @Test func signerAcceptsAnyByteCollection() throws {
        let signer = try Fixture.signer()
        let array = signer.headers(body: Fixture.body, id: Fixture.id, timestamp: Fixture.now)
        let slice = signer.headers(body: Fixture.body[...], id: Fixture.id, timestamp: Fixture.now)
        let data = signer.headers(body: Data(Fixture.body), id: Fixture.id, timestamp: Fixture.now)
        #expect(array.map(\.value) == slice.map(\.value))
        #expect(array.map(\.value) == data.map(\.value))
    }

    @Test func roundTripVerifiesBothFormats() throws {
        let formats = try Fixture.verifier().verify(body: Fixture.body, headers: Fixture.headers())
        #expect(formats == [.standardWebhooks, .wisp])
    }

    @Test func roundTripWithEmptyAndBinaryBodies() throws {
        for body in [[], [0, 255, 10, 13, 0], Array(repeating: UInt8(ascii: "."), count: 100_000)] as [[UInt8]] {
            let formats = try Fixture.verifier().verify(body: body, headers: Fixture.headers(body: body))
            #expect(formats == [.standardWebhooks, .wisp])
        }
    }

    @Test func standardWebhooksAloneVerifies() throws {
        var headers = try Fixture.headers()
        headers["X-Webhook-Signature"] = nil
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks])
    }

    @Test func wispAloneVerifies() throws {
        let headers = try ["X-Webhook-Signature": Fixture.headers()["X-Webhook-Signature"]!]
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.wisp])
    }

    /// A captured delivery with its Standard Webhooks headers stripped has only the untimestamped wisp
    /// signature: the default verifier of a `whsec_` token refuses it, now and an hour later.
    @Test func theDefaultRequiresTheTimestampedSignature() throws {
        let captured = try Fixture.headers()
        let stripped = ["X-Webhook-Signature": captured["X-Webhook-Signature"]!]
        for now in [Fixture.now, Fixture.now + 3_600] {
            let strict = try WebhookVerifier(token: Fixture.token, now: { now })
            #expect(strict.policy == .requireTimestamped)
            #expect(throws: WebhookVerificationError.timestampedSignatureRequired) { try strict.verify(body: Fixture.body, headers: stripped) }
        }
        // The whole delivery still verifies (both formats) within the tolerance, and not after it.
        let strict = try WebhookVerifier(token: Fixture.token, now: { Fixture.now })
        #expect(try strict.verify(body: Fixture.body, headers: captured) == [.standardWebhooks, .wisp])
        let later = try WebhookVerifier(token: Fixture.token, now: { Fixture.now + 3_600 })
        #expect(throws: WebhookVerificationError.self) { try later.verify(body: Fixture.body, headers: captured) }
        // Opting in to the old behaviour accepts the wisp signature alone.
        #expect(try Fixture.verifier(policy: .acceptEither).verify(body: Fixture.body, headers: stripped) == [.wisp])
    }

    /// The wisp format has no timestamp, so the clock does not matter for it.
    @Test func wispAloneIgnoresTheClock() throws {
        let headers = try ["X-Webhook-Signature": Fixture.headers()["X-Webhook-Signature"]!]
        #expect(try Fixture.verifier(now: 0).verify(body: Fixture.body, headers: headers) == [.wisp])
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let signed = try Fixture.headers()
        let headers = [
            "x-webhook-signature": signed["X-Webhook-Signature"]!,
            "WEBHOOK-ID": signed["webhook-id"]!,
            "Webhook-Timestamp": signed["webhook-timestamp"]!,
            "webHook-SIGNATURE": signed["webhook-signature"]!,
        ]
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
    }

    @Test func sameHeaderUnderTwoCapitalizationsWithTheSameValueIsFine() throws {
        var headers = try Fixture.headers()
        headers["Webhook-Id"] = headers["webhook-id"]
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
    }

    @Test func surroundingWhitespaceInValuesIsIgnored() throws {
        let headers = try Fixture.headers().mapValues { " \($0)\t" }
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
    }

    @Test func timestampAtExactlyTheToleranceIsAccepted() throws {
        for timestamp in [Fixture.now - 300, Fixture.now + 300] {
            let headers = try Fixture.headers(timestamp: timestamp)
            #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
        }
    }

    @Test func defaultToleranceIsFiveMinutes() throws {
        #expect(try WebhookVerifier(token: Fixture.token).tolerance == 300)
        #expect(try WebhookVerifier(token: Fixture.token, tolerance: -5).tolerance == 0)
    }

    @Test func systemClockIsUsedByDefault() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let headers = try Fixture.headers(timestamp: now)
        #expect(try WebhookVerifier(token: Fixture.token).verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
    }
}
