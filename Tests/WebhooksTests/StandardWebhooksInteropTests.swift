import Foundation
import Testing
import WebhookSignature

/// Sigil and the stock Python `standardwebhooks` library, both directions, on ordinary and unusual bodies.
@Suite("Standard Webhooks interop with the stock library")
struct StandardWebhooksInteropTests {
    struct Body: CustomTestStringConvertible, Sendable {
        let label: String
        let bytes: [UInt8]
        var testDescription: String { label }
    }

    static let bodies: [Body] = [
        Body(label: "empty", bytes: []),
        Body(label: "JSON", bytes: Array(#"{"event":"create","did":"did:plc:abc"}"#.utf8)),
        Body(label: "control characters, NUL, CRLF and emoji", bytes: [0, 1, 9, 10, 13, 10, 0x1B, 0x7F] + Array("é😀\u{2028}".utf8)),
        Body(label: "100 KB", bytes: Array(String(repeating: #"{"k":"0123456789abcdef"}"#, count: 4_400).utf8)),
        Body(label: "trailing spaces and dots", bytes: Array("a.b.c...   ".utf8)),
    ]

    static let token = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
    static let otherToken = "whsec_" + Data((0..<32).map { UInt8($0 * 11 % 256) }).base64EncodedString()

    @Test(arguments: bodies)
    func sigilSignsTheLibraryVerifies(_ body: Body) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        var headers: [String: String] = [:]
        for (name, value) in try WebhookSigner(token: Self.token).headers(body: body.bytes, id: "msg_2Lx1", timestamp: now) { headers[name] = value }
        #expect(try await verifiedByPython(token: Self.token, headers: headers, body: body.bytes))
        #expect(try await !verifiedByPython(token: Self.otherToken, headers: headers, body: body.bytes))
        #expect(try await !verifiedByPython(token: Self.token, headers: headers, body: body.bytes + [0x20]))
        var otherID = headers
        otherID["webhook-id"] = "msg_2Lx2"
        #expect(try await !verifiedByPython(token: Self.token, headers: otherID, body: body.bytes))
    }

    @Test(arguments: bodies)
    func theLibrarySignsSigilVerifies(_ body: Body) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let signature = try await signedByPython(token: Self.token, id: "msg_py", timestamp: now, body: body.bytes)
        #expect(signature.hasPrefix("v1,"))
        let headers = ["webhook-id": "msg_py", "webhook-timestamp": String(now), "webhook-signature": signature]
        let verifier = try WebhookVerifier(token: Self.token, now: { now })
        #expect(try verifier.verify(body: body.bytes, headers: headers) == [.standardWebhooks])
        // Sigil's own signer agrees byte for byte.
        #expect(try WebhookSigner(token: Self.token).standardSignature(body: body.bytes, id: "msg_py", timestamp: now) == signature)
        #expect(throws: WebhookVerificationError.noMatchingSignature(header: "webhook-signature", candidates: 1)) {
            try verifier.verify(body: body.bytes + [0x0A], headers: headers)
        }
        #expect(throws: WebhookVerificationError.noMatchingSignature(header: "webhook-signature", candidates: 1)) {
            try WebhookVerifier(token: Self.otherToken, now: { now }).verify(body: body.bytes, headers: headers)
        }
    }

    /// Bodies that are not UTF-8: Sigil signs and verifies the exact bytes; the stock library cannot take them
    /// at all (it decodes the body as text), which the harness reports as its own failure, not as "invalid".
    @Test func nonUTF8BodiesAreSigilsAlone() async throws {
        let body: [UInt8] = [0xFF, 0xFE, 0x00, 0xC3, 0x28]
        let now = Int64(Date().timeIntervalSince1970)
        var headers: [String: String] = [:]
        for (name, value) in try WebhookSigner(token: Self.token).headers(body: body, id: "msg_bin", timestamp: now) { headers[name] = value }
        #expect(try WebhookVerifier(token: Self.token, now: { now }).verify(body: body, headers: headers).count == 2)
        await #expect { try await verifiedByPython(token: Self.token, headers: headers, body: body) } throws: { error in
            (error as? PythonHarnessError)?.description.contains("UnicodeDecodeError") == true
        }
    }
}
