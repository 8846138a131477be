import Foundation
import Sodium
import Testing

@testable import WebhookSignature

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
