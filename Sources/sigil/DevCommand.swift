import ArgumentParser
import Foundation
import SigilService

/// `sigil dev …`: tools for trying Sigil locally without a PDS.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Local development helpers (pair with `sigil serve --dev`).",
        subcommands: [DevToken.self]
    )
}

/// `sigil dev token --lxm NSID`: a service JWT from the local development identity.
struct DevToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a service JWT for one method, signed by the local development identity.",
        discussion:
            "The identity (a secp256k1 key and a did:plc derived from it) is created in the data directory on first use; `sigil serve --dev` trusts it. Tokens are single-use."
    )

    @Option(help: "The method the token is for (the lxm claim).") var lxm: String
    @Option(help: "Audience: the service DID#id (default did:web:localhost#sigil, sigil serve's default).") var aud = "did:web:localhost#sigil"
    @Option(help: "Lifetime in seconds (at most the server's max token age).") var ttl: Int64 = 60
    @Option(help: "Data directory shared with sigil serve (SIGIL_DATA_DIR).") var dataDir: String?

    func run() throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["SIGIL_DATA_DIR"] ?? "./.sigil"
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        print(try identity.token(audience: aud, lxm: lxm, lifetime: ttl))
    }
}
