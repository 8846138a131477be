import ArgumentParser
import Foundation
import OwnerClient
import SigilAPI

/// `sigil secret …`: your webhook signing secrets on a deployed Sigil, as the signed-in account
/// (`sigil account login`). `sigil secrets` (plural) is the operator's tool on the server's own store.
struct OwnerSecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Your signing secrets on a deployed Sigil (sign in first: sigil account login).",
        subcommands: [
            SecretCreate.self, SecretRotate.self, SecretList.self, SecretGet.self, SecretHistory.self, SecretDelete.self, SecretSetPolicy.self,
            SecretRevokePrevious.self,
        ]
    )
}

/// A token registered from standard input (never from the command line, where other users can see it).
func suppliedToken(_ fromStdin: Bool) throws -> String? {
    guard fromStdin else { return nil }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("--token-from-stdin: no token on standard input") }
    return line
}

struct SecretCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a secret; its token is printed once, to standard output.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name (1-64 letters, digits, . _ -).") var name: String
    @Flag(help: "Register the token given on standard input (one your receiver generated) instead of generating one.") var tokenFromStdin = false

    func run() async throws {
        let token = try suppliedToken(tokenFromStdin)
        try await owner.run { connection in
            let created = try await connection.call(PlaceWispV2SecretCreate.self, input: .init(name: name, token: token))
            try owner.show(created) { "created \(created.name) at \(created.createdAt)\ntoken: \(created.token)\n(shown once: store it now)" }
        }
    }
}

struct SecretRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Rotate a secret; the new token is printed once. Without --overlap the old token dies at once.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String
    @Option(help: "Seconds the previous token keeps signing (0-86400; default the secret's policy, else 0).") var overlap: Int?
    @Flag(help: "Rotate even inside a live overlap (the older token dies first).") var force = false
    @Flag(help: "Register the new token given on standard input instead of generating one.") var tokenFromStdin = false

    func run() async throws {
        let token = try suppliedToken(tokenFromStdin)
        try await owner.run { connection in
            let rotated = try await connection.call(
                DevSigilSecretRotate.self, input: .init(force: force ? true : nil, name: name, overlapSeconds: overlap, token: token))
            try owner.show(rotated) {
                "rotated \(rotated.name) at \(rotated.rotatedAt)"
                    + (rotated.previousValidUntil.map { "; the previous token signs until \($0)" } ?? "; the previous token is dead")
                    + "\ntoken: \(rotated.token)\n(shown once: store it now)"
            }
        }
    }
}

struct SecretList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Your secrets (never a token).")
    @OptionGroup var owner: OwnerOptions
    @Option(help: "Secrets per page (1-100).") var limit = 50
    @Option(help: "From a previous page's cursor.") var cursor: String?

    func run() async throws {
        try await owner.run { connection in
            let page = try await connection.call(PlaceWispV2SecretList.self, parameters: .init(cursor: cursor, limit: limit))
            try owner.show(page) {
                table(["NAME", "CREATED", "LAST ROTATED"], page.secrets.map { [$0.name, $0.createdAt, $0.lastRotatedAt ?? "-"] })
                    + (page.cursor.map { "\nmore: --cursor \($0)" } ?? "")
            }
        }
    }
}

struct SecretGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "A secret's state and policy (never a token).")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String

    func run() async throws {
        try await owner.run { connection in
            let secret = try await connection.call(DevSigilSecretGet.self, parameters: .init(name: name))
            try owner.show(secret) {
                [
                    ("name", secret.name), ("status", secret.status), ("version", String(secret.version)), ("created", secret.createdAt),
                    ("last rotated", secret.lastRotatedAt ?? "-"), ("last rotation by", secret.lastRotationBy ?? "-"),
                    ("previous token until", secret.previousValidUntil ?? "-"), ("rotation due", secret.rotationDueAt ?? "-"),
                    ("expires", secret.expiresAt ?? "-"), ("overlap policy", secret.policy.overlapSeconds.map { "\($0) s" } ?? "-"),
                    ("rotation period", secret.policy.rotationPeriodSeconds.map { "\($0) s" } ?? "-"), ("note", secret.lastMessage ?? "-"),
                ].map { "\($0.0): \($0.1)" }.joined(separator: "\n")
            }
        }
    }
}

struct SecretHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "A secret's audit trail, newest first.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String
    @Option(help: "Events per page (1-100).") var limit = 50
    @Option(help: "From a previous page's cursor.") var cursor: String?

    func run() async throws {
        try await owner.run { connection in
            let page = try await connection.call(DevSigilSecretHistory.self, parameters: .init(cursor: cursor, limit: limit, name: name))
            try owner.show(page) {
                table(["AT", "ACTION", "VERSION", "BY"], page.events.map { [$0.at, $0.action, String($0.version), $0.by] })
                    + (page.cursor.map { "\nmore: --cursor \($0)" } ?? "")
            }
        }
    }
}

struct SecretDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a secret: nothing is signed with it from now on.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String

    func run() async throws {
        try await owner.run { connection in
            _ = try await connection.call(PlaceWispV2SecretDelete.self, input: .init(name: name))
            try owner.show(["deleted": name]) { "deleted \(name)" }
        }
    }
}

struct SecretSetPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-policy", abstract: "Set a secret's rotation policy (a rule left out is cleared).")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String
    @Option(help: "Default overlap of a rotation, in seconds (0-86400).") var overlap: Int?
    @Option(help: "Expire the secret if not rotated within this many seconds of its last rotation (60-31536000).") var rotationPeriod: Int?
    @Option(help: "Absolute expiry, an RFC 3339 datetime (never extended by rotation).") var expiresAt: String?

    func run() async throws {
        try await owner.run { connection in
            let set = try await connection.call(
                DevSigilSecretSetPolicy.self,
                input: .init(expiresAt: expiresAt, name: name, overlapSeconds: overlap, rotationPeriodSeconds: rotationPeriod))
            try owner.show(set) {
                "policy of \(set.name): overlap \(set.policy.overlapSeconds.map { "\($0) s" } ?? "-"), rotation period "
                    + "\(set.policy.rotationPeriodSeconds.map { "\($0) s" } ?? "-"), expires \(set.policy.expiresAt ?? "-")"
            }
        }
    }
}

struct SecretRevokePrevious: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-previous", abstract: "End a live overlap now: the previous token dies.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The secret's name.") var name: String

    func run() async throws {
        try await owner.run { connection in
            let revoked = try await connection.call(DevSigilSecretRevokePrevious.self, input: .init(name: name))
            try owner.show(revoked) { "the previous token of \(revoked.name) is dead since \(revoked.revokedAt)" }
        }
    }
}
