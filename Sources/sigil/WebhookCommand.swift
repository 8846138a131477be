import ArgumentParser
import Foundation
import WebhookSignature

/// `sigil webhook …`: tools for webhook receivers.
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Tools for receivers of Sigil's webhook deliveries.",
        subcommands: [
            WebhookVerify.self, WebhookSign.self, WebhookKeygen.self, WebhookDeliveries.self, WebhookList.self, WebhookDelivery.self,
            WebhookRedeliver.self, WebhookTest.self, WebhookEnable.self, WebhookDisable.self, WebhookRecover.self,
        ]
    )
}

/// `sigil webhook verify --secret TOKEN --header 'name: value' … [FILE]`: check a delivery's signatures.
///
/// Exit codes: 0 valid, 1 invalid (the reason on stderr), 2 usage or I/O error.
struct WebhookVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a webhook delivery's signatures against its raw body.",
        discussion: """
            Give the delivery's headers with --header (repeatable; names are
            case-insensitive) and its body, byte for byte, in FILE or on standard input.
            With a shared secret (--secret whsec_…, or a token registered with create or rotate,
            whose text keys both formats) Sigil signs every delivery in two formats:
              X-Webhook-Signature: sha256=<hex>   (wisp.place)
              webhook-id, webhook-timestamp and
              webhook-signature: v1,<base64> …    (Standard Webhooks)
            Every signature header given must verify, and at least one must be given.
            With a signing key, deliveries carry Standard Webhooks' asymmetric
            webhook-signature: v1a,<base64 Ed25519> … instead: give the public keys
            (--public-key whpk_…, repeatable), or the URL that publishes them (--keys-url, such as
            https://SIGIL/xrpc/dev.sigil.signingKey.listPublic?did=DID&name=NAME, fetched now);
            one v1a entry must verify under one of them.
            webhook-timestamp must be within --tolerance seconds of now.

            Exit 0 when valid (printing which formats verified), 1 when invalid (the
            reason on stderr), 2 on a usage or I/O error.

            Example:
              sigil webhook verify --secret "$SECRET" \\
                --header 'webhook-id: msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' \\
                --header 'webhook-timestamp: 1674087231' \\
                --header 'webhook-signature: v1,K5oZfzN95Z9UVu1E…' \\
                body.json
            """
    )

    @Option(help: "The webhook's signing secret: whsec_…, or the token registered with create or rotate.")
    var secret: String?

    @Option(
        name: .customLong("public-key"),
        help: ArgumentHelp(
            "A public key of the webhook's signing key (whpk_…), for v1a signatures (repeatable).",
            valueName: "whpk_…"))
    var publicKeys: [String] = []

    @Option(name: .customLong("header"), help: ArgumentHelp("A request header, as 'name: value' (repeatable).", valueName: "name: value"))
    var headers: [String] = []

    @Option(
        help: ArgumentHelp(
            "Where the signing key's public keys are published (dev.sigil.signingKey.listPublic): fetched, then used as --public-key.",
            valueName: "url"))
    var keysUrl: String?

    @Flag(help: "Allow an http or loopback --keys-url (development and tests only).")
    var insecureLoopback = false

    @Flag(help: "Accept X-Webhook-Signature alone (no timestamp, so replayable); by default whsec_ secrets require webhook-signature.")
    var allowUntimestamped = false

    @Option(help: "Largest accepted difference between webhook-timestamp and now, in seconds.")
    var tolerance: Int64 = 300

    @Argument(help: "File holding the raw request body; '-' or nothing for standard input.")
    var file: String?

    func validate() throws {
        guard tolerance >= 0 else { throw ValidationError("--tolerance must be 0 or more seconds") }
        guard [secret != nil, !publicKeys.isEmpty, keysUrl != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --secret whsec_…, --public-key whpk_… (repeatable) or --keys-url URL")
        }
        guard secret != nil || !allowUntimestamped else {
            throw ValidationError("--allow-untimestamped is for --secret only (v1a is always timestamped)")
        }
    }

    func run() async throws {
        var keys = publicKeys
        if let keysUrl { keys = try await PublishedKeys.fetch(keysUrl, insecureLoopback: insecureLoopback) }
        let verify: (_ body: [UInt8], _ headers: [String: String]) throws(WebhookVerificationError) -> [WebhookSignatureFormat]
        do throws(WebhookVerificationError) {
            if let secret {
                let verifier = try WebhookVerifier(anyToken: secret, tolerance: tolerance, policy: allowUntimestamped ? .acceptEither : nil)
                verify = { body, headers throws(WebhookVerificationError) in try verifier.verify(body: body, headers: headers) }
            } else {
                let verifier = try WebhookKeyVerifier(publicKeys: keys, tolerance: tolerance)
                verify = { body, headers throws(WebhookVerificationError) in try verifier.verify(body: body, headers: headers) }
            }
        } catch {
            printError((secret != nil ? "--secret: " : keysUrl != nil ? "--keys-url: " : "--public-key: ") + "\(error)")
            throw ExitCode(2)
        }
        let fields = try parseHeaders()
        let body = try readBody(file)
        do throws(WebhookVerificationError) {
            let formats = try verify(body, fields)
            print("valid (\(formats.map(\.description).joined(separator: ", ")))")
        } catch {
            printError("invalid: \(error)")
            throw ExitCode(1)
        }
    }

    /// The `--header` options as a dictionary; exit 2 on a malformed or repeated one.
    private func parseHeaders() throws -> [String: String] {
        guard !headers.isEmpty else {
            printError("give the delivery's signature headers with --header 'name: value' (see --help)")
            throw ExitCode(2)
        }
        var fields: [String: String] = [:]
        var seen: Set<String> = []
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else {
                printError("--header \(quoted(header)): expected 'name: value'")
                throw ExitCode(2)
            }
            let name = header[..<colon].trimmingCharacters(in: .whitespaces)
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isTokenCharacter) else {
                printError("--header \(quoted(header)): '\(name)' is not a header name")
                throw ExitCode(2)
            }
            guard seen.insert(name.lowercased()).inserted else {
                printError("--header \(name) is given more than once")
                throw ExitCode(2)
            }
            fields[name] = value
        }
        return fields
    }

}

/// The body, byte for byte, from `file` or standard input (nil or `-`); exit 2 if it cannot be read.
func readBody(_ file: String?) throws -> [UInt8] {
    guard let path = file, path != "-" else { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        printError("cannot read \(path): no such file")
        throw ExitCode(2)
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        printError("cannot read \(path)" + (isDirectory.boolValue ? ": it is a directory" : ""))
        throw ExitCode(2)
    }
    return [UInt8](data)
}

extension WebhookVerify {
    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
    }

    /// A header argument for a message, cut short so a long one does not flood the terminal.
    private func quoted(_ text: String) -> String {
        "'" + (text.count > 60 ? text.prefix(60) + "…" : text) + "'"
    }
}
