import Foundation
import Testing
import WebhookSignature

/// The worked example of the `WebhookSignature` documentation catalog, against a delivery `WebhookSigner` signed.
@Suite("Documentation examples: WebhookSignature")
struct DocumentationExampleTests {
    @Test func verifyADelivery() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Array(#"{"id":"3b1e","event":"create"}"#.utf8)
        let now = Int64(Date().timeIntervalSince1970)
        let signed = try WebhookSigner(token: secret).headers(body: body, id: "msg_3b1e", timestamp: now)
        let headers = Dictionary(signed.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })

        let verifier = try WebhookVerifier(token: secret)
        let formats = try verifier.verify(body: body, headers: headers)
        #expect(Set(formats) == [.standardWebhooks, .wisp])
        // A body changed by one byte is refused.
        #expect(throws: WebhookVerificationError.self) { try verifier.verify(body: body + [0x20], headers: headers) }
    }
}
