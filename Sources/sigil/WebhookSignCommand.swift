import ArgumentParser
import Foundation
import WebhookSignature

/// `sigil webhook sign`: the signature headers Sigil would send for a body, to test a receiver (or make test vectors).
struct WebhookSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print the signature headers of a delivery of FILE, signed with a whsec_ secret or a whsk_ signing key.",
        discussion: """
            With --secret whsec_… the headers are wisp's X-Webhook-Signature and Standard
            Webhooks' v1; with --secret-key whsk_… (see `sigil webhook keygen`) they are
            Standard Webhooks' v1a (Ed25519). One 'name: value' line per header.
            """
    )

    @Option(help: "A shared secret (whsec_…).") var secret: String?
    @Option(help: "An Ed25519 signing key (whsk_…).") var secretKey: String?
    @Option(help: "The webhook-id.") var id = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    @Option(help: "The webhook-timestamp (Unix seconds; default now).") var timestamp: Int64?
    @Argument(help: "File holding the body; '-' or nothing for standard input.") var file: String?

    func validate() throws {
        guard (secret == nil) != (secretKey == nil) else { throw ValidationError("give either --secret whsec_… or --secret-key whsk_…") }
        guard id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), !id.isEmpty, id.utf8.count <= 256 else {
            throw ValidationError("--id must be 1–256 printable ASCII characters without spaces")
        }
        if let timestamp, timestamp < 0 { throw ValidationError("--timestamp must be Unix seconds (0 or more)") }
    }

    func run() throws {
        let body = try readBody(file)
        let at = timestamp ?? Int64(Date().timeIntervalSince1970)
        let headers: [(name: String, value: String)]
        if let secret {
            do throws(WebhookSecretError) {
                headers = try WebhookSigner(anyToken: secret).headers(body: body, id: id, timestamp: at)
            } catch {
                printError("--secret: \(error)")
                throw ExitCode(2)
            }
        } else {
            do throws(WebhookKeyError) {
                headers = WebhookSigningKey.headers(body: body, id: id, timestamp: at, keys: [try WebhookSigningKey(secretKey: secretKey ?? "")])
            } catch {
                printError("--secret-key: \(error)")
                throw ExitCode(2)
            }
        }
        for (name, value) in headers { print("\(name): \(value)") }
    }
}

/// `sigil webhook keygen`: a new Ed25519 signing key, for testing receivers (Sigil keeps its own keys sealed).
struct WebhookKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Print a new Ed25519 key pair as JSON: {\"publicKey\": \"whpk_…\", \"secretKey\": \"whsk_…\"}."
    )

    func run() {
        let key = WebhookSigningKey.generate()
        print(#"{"publicKey":"\#(key.publicKey.text)","secretKey":"\#(key.secretKeyText)"}"#)
    }
}
