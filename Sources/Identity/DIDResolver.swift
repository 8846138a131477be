import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Lexicon
import Logging
import NIOCore
import NetworkPolicy

/// Why a DID could not be resolved.
public enum DIDResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedMethod(String)
    case notFound(String)
    case refused(String)
    case unavailable(String)
    case invalidDocument(String)
    /// Not tried: the caller has its share of resolutions running; try again after this many seconds.
    case busy(retryAfter: Int)

    public var description: String {
        switch self {
        case .unsupportedMethod(let did): "DID method of \(did) is not supported (did:plc and did:web are)"
        case .notFound(let did): "\(did) was not found"
        case .refused(let reason): reason
        case .unavailable(let reason): "DID resolution failed: \(reason)"
        case .invalidDocument(let reason): "invalid DID document: \(reason)"
        case .busy(let seconds): "too many DID resolutions from this address; try again in \(seconds) s"
        }
    }
}

/// Fetches one DID document, without caching.
public protocol DIDDocumentFetcher: Sendable {
    func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument
}

/// `did:plc` from a PLC directory, `did:web` from `https://HOST/.well-known/did.json`.
///
/// The PLC directory is the operator's choice and uses `client`; a `did:web` host is anyone's choice, so
/// it goes through the ``DestinationGuard`` (public addresses only, connection pinned to the checked one).
public struct HTTPDIDFetcher: DIDDocumentFetcher {
    let client: HTTPClient
    let plcURL: String
    let destinations: DestinationGuard
    /// One overall deadline per fetch, covering the response head and the whole body.
    let deadline: Duration

    /// `destinations` decides which `did:web` hosts may be reached; with `insecureLoopback` it also allows
    /// `did:web:localhost%3APORT` over http (development and tests only).
    public init(client: HTTPClient, plcURL: String, destinations: DestinationGuard, deadline: Duration = .seconds(5)) {
        self.client = client
        self.plcURL = plcURL.hasSuffix("/") ? String(plcURL.dropLast()) : plcURL
        self.destinations = destinations
        self.deadline = deadline
    }

    public func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument {
        guard DID.isValid(did) else { throw .invalidDocument("\(did.prefix(100)) is not a DID") }
        var url: String
        let client: HTTPClient
        if did.hasPrefix("did:plc:") {
            url = "\(plcURL)/\(did)"
            client = self.client
        } else if did.hasPrefix("did:web:") {
            url = try webURL(did)
            do {
                let destination = try await destinations.destination(for: url)
                (client, url) = (destination.client, destination.url)
            } catch {
                throw .refused("did:web host refused: \(error.description)")
            }
        } else {
            throw .unsupportedMethod(did)
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/did+ld+json, application/json")
        let bytes: ByteBuffer
        do {
            // One deadline for the head and the whole body: a host that drips its answer is cut off.
            let prepared = request
            bytes = try await withDeadline(deadline) {
                let request = prepared
                let response = try await client.execute(request, timeout: .seconds(Int64(deadline.components.seconds) + 1))
                switch response.status.code {
                case 200: break
                case 404, 410: throw DIDResolutionError.notFound(did)
                default: throw DIDResolutionError.unavailable("\(response.status.code) from the DID host")
                }
                return try await response.body.collect(upTo: DIDDocument.maxBytes)
            }
        } catch let error as DIDResolutionError {
            throw error
        } catch let error as DeadlineExceeded {
            throw .unavailable("the DID host sent \(error.description)")
        } catch {
            throw .unavailable(String(describing: type(of: error)))
        }
        do {
            return try DIDDocument(json: Array(bytes.readableBytesView), expecting: did)
        } catch {
            throw .invalidDocument(error.description)
        }
    }

    /// `did:web:example.com` → `https://example.com/.well-known/did.json`; only hostnames, no paths.
    /// `did:web:localhost%3APORT` → `http://localhost:PORT/…`, which the guard allows only with insecure loopback.
    private func webURL(_ did: String) throws(DIDResolutionError) -> String {
        let host = String(did.dropFirst("did:web:".count))
        guard !host.contains(":") else { throw .refused("did:web with a path is not supported: \(did)") }
        if host.hasPrefix("localhost%3A") || host.hasPrefix("127.0.0.1%3A"), let port = Int(host.split(separator: "%")[1].dropFirst(2)) {
            return "http://\(host.split(separator: "%")[0]):\(port)/.well-known/did.json"
        }
        guard Handle.isValid(host) else { throw .refused("did:web host \(host.prefix(100)) is not a hostname") }
        return "https://\(host)/.well-known/did.json"
    }
}

/// Cached DID resolution: one fetch per DID at a time, documents kept for a TTL, failures kept for a short
/// `failureTTL` (so a flood of random DIDs costs one fetch each per period, not one per request), both
/// bounded in size.
///
/// A known account never waits for the directory: past its TTL its document is served (up to `maxStale`) while
/// one fetch refreshes it in the background, and a failed refresh keeps the old document. A DID never seen
/// before needs a slot of `admission`, shared fairly per client address, before anything is fetched: a client
/// over its share is told to come back later (``DIDResolutionError/busy(retryAfter:)``), so one address naming
/// endless made-up DIDs cannot use up the directory for everyone else.
///
/// Lock-protected rather than an actor, so a cache hit costs no executor hop; fetches run in tasks shared by
/// every caller waiting for the same DID.
public final class DIDResolver: @unchecked Sendable {
    private struct Entry {
        let document: DIDDocument
        let fetchedAt: ContinuousClock.Instant
        /// When a background refresh of it last failed.
        var refreshFailedAt: ContinuousClock.Instant?
    }

