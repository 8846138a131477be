import ATData
import AsyncPrimitives
import Foundation
import Identity
import Lexicon
import NetworkPolicy

/// A lexicon as the network publishes it, verified: the schema, the account whose repo holds it, the record's CID
/// and the revision of the signed commit that proves it.
public struct ResolvedLexicon: Sendable, Equatable {
    public let nsid: String
    public let did: String
    /// The CID of the `com.atproto.lexicon.schema` record (what `lexicons.lock.json` pins).
    public let cid: CID
    /// The `rev` of the commit the proof was signed in.
    public let rev: String
    /// The PDS that served the proof.
    public let pds: String
    /// The lexicon document (the record without its `$type`).
    public let schema: JSONValue

    public init(nsid: String, did: String, cid: CID, rev: String, pds: String, schema: JSONValue) {
        (self.nsid, self.did, self.cid, self.rev, self.pds, self.schema) = (nsid, did, cid, rev, pds, schema)
    }

    /// The schema as a source for ``LexiconCatalog`` (named by its AT-URI).
    public var source: LexiconSource {
        LexiconSource(name: "at://\(did)/com.atproto.lexicon.schema/\(nsid)", bytes: schema.serialized(sortedKeys: true), expectedID: nsid)
    }
}

/// Resolves lexicons from the network and verifies them: NSID → `_lexicon.<authority>` TXT (`did=…`) → the DID
/// document (its `#atproto` key and `#atproto_pds`) → `com.atproto.sync.getRecord` → the CAR proof checked (the
/// commit signed by that key, the MST path to the record, the record's hash) → the schema, whose `id` must be
/// the NSID and which must load.
///
/// Results are cached for `ttl`, refusals for `failureTTL` (so a flood of made-up NSIDs costs one lookup each per
/// period), at most `maxEntries` of each; one resolution per NSID at a time, shared by every caller. Calls to one
/// PDS host share `hostSlots` fairly (a slow or hostile PDS holds at most its share); every call goes through
/// the ``DestinationGuard`` with one overall deadline and a size limit.
public final class LexiconResolver: @unchecked Sendable {
    /// What the resolver may spend.
    public struct Limits: Sendable {
        /// Successful resolutions kept this long.
        public var ttl: Duration = .seconds(3_600)
        /// Refusals kept this long.
        public var failureTTL: Duration = .seconds(60)
        /// Most NSIDs remembered (results and refusals each).
        public var maxEntries = 10_000
        /// One overall deadline for the PDS call (head and body).
        public var deadline: Duration = .seconds(10)
        /// One overall deadline for fetching a DID document (``withResolver(dns:plcURL:insecureLoopback:limits:_:)``).
        public var didDeadline: Duration = .seconds(5)
        /// Largest proof accepted.
        public var maxProofBytes = 2 << 20
        /// Concurrent PDS calls in all, shared fairly between hosts.
        public var concurrency = 16
        /// How long a call waits for a slot of its host before ``LexiconResolutionError/busy(host:)``.
        public var slotWait: Duration = .seconds(10)
        public init() {}
    }

    private struct Entry {
        let result: Result<ResolvedLexicon, LexiconResolutionError>
        let expires: ContinuousClock.Instant
    }

    let dns: DNSTXTResolver
    let identities: DIDResolver
    let destinations: DestinationGuard
    let limits: Limits
    let hostSlots: FairAdmission
    private let lock = NSLock()
    private var cache: [String: Entry] = [:]
    private var inFlight: [String: Task<ResolvedLexicon, any Error>] = [:]
    private var fetches = 0

    public init(dns: DNSTXTResolver, identities: DIDResolver, destinations: DestinationGuard, limits: Limits = Limits()) {
        self.dns = dns
        self.identities = identities
        self.destinations = destinations
        self.limits = limits
        hostSlots = FairAdmission(capacity: limits.concurrency, wait: limits.slotWait)
    }

    /// How many resolutions went to the network (cache misses), for tests and metrics.
    public var networkResolutions: Int { lock.withLock { fetches } }

