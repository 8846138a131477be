import Foundation
import Sodium
import Testing

@testable import WebhookSignature

/// A fixed clock and token so every case is deterministic.
private enum Fixture {
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

// MARK: - Rejections

@Suite struct RejectionTests {
    @Test func tamperedBodyIsRejected() throws {
        var body = Fixture.body
        body[3] ^= 1
        let headers = try Fixture.headers()
        #expect(
            Fixture.failure(try Fixture.verifier(), body: body, headers: headers)
                == .noMatchingSignature(header: "webhook-signature", candidates: 1))

        // Each format on its own also catches it.
        var standard = headers
        standard["X-Webhook-Signature"] = nil
        #expect(
            Fixture.failure(try Fixture.verifier(), body: body, headers: standard)
                == .noMatchingSignature(header: "webhook-signature", candidates: 1))
        let wisp = ["X-Webhook-Signature": headers["X-Webhook-Signature"]!]
        #expect(
            Fixture.failure(try Fixture.verifier(), body: body, headers: wisp)
                == .noMatchingSignature(header: "X-Webhook-Signature", candidates: 1))
    }

    @Test func appendedNewlineIsATamperedBody() throws {
        let headers = try Fixture.headers()
        #expect(Fixture.failure(try Fixture.verifier(), body: Fixture.body + [10], headers: headers) != nil)
    }

    @Test func tamperedIdOrTimestampIsRejected() throws {
        var headers = try Fixture.headers()
        headers["webhook-id"] = "msg_other"
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .noMatchingSignature(header: "webhook-signature", candidates: 1))

        headers = try Fixture.headers()
        headers["webhook-timestamp"] = String(Fixture.now + 1)
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .noMatchingSignature(header: "webhook-signature", candidates: 1))
    }

    @Test func wrongSecretIsRejected() throws {
        let headers = try Fixture.headers(token: Fixture.otherToken)
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .noMatchingSignature(header: "webhook-signature", candidates: 1))
        let wisp = ["X-Webhook-Signature": headers["X-Webhook-Signature"]!]
        #expect(Fixture.failure(try Fixture.verifier(), headers: wisp) == .noMatchingSignature(header: "X-Webhook-Signature", candidates: 1))
    }

    /// A Standard Webhooks signature that is present must verify: a good wisp signature never excuses a bad or
    /// stale one. A good one carries the delivery alone (during an overlap wisp's header is the newer token's).
    @Test func aPresentStandardSignatureMustVerify() throws {
        let good = try Fixture.headers()
        let bad = try Fixture.headers(token: Fixture.otherToken)

        var goodStandardBadWisp = good
        goodStandardBadWisp["X-Webhook-Signature"] = bad["X-Webhook-Signature"]
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: goodStandardBadWisp) == [.standardWebhooks])

        var goodWispBadStandard = good
        goodWispBadStandard["webhook-signature"] = bad["webhook-signature"]
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: goodWispBadStandard)
                == .noMatchingSignature(header: "webhook-signature", candidates: 1))

        var goodWispStaleStandard = try Fixture.headers(timestamp: Fixture.now - 301)
        goodWispStaleStandard["X-Webhook-Signature"] = good["X-Webhook-Signature"]
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: goodWispStaleStandard)
                == .timestampTooOld(timestamp: Fixture.now - 301, now: Fixture.now, tolerance: 300))
    }

    @Test func noSignatureHeadersAtAll() throws {
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: [:])
                == .missingHeaders(["webhook-signature", "X-Webhook-Signature"]))
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: ["Content-Type": "application/json"])
                == .missingHeaders(["webhook-signature", "X-Webhook-Signature"]))
    }

    @Test func standardWebhooksHeadersWithoutTheirSignature() throws {
        var headers = try Fixture.headers()
        headers["webhook-signature"] = nil
        headers["X-Webhook-Signature"] = nil
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .missingHeaders(["webhook-signature"]))
    }

    @Test(arguments: [
        (["webhook-id"], ["webhook-id"]),
        (["webhook-timestamp"], ["webhook-timestamp"]),
        (["webhook-id", "webhook-timestamp"], ["webhook-id", "webhook-timestamp"]),
    ])
    func signatureWithoutIdOrTimestamp(removed: [String], reported: [String]) throws {
        var headers = try Fixture.headers()
        for name in removed { headers[name] = nil }
        // Even with a valid X-Webhook-Signature: a present webhook-signature must verify.
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .missingHeaders(reported))
    }

    @Test func emptyValuesCountAsMissing() throws {
        var headers = try Fixture.headers()
        headers["webhook-id"] = "  "
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .missingHeaders(["webhook-id"]))
    }

    @Test(arguments: ["hello", "-1700000000", "+1700000000", "1700000000.0", "1.7e9", "0x6553F100", "1700000000 1", "99999999999999999999"])
    func malformedTimestamp(value: String) throws {
        var headers = try Fixture.headers()
        headers["webhook-timestamp"] = value
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: headers)
                == .malformedHeader(name: "webhook-timestamp", reason: "expected Unix seconds (decimal digits only)"))
    }

    @Test(arguments: ["garbage", ",abc", "v1,abc nocomma", "\(String(repeating: "x", count: 64))"])
    func malformedSignatureList(value: String) throws {
        var headers = try Fixture.headers()
        headers["webhook-signature"] = value
        guard case .malformedHeader(name: "webhook-signature", _)? = Fixture.failure(try Fixture.verifier(), headers: headers) else {
            Issue.record("expected a malformed webhook-signature for \(value)")
            return
        }
    }

    @Test(arguments: [
        "sha1=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c",
        "80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c",
        "sha256=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c9",
        "sha256=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c00",
        "sha256=zzec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c",
        "sha256=",
        "SHA256=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c",
    ])
    func malformedWispSignature(value: String) throws {
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: ["X-Webhook-Signature": value])
                == .malformedHeader(name: "X-Webhook-Signature", reason: "expected sha256= followed by 64 hex digits"))
    }

    @Test func uppercaseHexIsAcceptedForWisp() throws {
        let value = try Fixture.headers()["X-Webhook-Signature"]!
        let upper = "sha256=" + value.dropFirst(7).uppercased()
        #expect(try Fixture.verifier().verify(body: Fixture.body, headers: ["X-Webhook-Signature": upper]) == [.wisp])
    }

    @Test func conflictingCapitalizationsAreMalformed() throws {
        var headers = try Fixture.headers()
        headers["Webhook-Signature"] = try Fixture.headers(token: Fixture.otherToken)["webhook-signature"]
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: headers)
                == .malformedHeader(name: "webhook-signature", reason: "given more than once with different values"))
    }

    @Test func timestampTooOld() throws {
        let headers = try Fixture.headers(timestamp: Fixture.now - 301)
        let error = Fixture.failure(try Fixture.verifier(), headers: headers)
        #expect(error == .timestampTooOld(timestamp: Fixture.now - 301, now: Fixture.now, tolerance: 300))
        #expect(error?.description.contains("301 s in the past") == true)
    }

    @Test func timestampTooNew() throws {
        let headers = try Fixture.headers(timestamp: Fixture.now + 301)
        let error = Fixture.failure(try Fixture.verifier(), headers: headers)
        #expect(error == .timestampTooNew(timestamp: Fixture.now + 301, now: Fixture.now, tolerance: 300))
        #expect(error?.description.contains("301 s in the future") == true)
    }

    @Test func farFutureAndAncientTimestamps() throws {
        for (timestamp, tooOld) in [(Int64(0), true), (Int64(999_999_999_999_999_999), false)] {
            let headers = try Fixture.headers(timestamp: timestamp)
            let error = Fixture.failure(try Fixture.verifier(), headers: headers)
            if tooOld {
                #expect(error == .timestampTooOld(timestamp: timestamp, now: Fixture.now, tolerance: 300))
            } else {
                #expect(error == .timestampTooNew(timestamp: timestamp, now: Fixture.now, tolerance: 300))
            }
        }
    }

    @Test func customTolerance() throws {
        let headers = try Fixture.headers(timestamp: Fixture.now - 3600)
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) != nil)
        #expect(try Fixture.verifier(tolerance: 3600).verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp])
        #expect(
            Fixture.failure(try Fixture.verifier(tolerance: 0), headers: try Fixture.headers(timestamp: Fixture.now + 1))
                == .timestampTooNew(timestamp: Fixture.now + 1, now: Fixture.now, tolerance: 0))
    }

    /// A forged signature on a stale delivery is reported as a mismatch, not as staleness.
    @Test func signatureIsCheckedBeforeTheClock() throws {
        let headers = try Fixture.headers(token: Fixture.otherToken, timestamp: Fixture.now - 10_000)
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .noMatchingSignature(header: "webhook-signature", candidates: 1))
    }

    @Test func wrongVersionPrefixOnly() throws {
        var headers = try Fixture.headers()
        headers["X-Webhook-Signature"] = nil
        let mac = headers["webhook-signature"]!.dropFirst(3)
        for value in ["v2,\(mac)", "v1a,\(mac)", "V1,\(mac)", "v0,\(mac) v2,\(mac)"] {
            headers["webhook-signature"] = value
            let error = Fixture.failure(try Fixture.verifier(), headers: headers)
            #expect(error == .noMatchingSignature(header: "webhook-signature", candidates: 0), "\(value)")
            #expect(error?.description == "no v1 signature in webhook-signature (entries of other versions are ignored)")
        }
    }

    @Test func severalSignaturesOneMatching() throws {
        var headers = try Fixture.headers()
        let valid = headers["webhook-signature"]!
        let wrong = try Fixture.headers(token: Fixture.otherToken)["webhook-signature"]!
        for value in [
            "\(wrong) \(valid)",
            "\(valid) \(wrong)",
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= \(valid) v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==  \(valid)",
            "v1,notbase64!! \(valid)",
        ] {
            headers["webhook-signature"] = value
            #expect(try Fixture.verifier().verify(body: Fixture.body, headers: headers) == [.standardWebhooks, .wisp], "\(value)")
        }
    }

    @Test func severalSignaturesNoneMatching() throws {
        var headers = try Fixture.headers()
        let wrong = try Fixture.headers(token: Fixture.otherToken)["webhook-signature"]!
        headers["webhook-signature"] = "\(wrong) v2,xyz v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,"
        let error = Fixture.failure(try Fixture.verifier(), headers: headers)
        #expect(error == .noMatchingSignature(header: "webhook-signature", candidates: 3))
        #expect(
            error?.description
                == "none of the 3 v1 signatures in webhook-signature matches this body, webhook-id and webhook-timestamp under this secret")
    }

    /// A truncated MAC (a prefix of the right one) must not verify: lengths must match too.
    @Test func truncatedSignatureIsRejected() throws {
        var headers = try Fixture.headers()
        let mac = try #require(Data(base64Encoded: String(headers["webhook-signature"]!.dropFirst(3))))
        headers["webhook-signature"] = "v1," + mac.prefix(16).base64EncodedString()
        #expect(Fixture.failure(try Fixture.verifier(), headers: headers) == .noMatchingSignature(header: "webhook-signature", candidates: 1))

        let wisp = headers["X-Webhook-Signature"]!
        #expect(
            Fixture.failure(try Fixture.verifier(), headers: ["X-Webhook-Signature": String(wisp.dropLast(2))])
                == .malformedHeader(name: "X-Webhook-Signature", reason: "expected sha256= followed by 64 hex digits"))
    }
}

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
