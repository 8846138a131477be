import NetworkPolicy
import AsyncHTTPClient
import Identity
import Lexicon
import NIOCore

/// Reads a record back from its owner's PDS (`com.atproto.repo.getRecord`), found through the DID
/// document's `#atproto_pds` service; the PDS URL is user-given, so it goes through the ``DestinationGuard``.
public struct PDSRecordFetcher: Sendable {
    public enum Outcome: Sendable {
        case found(JSONValue)
        case notFound
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    let resolver: DIDResolver
    let destinations: DestinationGuard
    /// Largest record response accepted.
    static let maxBytes = 256 * 1024

    public init(resolver: DIDResolver, destinations: DestinationGuard) {
        self.resolver = resolver
        self.destinations = destinations
    }

    public func record(did: String, collection: String, rkey: String) async throws(Failure) -> Outcome {
        let document: DIDDocument
        do { document = try await resolver.resolve(did) } catch { throw Failure(description: "cannot resolve \(did): \(error)") }
        guard var pds = document.services["atproto_pds"] else { throw Failure(description: "\(did) has no #atproto_pds service") }
        if pds.hasSuffix("/") { pds.removeLast() }
        let url = "\(pds)/xrpc/com.atproto.repo.getRecord?repo=\(did)&collection=\(collection)&rkey=\(rkey)"
        let client: HTTPClient
        do { client = try await destinations.client(for: url) } catch { throw Failure(description: "PDS refused: \(error.description)") }
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: Self.maxBytes)
            let json = try? JSONValue(parsing: Array(body.readableBytesView))
            if response.status.code == 404 || (response.status.code == 400 && json?["error"]?.stringValue == "RecordNotFound") {
                return .notFound
            }
            guard response.status.code == 200, let value = json?["value"] else {
                throw Failure(description: "getRecord answered \(response.status.code)")
            }
            return .found(value)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "getRecord failed: \(type(of: error))")
        }
    }
}