    /// The verified schema of `nsid`. `expectedDID` (a pin, or the publishing account): the TXT record must name
    /// it. `refresh` skips the cache (a cached answer is replaced).
    public func resolve(_ nsid: String, expectedDID: String? = nil, refresh: Bool = false) async throws(LexiconResolutionError) -> ResolvedLexicon {
        guard let parsed = NSID(nsid) else { throw .invalidNSID(nsid) }
        let now = ContinuousClock.now
        let task: Task<ResolvedLexicon, any Error> = lock.withLock {
            if !refresh, let entry = cache[nsid], entry.expires > now {
                return Task { try entry.result.get() }
            }
            if let running = inFlight[nsid] { return running }
            fetches += 1
            let running = Task { try await self.fetch(parsed) }
            inFlight[nsid] = running
            Task {
                let result: Result<ResolvedLexicon, LexiconResolutionError>
                do {
                    result = .success(try await running.value)
                } catch {
                    result = .failure(error as? LexiconResolutionError ?? .pdsUnreachable(pds: "?", reason: "\(error)"))
                }
                self.store(nsid, result)
            }
            return running
        }
        let resolved: ResolvedLexicon
        do {
            resolved = try await task.value
        } catch let error as LexiconResolutionError {
            throw error
        } catch {
            throw .pdsUnreachable(pds: "?", reason: "\(error)")
        }
        if let expectedDID, resolved.did != expectedDID {
            throw .otherAccount(name: Self.txtName(parsed), found: resolved.did, expected: expectedDID)
        }
        return resolved
    }

    private func store(_ nsid: String, _ result: Result<ResolvedLexicon, LexiconResolutionError>) {
        let now = ContinuousClock.now
        lock.withLock {
            inFlight[nsid] = nil
            if cache.count >= limits.maxEntries {
                cache = cache.filter { $0.value.expires > now }
                while cache.count >= limits.maxEntries, let victim = cache.keys.first { cache[victim] = nil }
            }
            let lifetime: Duration
            switch result {
            case .success: lifetime = limits.ttl
            case .failure: lifetime = limits.failureTTL
            }
            cache[nsid] = Entry(result: result, expires: now + lifetime)
        }
    }

    /// `_lexicon.` and the authority's segments reversed: `app.bsky.feed.post` → `_lexicon.feed.bsky.app`.
    public static func txtName(_ nsid: NSID) -> String {
        "_lexicon." + nsid.authority.split(separator: ".").reversed().joined(separator: ".").lowercased()
    }

    /// The DID an authority's `_lexicon` TXT record names (exactly one distinct `did=` value).
    public func authorityDID(of nsid: NSID) async throws(LexiconResolutionError) -> String {
        let name = Self.txtName(nsid)
        let records: [String]
        do {
            records = try await dns.txt(name)
        } catch {
            throw .dnsFailed(name: name, reason: error.description)
        }
        let dids = Array(Set(records.filter { $0.hasPrefix("did=") }.map { String($0.dropFirst(4)) })).sorted()
        guard let did = dids.first else { throw .noTXT(name: name) }
        guard dids.count == 1 else { throw .conflictingTXT(name: name, dids: dids.prefix(8).map(LexiconResolutionError.printable)) }
        guard DID.isValid(did) else { throw .malformedTXT(name: name, value: LexiconResolutionError.printable(did)) }
        return did
    }

    private func fetch(_ nsid: NSID) async throws(LexiconResolutionError) -> ResolvedLexicon {
        let did = try await authorityDID(of: nsid)
        var document = try await self.document(did, refresh: false)
        let pds = try Self.pds(of: document, did: did)
        let car = try await proof(nsid: nsid.rawValue, did: did, pds: pds)
        var verified: (record: DataValue, cid: CID, commit: Commit)?
        do {
            verified = try Self.verify(car, nsid: nsid.rawValue, did: did, document: document)
        } catch .badSignature {
            // The cached document may predate a key rotation: look once more, then believe the answer.
            document = try await self.document(did, refresh: true)
            verified = try Self.verify(car, nsid: nsid.rawValue, did: did, document: document)
        }
        guard let verified else { throw .recordAbsent(nsid: nsid.rawValue, did: did) }
        let schema = try Self.schema(verified.record, nsid: nsid.rawValue)
        return ResolvedLexicon(nsid: nsid.rawValue, did: did, cid: verified.cid, rev: verified.commit.rev, pds: pds, schema: schema)
    }

