import ArgumentParser
import Lexicon
import LexiconNetwork

/// `sigil lexicon scope SCOPE…`: what OAuth scopes grant, `include:` permission sets expanded.
///
/// Exit codes: 0 (or, with `--call`/`--write`, 0 granted and 1 not granted), 2 for an unreadable scope or lexicons.
struct LexiconScope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Show which method calls and record writes OAuth scopes grant, expanding include: permission sets.",
        discussion: """
            Prints one line per grant (call <lxm> aud=<aud>, write <collection> <action>) and one per permission of an
            included set that grants nothing (dropped <set>#<index>: <reason>). With --call or --write, answers one
            question instead: exit 0 when granted, 1 when not. With --resolve, an include: naming a permission set \
            the lexicons do not hold is resolved from the network and verified (as sigil lexicon resolve does), as a \
            login would; one that does not resolve is named, exit 2.
            """
    )

    @Option(help: "Directory of lexicon JSON files holding the permission sets (default: the bundled lexicons).")
    var lexicons: String?

    @Option(help: "Ask whether this method may be called (with --aud).")
    var call: String?

    @Option(help: "The DID service reference the call is addressed to, e.g. did:web:api.example.com#svc.")
    var aud: String?

    @Option(help: "Ask whether records of this collection may be written (with --action).")
    var write: String?

    @Option(help: "create, update or delete (with --write).")
    var action: String?

    @Argument(help: "Scope strings; a quoted space-separated OAuth scope value works too.")
    var scopes: [String]

    @Flag(help: "Resolve permission sets the lexicons do not hold from the network.") var resolve = false
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        var catalog = try LexiconLocation(lexicons).catalogOrExit()
        if resolve { catalog = try await withResolvedIncludes(catalog) }
        let grants: PermissionGrants
        do {
            grants = try catalog.grants(scope: scopes.joined(separator: " "))
        } catch {
            printError("scope: \(error.reason)")
            throw ExitCode(2)
        }
        if let call {
            guard let aud else { throw ValidationError("--call needs --aud") }
            let granted = grants.allowsCall(call, audience: aud)
            print(granted ? "granted" : "not granted")
            if !granted { throw ExitCode(1) }
            return
        }
        if let write {
            guard let raw = action, let action = Permission.RepoAction(rawValue: raw) else {
                throw ValidationError("--write needs --action create, update or delete")
            }
            let granted = grants.allowsWrite(write, action: action)
            print(granted ? "granted" : "not granted")
            if !granted { throw ExitCode(1) }
            return
        }
        for grant in grants.calls.sorted() { print("call \(grant.method) aud=\(grant.audience)") }
        for grant in grants.writes.sorted() { print("write \(grant.collection) \(grant.action.rawValue)") }
        for dropped in grants.dropped { print("dropped \(dropped.set)#\(dropped.index): \(dropped.reason)") }
    }

    /// The catalog with every permission set an `include:` names and it lacks, resolved and verified.
    func withResolvedIncludes(_ catalog: LexiconCatalog) async throws -> LexiconCatalog {
        var missing: [String] = []
        for part in scopes.joined(separator: " ").split(separator: " ") {
            if case .include(let nsid, _)? = try? Scope(parsing: String(part)), catalog.definition(nsid) == nil { missing.append(nsid) }
        }
        guard !missing.isEmpty else { return catalog }
        let resolved = try await network.withResolver { resolver in
            var sources: [LexiconSource] = []
            for nsid in Set(missing).sorted() {
                do {
                    let lexicon = try await resolver.resolve(nsid)
                    printError("include:\(nsid): resolved from \(lexicon.did), record \(lexicon.cid), rev \(lexicon.rev)")
                    sources.append(lexicon.source)
                } catch let error as LexiconResolutionError {
                    printError("scope: include:\(nsid) does not resolve: \(error.description)")
                    throw ExitCode(2)
                }
            }
            return sources
        }
        do {
            return try LexiconCatalog(sources: try LexiconLocation(lexicons).sources() + resolved)
        } catch {
            printError("scope: the resolved permission sets do not load with the lexicons:\n\(error)")
            throw ExitCode(2)
        }
    }
}
