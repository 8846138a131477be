import ArgumentParser
import Foundation
import Identity
import NetworkPolicy
import OwnerClient
import XRPCMethods

#if canImport(Glibc)
    import Glibc
#endif

/// `sigil account login|logout|status`: the account holder's session at their PDS, for the owner commands.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Sign in to your PDS (for sigil secret … and sigil webhook … against a deployed Sigil).",
        subcommands: [AccountLogin.self, AccountLogout.self, AccountStatus.self]
    )
}

struct AccountLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in with an app password; the session is kept in your config directory (mode 0600).",
        discussion: """
            Resolves the account (a handle by its _atproto TXT record or https://HANDLE/.well-known/atproto-did, then \
            its DID document, then its PDS) and calls com.atproto.server.createSession with an app password read from \
            SIGIL_APP_PASSWORD or, without it, from the terminal (never from the command line). The session is stored in \
            SIGIL_CONFIG_DIR, else $XDG_CONFIG_HOME/sigil, else ~/.config/sigil.
            """
    )

    @Argument(help: "Your handle (alice.example.com) or DID.") var account: String
    @Option(help: "The PLC directory (SIGIL_PLC_URL; default https://plc.directory).") var plcUrl: String?
    @Option(help: "The DNS server for handle TXT records, HOST:PORT (SIGIL_DNS_SERVER; default the system's).") var dnsServer: String?
    @Flag(help: .hidden) var insecureLoopback = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            let dns = try DNSTXTResolver(server: dnsServer ?? environment["SIGIL_DNS_SERVER"].flatMap { $0.isEmpty ? nil : $0 })
            let destinations = DestinationGuard(insecureLoopback: insecureLoopback)
            defer { Task { await destinations.shutdown() } }
            let documents = HTTPDIDFetcher(
                client: .shared, plcURL: plcUrl ?? environment["SIGIL_PLC_URL"] ?? "https://plc.directory", destinations: destinations)
            let resolved = try await AccountResolver(dns: dns, documents: documents, insecureHTTP: insecureLoopback).resolve(account)
            let password = try Self.appPassword(environment)
            let session = try await PDSClient(pds: resolved.pds).createSession(
                identifier: resolved.handle ?? resolved.did, password: password, handle: resolved.handle)
            guard session.did == resolved.did else {
                printError("sigil: the PDS \(resolved.pds) signed in \(session.did), not \(resolved.did); nothing stored")
                throw ExitCode(1)
            }
            let file = SessionFile()
            try file.write(session)
            print("signed in as \(session.handle ?? session.did) (\(session.did)) at \(session.pds); session kept in \(file.path)")
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("sigil: \(error)")
            throw ExitCode(1)
        }
    }

    /// The app password: SIGIL_APP_PASSWORD, else read from the terminal without echo.
    static func appPassword(_ environment: [String: String]) throws -> String {
        if let password = environment["SIGIL_APP_PASSWORD"], !password.isEmpty { return password }
        guard isatty(STDIN_FILENO) == 1, let entered = getpass("App password: ") else {
            throw AccountResolutionError(description: "no terminal to read the app password from: set SIGIL_APP_PASSWORD")
        }
        let password = String(cString: entered)
        guard !password.isEmpty else { throw AccountResolutionError(description: "no app password given") }
        return password
    }
}

struct AccountLogout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "End the session at your PDS (com.atproto.server.deleteSession) and forget it here.")

    func run() async throws {
        let file = SessionFile()
        guard let session = try file.read() else {
            print("not signed in")
            return
        }
        do {
            try await PDSClient(pds: session.pds).deleteSession(session)
        } catch {
            // Forgotten here either way; the PDS ends it when it expires.
            printError("sigil: could not end the session at \(session.pds) (\(error)); forgetting it here anyway")
        }
        try file.delete()
        print("signed out (removed \(file.path))")
    }
}

struct AccountStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Who is signed in, at which PDS (never a token).")

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let file = SessionFile()
        guard let session = try file.read() else {
            if json { print(#"{"signedIn":false}"#) } else { print("not signed in (sigil account login <handle or DID>)") }
            return
        }
        let expiry = session.accessExpiry.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0))) }
        if json {
            var fields: [String: String] = ["did": session.did, "pds": session.pds, "sessionFile": file.path]
            fields["handle"] = session.handle
            fields["accessExpiresAt"] = expiry
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(fields), as: UTF8.self))
        } else {
            print("signed in as \(session.handle ?? session.did) (\(session.did))")
            print("PDS: \(session.pds)")
            if let expiry { print("access token expires \(expiry) (refreshed when needed)") }
            print("session file: \(file.path)")
        }
    }
}

/// What every owner command takes: the deployed Sigil, how to reach it, how to print.
struct OwnerOptions: ParsableArguments {
    @Option(help: "The deployed Sigil, e.g. https://sigil.example (SIGIL_SERVICE).") var service: String?
    @Flag(help: "Go through your PDS (atproto-proxy) instead of asking it for a service JWT per call.") var viaPds = false
    @Flag(help: "Print the method's JSON output instead of a table.") var json = false
    @Option(help: "The service's DID, if you vouch for it (SIGIL_SERVICE_DID; default: what it claims, checked against its URL).")
    var serviceDid: String?
    @Option(help: "The PLC directory, to check a did:plc service (SIGIL_PLC_URL; default https://plc.directory).") var plcUrl: String?

    func connect() async throws -> OwnerConnection {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let service = service ?? value("SIGIL_SERVICE") else {
            throw ValidationError("give the deployed Sigil with --service URL or SIGIL_SERVICE")
        }
        let destinations = DestinationGuard(insecureLoopback: false)
        defer { Task { await destinations.shutdown() } }
        let documents = HTTPDIDFetcher(
            client: .shared, plcURL: plcUrl ?? value("SIGIL_PLC_URL") ?? "https://plc.directory", destinations: destinations)
        return try await OwnerConnection.open(
            service: service, file: SessionFile(), viaPDS: viaPds, serviceDID: serviceDid ?? value("SIGIL_SERVICE_DID"), documents: documents)
    }

    /// Runs `body` with a connection; a declared error prints its name and message, anything else its description,
    /// and the command exits 1.
    func run(_ body: (OwnerConnection) async throws -> Void) async throws {
        do {
            try await body(try await connect())
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch let error as any XRPCDeclaredError {
            printError("sigil: \(error.errorName): \(error.errorMessage ?? "")")
            throw ExitCode(1)
        } catch {
            printError("sigil: \(error)")
            throw ExitCode(1)
        }
    }

    /// `value` as JSON (keys sorted), or `table()`.
    func show<T: Encodable>(_ value: T, table: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            print(table())
        }
    }
}

/// Columns padded to their widest cell, two spaces apart.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { column in ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
    return ([header] + rows).map { row in
        row.enumerated().map { column, cell in column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }.joined(separator: "\n")
}