    private func document(_ did: String, refresh: Bool) async throws(LexiconResolutionError) -> DIDDocument {
        do {
            return try await identities.resolve(did, refresh: refresh)
        } catch {
            throw .didUnresolvable(did: did, reason: error.description)
        }
    }

    static func pds(of document: DIDDocument, did: String) throws(LexiconResolutionError) -> String {
        guard let endpoint = document.services["atproto_pds"], endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
            throw .noPDS(did: did)
        }
        return endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
    }

    /// Checks the CAR against the document's key; the record and its CID, or nil when the proof shows it absent.
    static func verify(_ car: [UInt8], nsid: String, did: String, document: DIDDocument) throws(LexiconResolutionError) -> (
        record: DataValue, cid: CID, commit: Commit
    )? {
        guard let key = document.atprotoKey else { throw .noSigningKey(did: did) }
        do {
            return try RecordProof.verify(car: car, did: did, collection: "com.atproto.lexicon.schema", rkey: nsid) { signature, message in
                key.isValidSignature(signature, for: message)
            }
        } catch {
            switch error.kind {
            case .signature: throw .badSignature(did: did)
            case .missingBlock: throw .proofIncomplete(reason: error.description)
            case .malformed, .wrongAccount: throw .proofInvalid(reason: error.description)
            }
        }
    }

    /// The record as a lexicon document: `$type` (if present) the schema type, `lexicon: 1`, `id` the NSID, and
    /// loadable on its own (references to other lexicons may stay open).
    static func schema(_ record: DataValue, nsid: String) throws(LexiconResolutionError) -> JSONValue {
        guard case .object(var fields) = record.json else { throw .notASchema(nsid: nsid, reason: "the record is not a map") }
        // A repo record always names its type; the pinned CID is computed with it.
        guard let type = fields["$type"] else { throw .notASchema(nsid: nsid, reason: "it has no $type") }
        guard type == .string("com.atproto.lexicon.schema") else {
            throw .notASchema(nsid: nsid, reason: "its $type is \(LexiconResolutionError.printable(type.jsonString))")
        }
        fields["$type"] = nil
        guard fields["lexicon"] == .integer(1) else { throw .notASchema(nsid: nsid, reason: "it has no lexicon: 1") }
        guard let id = fields["id"]?.stringValue else { throw .notASchema(nsid: nsid, reason: "it has no id") }
        guard id == nsid else { throw .idMismatch(nsid: nsid, found: LexiconResolutionError.printable(id)) }
        let schema = JSONValue.object(fields)
        do {
            _ = try LexiconCatalog(sources: [LexiconSource(name: nsid, bytes: schema.serialized(sortedKeys: true), expectedID: nsid)])
        } catch {
            throw .schemaInvalid(nsid: nsid, reason: "\(error)")
        }
        return schema
    }

    /// `com.atproto.sync.getRecord` for the schema record: through the destination guard, one slot of the host,
    /// one deadline, at most `maxProofBytes`.
    private func proof(nsid: String, did: String, pds: String) async throws(LexiconResolutionError) -> [UInt8] {
        let host = URLComponents(string: pds)?.host ?? pds
        guard await hostSlots.acquire(host) else { throw .busy(host: host) }
        defer { hostSlots.release(host) }
        let query = "did=\(Self.escape(did))&collection=com.atproto.lexicon.schema&rkey=\(Self.escape(nsid))"
        let answer: PDSAnswer
        do {
            answer = try await PDSAnswer.get(
                "\(pds)/xrpc/com.atproto.sync.getRecord?\(query)", destinations: destinations, deadline: limits.deadline,
                maxBytes: limits.maxProofBytes)
        } catch {
            throw .pdsUnreachable(pds: pds, reason: error.description)
        }
        switch answer.status {
        case 200:
            return answer.body
        case 400 where answer.errorName == "RecordNotFound", 404 where answer.errorName == "RecordNotFound":
            throw .recordAbsent(nsid: nsid, did: did)
        default:
            throw .pdsUnreachable(pds: pds, reason: "getRecord answered \(answer.status)\(answer.errorName.map { " \($0)" } ?? "")")
        }
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
