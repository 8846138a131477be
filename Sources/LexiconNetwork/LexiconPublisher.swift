import ATData
import Foundation
import Lexicon
import LexiconAuthoring
import OwnerClient

/// `sigil lexicon publish`: a preflight that must pass in full, then `com.atproto.repo.putRecord` for the schemas
/// that are new or changed, and only those.
///
/// The preflight refuses, naming each problem: a directory that does not load; a lint error; an authority whose
/// `_lexicon` TXT record does not name the publishing account; a published copy the new one would break (unless
/// breaking changes are allowed); a permission-set entry outside the set's namespace authority, or one that would
/// be dropped at login; a method or collection a permission set names that neither the directory nor the network
/// resolves.
public struct LexiconPublisher: Sendable {
    public let resolver: LexiconResolver
    /// The publishing account.
    public let did: String

    public init(resolver: LexiconResolver, did: String) {
        self.resolver = resolver
        self.did = did
    }

    /// What the preflight found.
    public struct Plan: Sendable {
        /// Schemas with no published copy yet, with the record each would be.
        public var new: [(nsid: String, record: JSONValue)] = []
        /// Schemas whose published copy differs.
        public var changed: [(nsid: String, record: JSONValue, published: CID)] = []
        /// Schemas published exactly as they are.
        public var unchanged: [String] = []
        /// Everything that stops the publish; empty: it may go ahead.
        public var problems: [String] = []
        /// Findings that do not stop it (lint warnings, breaking changes allowed).
        public var warnings: [String] = []

        public var toPublish: [(nsid: String, record: JSONValue)] { new + changed.map { ($0.nsid, $0.record) } }
    }

    /// Checks the directory against the network; touches nothing.
    public func preflight(directory: String, allowBreaking: Bool) async -> Plan {
        var plan = Plan()
        let catalog: LexiconCatalog
        let sources: [LexiconSource]
        do {
            sources = try LexiconCatalog.sources(inDirectory: directory)
            catalog = try LexiconCatalog(sources: sources)
        } catch {
            plan.problems = error.problems.map { "load: \($0)" }
            return plan
        }
        for finding in Linter().lint(catalog) {
            if finding.severity == .error { plan.problems.append("lint: \(finding)") } else { plan.warnings.append("lint: \(finding)") }
        }
        // Each authority's TXT record must name the publishing account.
        let authorities = Dictionary(grouping: catalog.documents.keys.compactMap { NSID($0) }, by: { String($0.authority) })
        var ownedAuthorities: Set<String> = []
        for (authority, nsids) in authorities.sorted(by: { $0.key < $1.key }) {
            do {
                let named = try await resolver.authorityDID(of: nsids[0])
                if named == did {
                    ownedAuthorities.insert(authority)
                } else {
                    plan.problems.append("dns: \(LexiconResolver.txtName(nsids[0])) names \(named), not the signed-in \(did)")
                }
            } catch {
                plan.problems.append("dns: \(error.description) (publish a TXT record did=\(did))")
            }
        }
        // Published copies: new, unchanged, or changed (and then not breaking).
        var publishedSources: [LexiconSource] = []
        for (nsid, document) in catalog.documents.sorted(by: { $0.key < $1.key }) {
            guard let parsed = NSID(nsid), ownedAuthorities.contains(String(parsed.authority)) else { continue }
            let record = Self.record(document.json)
            let local: CID
            do {
                local = try LexiconLock.recordCID(of: document.json)
            } catch {
                plan.problems.append("\(nsid): cannot be a record: \(error)")
                continue
            }
            do {
                let published = try await resolver.resolve(nsid, expectedDID: did, refresh: true)
                if published.cid == local {
                    plan.unchanged.append(nsid)
                } else {
                    plan.changed.append((nsid, record, published.cid))
                    publishedSources.append(published.source)
                }
            } catch .recordAbsent {
                plan.new.append((nsid, record))
            } catch {
                plan.problems.append("\(nsid): cannot read the published copy: \(error.description)")
            }
        }
        if !publishedSources.isEmpty {
            do {
                let old = try LexiconCatalog(sources: publishedSources)
                for finding in BreakingChanges().compare(old: old, new: catalog) where finding.severity == .error {
                    if allowBreaking { plan.warnings.append("breaking (allowed): \(finding)") } else { plan.problems.append("breaking: \(finding)") }
                }
            } catch {
                plan.problems.append("the published copies do not load together: \(error)")
            }
        }
        plan.problems += await permissionSetProblems(catalog)
        return plan
    }

    /// Entries a login would drop, and references nothing resolves.
    func permissionSetProblems(_ catalog: LexiconCatalog) async -> [String] {
        var problems: [String] = []
        for definition in catalog.definitions {
            guard case .permissionSet(let set) = definition.kind else { continue }
            let nsid = definition.nsid.rawValue
            // Expanded as a login would (with an audience, so inheritAud entries are kept): what it drops is a
            // consent screen missing that entry.
            do {
                let grants = try catalog.grants([.include(nsid: nsid, audience: "did:web:preflight.invalid#service")])
                for dropped in grants.dropped { problems.append("permission set \(nsid), permissions[\(dropped.index)]: \(dropped.reason)") }
            } catch {
                problems.append("permission set \(nsid): \(error)")
            }
            var referenced: Set<String> = []
            for permission in set.permissions {
                switch permission.kind {
                case .repo(let collections, _): referenced.formUnion(collections.filter { $0 != "*" })
                case .rpc(let methods, _): referenced.formUnion(methods.filter { $0 != "*" })
                case .ignored: break
                }
            }
            for name in referenced.sorted() where catalog.documents[name] == nil {
                do {
                    _ = try await resolver.resolve(name)
                } catch {
                    problems.append("permission set \(nsid) names \(name), which is not in the directory and does not resolve: \(error.description)")
                }
            }
        }
        return problems
    }

    /// The record a schema is published as: the document with `$type`.
    static func record(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        fields["$type"] = .string("com.atproto.lexicon.schema")
        return .object(fields)
    }

    /// Publishes what the plan holds (the caller has checked its problems are empty): each record, in NSID order,
    /// through `put`, which answers the new CID.
    public func publish(_ plan: Plan, put: (_ nsid: String, _ record: JSONValue) async throws -> String) async throws -> [(nsid: String, cid: String)]
    {
        precondition(plan.problems.isEmpty, "publish only after a clean preflight")
        var published: [(nsid: String, cid: String)] = []
        for (nsid, record) in plan.toPublish.sorted(by: { $0.nsid < $1.nsid }) {
            published.append((nsid, try await put(nsid, record)))
        }
        return published
    }
}
