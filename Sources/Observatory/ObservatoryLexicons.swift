import Foundation
import Lexicon
import LexiconNetwork

/// A collection's lexicon ready to validate records against, and where it came from.
public struct PreparedLexicon: Sendable {
    public let catalog: LexiconCatalog
    public let origin: LexiconOrigin

    public init(catalog: LexiconCatalog, origin: LexiconOrigin) {
        self.catalog = catalog
        self.origin = origin
    }
}

/// Why a collection's records cannot be validated: a stable code (the resolver's refusal code, or one of the
/// observatory's own) and a message.
public struct LexiconUnavailable: Error, Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// Where the observatory gets lexicons: drafts given with `--lexicons` first (what-if mode: the NSIDs found there
/// are validated against the local files), then the network, verified; references a schema makes to other
/// lexicons are resolved too (at most ``ObservatoryLimits/maxReferencedLexicons`` per collection).
public struct ObservatoryLexicons: Sendable {
    public let local: [LexiconSource]
    public let resolver: LexiconResolver?
    public let limits: ObservatoryLimits
    private let localIDs: Set<String>

    public init(local: [LexiconSource] = [], resolver: LexiconResolver?, limits: ObservatoryLimits = ObservatoryLimits()) {
        self.local = local
        self.resolver = resolver
        self.limits = limits
        localIDs = Set(local.compactMap(\.expectedID))
    }

    /// Whether `nsid` is one of the local drafts.
    public func isLocal(_ nsid: String) -> Bool { localIDs.contains(nsid) }

    public func prepare(_ nsid: String) async -> Result<PreparedLexicon, LexiconUnavailable> {
        var sources: [LexiconSource] = []
        let origin: LexiconOrigin
        if isLocal(nsid) {
            // The draft itself; the drafts it refers to are added below, as references.
            sources = local.filter { $0.expectedID == nsid }
            origin = LexiconOrigin(source: "local", did: nil, cid: nil, rev: nil)
        } else {
            guard let resolver else {
                return .failure(LexiconUnavailable(code: "not-local", message: "\(nsid) is not among the local lexicons and resolution is off"))
            }
            do {
                let resolved = try await resolver.resolve(nsid)
                sources = [resolved.source]
                origin = LexiconOrigin(source: "network", did: resolved.did, cid: resolved.cid.description, rev: resolved.rev)
            } catch {
                return .failure(LexiconUnavailable(code: error.code, message: error.description))
            }
        }
        // References to lexicons not yet loaded: resolve them (local drafts first), a bounded number.
        var attempted: Set<String> = [nsid]
        // A bounded number of references, and a bounded time for all of them: a schema naming many slow
        // authorities holds its resolution slot no longer than this.
        let giveUp = ContinuousClock.now + limits.referenceBudget
        for _ in 0..<limits.maxReferencedLexicons where ContinuousClock.now < giveUp {
            guard let catalog = try? LexiconCatalog(sources: sources) else { break }
            let missing = Set(catalog.unresolvedReferences.map { String($0.split(separator: "#").first ?? "") }).subtracting(attempted).sorted()
            guard let next = missing.first else { break }
            attempted.insert(next)
            if let draft = local.first(where: { $0.expectedID == next }), !sources.contains(where: { $0.expectedID == next }) {
                sources.append(draft)
            } else if let resolver, let resolved = try? await resolver.resolve(next) {
                sources.append(resolved.source)
            }
        }
        let catalog: LexiconCatalog
        do {
            catalog = try LexiconCatalog(sources: sources)
        } catch {
            return .failure(LexiconUnavailable(code: "schema-invalid", message: "\(nsid): \(error)"))
        }
        guard let definition = catalog.definition(nsid), case .record = definition.kind else {
            return .failure(LexiconUnavailable(code: "not-a-record-type", message: "\(nsid)'s main definition is not a record type"))
        }
        return .success(PreparedLexicon(catalog: catalog, origin: origin))
    }
}
