import ATData
import Foundation
import Lexicon

/// `sigil lexicon pull`: resolves schemas (verified), writes them into a lexicon directory and pins them in
/// `lexicons.lock.json`; and the CI check that the pins still hold.
public struct LexiconPuller: Sendable {
    public let resolver: LexiconResolver
    public let directory: String

    public init(resolver: LexiconResolver, directory: String) {
        self.resolver = resolver
        self.directory = directory
    }

    /// What a pull did to one schema.
    public struct Pulled: Sendable, Equatable {
        public let lexicon: ResolvedLexicon
        /// The pin before (nil: new).
        public let previous: CID?
        public var changed: Bool { previous != lexicon.cid }
    }

    /// Why a pull wrote nothing: every NSID that could not be resolved, with its refusal.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let refusals: [(nsid: String, reason: String)]
        public var description: String { refusals.map { "\($0.nsid): \($0.reason)" }.joined(separator: "\n") }
    }

    /// Resolves every pattern (an NSID, or `authority.*` for each schema the authority's account lists), then, only
    /// if all resolved, writes each file and the lock. A pinned NSID must still come from its pinned account.
    public func pull(_ patterns: [String]) async throws(Failure) -> [Pulled] {
        let lock: LexiconLock
        do {
            lock = try LexiconLock.read(directory: directory) ?? LexiconLock()
        } catch {
            throw Failure(refusals: [(LexiconCatalog.lockFileName, error.description)])
        }
        var wanted: [(nsid: String, did: String?)] = []
        var refusals: [(nsid: String, reason: String)] = []
        for pattern in patterns {
            if pattern.hasSuffix(".*") {
                let authority = String(pattern.dropLast(2))
                do {
                    let (did, nsids) = try await resolver.publishedNSIDs(authority: authority)
                    if nsids.isEmpty { refusals.append((pattern, "\(did) has published no schema under \(authority)")) }
                    wanted += nsids.map { ($0, lock.pins[$0]?.did ?? did) }
                } catch {
                    refusals.append((pattern, error.description))
                }
            } else {
                wanted.append((pattern, lock.pins[pattern]?.did))
            }
        }
        var resolved: [ResolvedLexicon] = []
        for (nsid, did) in wanted {
            do {
                resolved.append(try await resolver.resolve(nsid, expectedDID: did, refresh: true))
            } catch {
                refusals.append((nsid, error.description))
            }
        }
        guard refusals.isEmpty else { throw Failure(refusals: refusals) }
        var updated = lock
        var pulled: [Pulled] = []
        do {
            for lexicon in resolved {
                let path = LexiconLock.path(of: lexicon.nsid, in: directory)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data((lexicon.schema.prettyJSON + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                pulled.append(Pulled(lexicon: lexicon, previous: lock.pins[lexicon.nsid]?.cid))
                updated.pins[lexicon.nsid] = .init(did: lexicon.did, cid: lexicon.cid)
            }
            try updated.write(directory: directory)
        } catch {
            throw Failure(refusals: [(directory, "cannot write: \(error)")])
        }
        return pulled
    }

    /// Every way the directory and the network disagree with the lock: a schema republished (another CID), moved
    /// to another account, no longer resolvable, or a local file edited or missing. Empty: all pins hold.
    public func check() async throws(LexiconLock.Failure) -> [String] {
        guard let lock = try LexiconLock.read(directory: directory) else {
            throw LexiconLock.Failure(description: "\(directory) has no \(LexiconCatalog.lockFileName); run sigil lexicon pull first")
        }
        var problems: [String] = []
        for (nsid, pin) in lock.pins.sorted(by: { $0.key < $1.key }) {
            do {
                let published = try await resolver.resolve(nsid, expectedDID: pin.did, refresh: true)
                if published.cid != pin.cid {
                    problems.append("\(nsid): the published schema is now \(published.cid) (rev \(published.rev)), pinned \(pin.cid)")
                }
            } catch {
                problems.append("\(nsid): \(error.description)")
            }
        }
        let sources: [LexiconSource]
        do {
            sources = try LexiconCatalog.sources(inDirectory: directory)
        } catch {
            return problems + error.problems.map(\.description)
        }
        problems += lock.problems(in: sources, directory: directory).map(\.message)
        return problems
    }
}

extension JSONValue {
    /// Two-space indented JSON with sorted keys, as lexicon files are usually written.
    public var prettyJSON: String {
        func render(_ value: JSONValue, _ indent: String) -> String {
            switch value {
            case .object(let fields):
                if fields.isEmpty { return "{}" }
                let inner = indent + "  "
                let lines = fields.sorted { $0.key < $1.key }.map { "\(inner)\(JSONValue.string($0.key).jsonString): \(render($0.value, inner))" }
                return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
            case .array(let items):
                if items.isEmpty { return "[]" }
                let inner = indent + "  "
                return "[\n" + items.map { inner + render($0, inner) }.joined(separator: ",\n") + "\n\(indent)]"
            default:
                return value.jsonString
            }
        }
        return render(self, "")
    }
}
