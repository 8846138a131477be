import ArgumentParser
import Foundation
import Identity
import Lexicon
import LexiconNetwork
import NetworkPolicy
import OwnerClient

/// `sigil lexicon publish [DIR]`: a preflight that must pass in full, then only new and changed schemas go out.
struct LexiconPublish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a lexicon directory to your repo, after a preflight that refuses anything that would break.",
        discussion: """
            Signs in with the session of `sigil account login`, or with --account and an app password (SIGIL_APP_PASSWORD \
            or the terminal). The preflight refuses, naming each problem, unless: the directory loads; lint finds no \
            error; each authority's _lexicon TXT record names the signed-in DID; no schema breaks its published copy \
            (--allow-breaking to publish anyway); each permission set's entries lie inside its namespace authority and \
            every method or collection it names resolves. Then com.atproto.repo.putRecord for new and changed schemas \
            only, printing each new CID. --dry-run stops after the preflight. Exit 1 when the preflight refuses.
            """
    )

    @Argument(help: "The lexicon directory.") var dir = "lexicons"
    @Option(help: "Sign in as this handle or DID with an app password instead of the stored session.") var account: String?
    @Flag(help: "Check everything, publish nothing.") var dryRun = false
    @Flag(help: "Publish even when a schema breaks its published copy.") var allowBreaking = false
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        var (session, fromFile) = try await signIn()
        let file = SessionFile()
        try await network.withResolver { resolver in
            let publisher = LexiconPublisher(resolver: resolver, did: session.did)
            let plan = await publisher.preflight(directory: dir, allowBreaking: allowBreaking)
            for warning in plan.warnings { printError("warning: \(warning)") }
            for nsid in plan.unchanged { print("\(nsid)\tunchanged") }
            for (nsid, _) in plan.new { print("\(nsid)\tnew") }
            for (nsid, _, published) in plan.changed { print("\(nsid)\tchanged (published \(published))") }
            guard plan.problems.isEmpty else {
                for problem in plan.problems { printError("refused: \(problem)") }
                printError("sigil: the preflight found \(plan.problems.count) problem\(plan.problems.count == 1 ? "" : "s"); nothing published")
                throw ExitCode(1)
            }
            if dryRun {
                print("preflight passed: \(plan.toPublish.count) to publish (dry run: nothing published)")
                return
            }
            let client = PDSClient(pds: session.pds)
            let published = try await publisher.publish(plan) { nsid, record in
                do {
                    return try await client.putRecord(session, collection: "com.atproto.lexicon.schema", rkey: nsid, record: record)
                } catch let error as PDSError where error.sessionEnded && fromFile {
                    session = try await client.refresh(session)
                    try file.write(session)
                    fromFile = true
                    return try await client.putRecord(session, collection: "com.atproto.lexicon.schema", rkey: nsid, record: record)
                }
            }
            for (nsid, cid) in published { print("\(nsid)\tpublished\t\(cid)") }
            print("published \(published.count) schema\(published.count == 1 ? "" : "s") to \(session.did)")
        }
    }

    /// The stored session (when it is the account asked for, or none was asked for), else a new one with an app password.
    func signIn() async throws -> (PDSSession, fromFile: Bool) {
        let environment = ProcessInfo.processInfo.environment
        if let stored = try SessionFile().read(), account == nil || account == stored.did || account == stored.handle {
            return (stored, true)
        }
        guard let account else {
            printError("sigil: not signed in: run sigil account login, or give --account with SIGIL_APP_PASSWORD")
            throw ExitCode(1)
        }
        do {
            let dns = try DNSTXTResolver(server: network.dnsServer ?? environment["SIGIL_DNS_SERVER"].flatMap { $0.isEmpty ? nil : $0 })
            let destinations = DestinationGuard(insecureLoopback: network.insecureLoopback)
            let documents = HTTPDIDFetcher(
                client: .shared, plcURL: network.plcUrl ?? environment["SIGIL_PLC_URL"] ?? "https://plc.directory", destinations: destinations)
            let resolved: ResolvedAccount
            do {
                resolved = try await AccountResolver(dns: dns, documents: documents, insecureHTTP: network.insecureLoopback).resolve(account)
                await destinations.shutdown()
            } catch {
                await destinations.shutdown()
                throw error
            }
            let session = try await PDSClient(pds: resolved.pds).createSession(
                identifier: resolved.handle ?? resolved.did, password: try AccountLogin.appPassword(environment), handle: resolved.handle)
            return (session, false)
        } catch {
            printError("sigil: cannot sign in as \(account): \(error)")
            throw ExitCode(1)
        }
    }
}
