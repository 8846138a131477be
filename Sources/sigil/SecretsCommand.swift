import ArgumentParser
import Foundation
import Lexicon
import Logging
import Secrets
import SigilService
import WebhookSignature

/// `sigil secrets …`: operator tools for the secrets store.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Inspect the secrets store and rotate its master key.",
        subcommands: [SecretsAudit.self, SecretsSign.self, NewMasterKey.self, SecretsRekey.self]
    )
}

/// `sigil secrets audit --did DID [--name NAME]`: the audit trail as JSON lines (never tokens).
struct SecretsAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Print an account's secret audit trail as JSON lines.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The owner's DID.") var did: String
    @Option(help: "Only this secret.") var name: String?

    func run() async throws {
        let (service, stores) = try await store.openService(logger: Logger(label: "sigil"))
        defer { Task { await stores.close() } }
        for event in try await service.audit(owner: did, name: name) {
            let line: JSONValue = [
                "at": .string(Timestamp.iso8601(milliseconds: event.at)), "owner": .string(event.owner),
                "name": .string(event.name), "action": .string(event.action.rawValue), "version": .integer(event.version),
                "by": .string(event.by?.rawValue ?? "schedule"),
            ]
            print(line.jsonString)
        }
    }
}

/// `sigil secrets sign --did DID --name NAME [--format standard] < body`: the signature Sigil would send now.
struct SecretsSign: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case wisp, standard
    }

    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print the signature a delivery of standard input would carry now, through the delivery worker's signing path.",
        discussion: """
            --format wisp (the default): sha256=<hex HMAC> under the current token (X-Webhook-Signature).
            --format standard: the webhook-signature value for --id and --timestamp: one v1 entry per token that signs now
            (two during a rotation's overlap, newest first). An expired secret signs nothing: exit 1 with the reason.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "The owner's DID.") var did: String
    @Option(help: "The secret's name.") var name: String
    @Option(help: "wisp or standard.") var format: Format = .wisp
    @Option(help: "The message id (--format standard).") var id: String = "msg_sigil_cli"
    @Option(help: "Unix seconds (--format standard; default: now).") var timestamp: Int64?

    func run() async throws {
        let (service, stores) = try await store.openService(logger: Logger(label: "sigil"))
        defer { Task { await stores.close() } }
        let body = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        let (format, id, timestamp) = (self.format, self.id, self.timestamp ?? Int64(Date().timeIntervalSince1970))
        let (line, versions): (String, String) = try await service.withSigningToken(owner: did, name: name) { keys in
            let versions =
                keys.previous == nil ? "version \(keys.version)" : "version \(keys.version) and, in its overlap, version \(keys.version - 1)"
            switch format {
            case .wisp:
                return (WebhookSigner.wispSignature(secret: keys.current.text, body: body), versions)
            case .standard:
                let signers = try keys.all.map { try WebhookSigner(anyToken: $0.text) }
                return (signers.map { $0.standardSignature(body: body, id: id, timestamp: timestamp) }.joined(separator: " "), versions)
            }
        }
        print(line)
        printError("signed with \(versions) of \(name)")
    }
}

/// `sigil secrets new-master-key PATH`: write a fresh master key file (mode 0600).
struct NewMasterKey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "new-master-key", abstract: "Write a new random master key file (mode 0600).")

    @Argument(help: "Where to write it (must not exist).") var path: String

    func run() throws {
        try MasterKey.generate().write(to: path)
        print("wrote \(path)")
    }
}

/// `sigil secrets rekey`: re-seal every token under the current master key, online.
struct SecretsRekey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Re-seal every secret under --master-key-file (the new key), opening with --previous-master-key-file.",
        discussion: """
            Online master-key rotation:
              1. sigil secrets new-master-key new.key
              2. restart each replica with --master-key-file new.key --previous-master-key-file old.key
              3. sigil secrets rekey --master-key-file new.key --previous-master-key-file old.key
              4. restart each replica with --master-key-file new.key only; destroy old.key.
            Rotations during step 3 are never overwritten: each row is re-read and re-sealed in its own transaction.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let (service, stores) = try await store.openService(logger: Logger(label: "sigil"))
        defer { Task { await stores.close() } }
        let (count, keys) = try await service.rekeyAll(signingKeys: stores.signingKeys)
        print("re-sealed \(count) secrets and \(keys) signing keys under the new master key")
    }
}

extension SecretServiceError: LocalizedError {
    public var errorDescription: String? { description }
}
