import ArgumentParser
import Foundation
import Lexicon
import LexiconNetwork

/// `sigil lexicon resolve NSID`: the verified published schema and where it came from.
struct LexiconResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a lexicon from the network and verify it against its repo's signed commit.",
        discussion: """
            NSID → the _lexicon TXT record of its authority (did=…) → the DID document → the PDS → \
            com.atproto.sync.getRecord, whose CAR proof is checked: the commit signed by the DID's #atproto key, the MST \
            path to com.atproto.lexicon.schema/NSID, the record's hash. Prints the schema, and its DID, CID and commit rev \
            on stderr (with --json, one object on stdout). Exit 1 with the named refusal when any link fails.
            """
    )

    @Argument(help: "The lexicon's NSID, e.g. app.bsky.feed.post.") var nsid: String
    @Flag(help: "Print {nsid, did, cid, rev, pds, schema}, or {nsid, error, message}, as JSON.") var json = false
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        try await network.withResolver { resolver in
            do {
                let resolved = try await resolver.resolve(nsid)
                if json {
                    let object: JSONValue = [
                        "nsid": .string(resolved.nsid), "did": .string(resolved.did), "cid": .string(resolved.cid.description),
                        "rev": .string(resolved.rev), "pds": .string(resolved.pds), "schema": resolved.schema,
                    ]
                    print(object.prettyJSON)
                } else {
                    printError("\(resolved.nsid): from \(resolved.did) at \(resolved.pds), record \(resolved.cid), commit rev \(resolved.rev)")
                    print(resolved.schema.prettyJSON)
                }
            } catch let error as LexiconResolutionError {
                if json {
                    print(JSONValue.object(["nsid": .string(nsid), "error": .string(error.code), "message": .string(error.description)]).prettyJSON)
                } else {
                    printError("sigil: \(nsid): \(error.description)")
                }
                throw ExitCode(1)
            }
        }
    }
}

/// `sigil lexicon check-dns AUTHORITY…`: which account each authority's `_lexicon` TXT record names.
struct LexiconCheckDNS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-dns",
        abstract: "Check the _lexicon TXT records of lexicon authorities.",
        discussion: """
            Each AUTHORITY is an NSID group (com.example.feed) or an NSID in it; without any, the authorities of the \
            lexicons in --dir. Prints the TXT name and the DID it names; with --did, each must name that DID. Exit 1 if \
            any record is missing, conflicting, malformed or names another DID.
            """
    )

    @Argument(help: "Authorities (com.example.feed) or NSIDs.") var authorities: [String] = []
    @Option(help: "The lexicon directory whose authorities to check when none are given.") var dir = "lexicons"
    @Option(help: "The DID every record must name.") var did: String?
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        var probes: [NSID] = []
        if authorities.isEmpty {
            let catalog = try LexiconLocation.directory(dir).catalogOrExit()
            let groups = Set(catalog.documents.keys.compactMap { NSID($0).map { String($0.authority) } })
            probes = groups.sorted().compactMap { NSID($0 + ".x") }
        } else {
            for authority in authorities {
                guard let probe = NSID(authority + ".x") else { throw ValidationError("\(authority) is not an NSID authority like com.example.feed") }
                probes.append(probe)
            }
        }
        let failures = try await network.withResolver { resolver in
            var failures = 0
            for probe in probes {
                let name = LexiconResolver.txtName(probe)
                do {
                    let named = try await resolver.authorityDID(of: probe)
                    if let did, named != did {
                        print("\(probe.authority)\t\(name)\tFAIL: names \(named), not \(did)")
                        failures += 1
                    } else {
                        print("\(probe.authority)\t\(name)\t\(named)")
                    }
                } catch {
                    print("\(probe.authority)\t\(name)\tFAIL: \(error)")
                    failures += 1
                }
            }
            return failures
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// `sigil lexicon pull`: published schemas into a lexicon directory, pinned in `lexicons.lock.json`.
struct LexiconPull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Write published lexicons into a directory and pin them (lexicons.lock.json).",
        discussion: """
            Each PATTERN is an NSID or AUTHORITY.* (every schema the authority's account publishes directly under it). \
            Every schema is resolved and verified first; only when all succeed are the files and the lock written. A \
            pinned NSID must still come from its pinned DID. With --check (for CI) nothing is written: exit 1, naming \
            each NSID, when a published schema no longer matches its pin or a local file no longer matches it.
            """
    )

    @Argument(help: "NSIDs or AUTHORITY.* patterns (none with --check: every pin).") var patterns: [String] = []
    @Option(help: "The lexicon directory (created if missing).") var dir = "lexicons"
    @Flag(help: "Check the pins instead of pulling.") var check = false
    @OptionGroup var network: LexiconNetworkOptions

    func run() async throws {
        if check {
            guard patterns.isEmpty else { throw ValidationError("--check takes no patterns: it checks every pin in \(dir)") }
            let problems = try await network.withResolver { resolver in
                do {
                    return try await LexiconPuller(resolver: resolver, directory: dir).check()
                } catch {
                    printError("sigil: \(error)")
                    throw ExitCode(2)
                }
            }
            for problem in problems { print(problem) }
            if !problems.isEmpty {
                printError("sigil: \(problems.count) pin\(problems.count == 1 ? "" : "s") no longer hold")
                throw ExitCode(1)
            }
            print("every pin in \(dir)/\(LexiconCatalog.lockFileName) holds")
            return
        }
        guard !patterns.isEmpty else { throw ValidationError("name at least one NSID or AUTHORITY.* to pull") }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await network.withResolver { resolver in
            do {
                let pulled = try await LexiconPuller(resolver: resolver, directory: dir).pull(patterns)
                for item in pulled {
                    let state = item.previous == nil ? "new" : item.changed ? "updated" : "unchanged"
                    print("\(item.lexicon.nsid)\t\(state)\t\(item.lexicon.cid)\t\(item.lexicon.did)\trev \(item.lexicon.rev)")
                }
            } catch {
                printError("sigil: nothing written:\n\(error)")
                throw ExitCode(1)
            }
        }
    }
}