    private let fetcher: any DIDDocumentFetcher
    private let ttl: Duration
    private let maxStale: Duration
    private let minimumRefreshInterval: Duration
    private let maxEntries: Int
    private let pinned: [String: DIDDocument]
    private let admission: FairAdmission?
    private let lock = NSLock()
    private let failureTTL: Duration
    private var cache: [String: Entry] = [:]
    private var failures: [String: (error: DIDResolutionError, at: ContinuousClock.Instant)] = [:]
    private var inFlight: [String: Task<DIDDocument, any Error>] = [:]

    /// - Parameters:
    ///   - pinned: documents that are never fetched (the development identity).
    ///   - minimumRefreshInterval: a forced refresh of a document younger than this is served from cache, so
    ///     forged signatures cannot turn into a flood of fetches.
    ///   - failureTTL: how long a failed resolution is answered from memory.
    ///   - maxStale: how long past its TTL a document is still served while it is refreshed.
    ///   - admission: slots for fetching DIDs not seen before, shared per client; nil: unbounded (tests, tools).
    public init(
        fetcher: any DIDDocumentFetcher, ttl: Duration = .seconds(600), minimumRefreshInterval: Duration = .seconds(10),
        failureTTL: Duration = .seconds(30), maxEntries: Int = 100_000, pinned: [String: DIDDocument] = [:],
        maxStale: Duration = .seconds(86_400), admission: FairAdmission? = nil
    ) {
        self.fetcher = fetcher
        self.failureTTL = failureTTL
        self.ttl = ttl
        self.maxStale = maxStale
        self.minimumRefreshInterval = minimumRefreshInterval
        self.maxEntries = maxEntries
        self.pinned = pinned
        self.admission = admission
    }

    /// The document of `did`; `refresh` re-fetches unless the cached copy is very recent. `client` (an address)
    /// is who asks, for sharing the fetches of DIDs not seen before.
    public func resolve(_ did: String, refresh: Bool = false, client: String? = nil) async throws(DIDResolutionError) -> DIDDocument {
        if let document = pinned[did] { return document }
        enum Lookup {
            case hit(DIDDocument)
            case failed(DIDResolutionError)
            case wait(Task<DIDDocument, any Error>)
            case admit
        }
        let lookup: Lookup = lock.withLock {
            let now = ContinuousClock.now
            if let entry = cache[did] {
                let age = now - entry.fetchedAt
                if refresh && age >= minimumRefreshInterval { return .wait(inFlight[did] ?? startFetchLocked(did)) }
                if age < ttl || refresh { return .hit(entry.document) }
                if age < ttl + maxStale {
                    // Served as it is; one fetch refreshes it (not again within failureTTL of a failed one).
                    if inFlight[did] == nil, entry.refreshFailedAt.map({ now - $0 >= failureTTL }) ?? true { _ = startFetchLocked(did) }
                    return .hit(entry.document)
                }
                return .wait(inFlight[did] ?? startFetchLocked(did))
            }
            if let failure = failures[did] {
                if now - failure.at < failureTTL { return .failed(failure.error) }
                failures[did] = nil
            }
            if let running = inFlight[did] { return .wait(running) }
            guard admission == nil else { return .admit }
            return .wait(startFetchLocked(did))
        }
        let task: Task<DIDDocument, any Error>
        var admitted: String?
        switch lookup {
        case .hit(let document): return document
        case .failed(let error): throw error
        case .wait(let running): task = running
        case .admit:
            let key = client ?? "unknown"
            guard let admission, await admission.acquire(key) else {
                throw .busy(retryAfter: Int(max(1, failureTTL.components.seconds / 10)))
            }
            admitted = key
            task = lock.withLock { inFlight[did] ?? startFetchLocked(did) }
        }
        defer { if let admitted { admission?.release(admitted) } }
        do {
            return try await task.value
        } catch {
            throw (error as? DIDResolutionError) ?? .unavailable("resolution failed")
        }
    }

    /// Failed resolutions remembered now.
    public var failureCount: Int { lock.withLock { failures.count } }

    /// Under `lock`: starts the one fetch of `did`, which stores what it finds (or its failure) itself.
    private func startFetchLocked(_ did: String) -> Task<DIDDocument, any Error> {
        let fetcher = self.fetcher
        let task = Task<DIDDocument, any Error> {
            do {
                let document = try await fetcher.fetch(did)
                self.store(did, document)
                return document
            } catch {
                throw self.fail(did, (error as? DIDResolutionError) ?? .unavailable("resolution failed"))
            }
        }
        inFlight[did] = task
        return task
    }

    private func store(_ did: String, _ document: DIDDocument) {
        lock.withLock {
            inFlight[did] = nil
            if cache.count >= maxEntries, cache[did] == nil, let victim = cache.keys.first { cache[victim] = nil }
            cache[did] = Entry(document: document, fetchedAt: .now)
            failures[did] = nil
        }
    }

    /// Records a failed fetch: a known document stays (its refresh failed); an unknown DID's failure is remembered.
    private func fail(_ did: String, _ failure: DIDResolutionError) -> DIDResolutionError {
        lock.withLock {
            inFlight[did] = nil
            if cache[did] != nil {
                cache[did]?.refreshFailedAt = .now
            } else {
                if failures.count >= maxEntries, failures[did] == nil, let victim = failures.keys.first { failures[victim] = nil }
                failures[did] = (failure, .now)
            }
        }
        return failure
    }
}
