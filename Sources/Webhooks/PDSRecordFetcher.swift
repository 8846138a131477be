import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Identity
import Lexicon
import NIOCore
import NetworkPolicy

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
    /// One overall deadline per read, covering the response head and the whole body.
    let deadline: Duration

    public init(resolver: DIDResolver, destinations: DestinationGuard, deadline: Duration = .seconds(10)) {
        self.resolver = resolver
        self.destinations = destinations
        self.deadline = deadline
    }

    /// The host (and port) of `did`'s PDS, from its (cached) DID document; nil if it cannot be resolved.
    public func pdsHost(did: String) async -> String? {
        guard let pds = try? await pdsEndpoint(did: did), let components = URLComponents(string: pds),
            let host = components.host?.lowercased()
        else { return nil }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// `did`'s `#atproto_pds` endpoint, without a trailing slash.
    private func pdsEndpoint(did: String) async throws(Failure) -> String {
        let document: DIDDocument
        do { document = try await resolver.resolve(did, client: "jetstream read-back") } catch {
            throw Failure(description: "cannot resolve \(did): \(error)")
        }
        guard var pds = document.services["atproto_pds"] else { throw Failure(description: "\(did) has no #atproto_pds service") }
        if pds.hasSuffix("/") { pds.removeLast() }
        return pds
    }

    public func record(did: String, collection: String, rkey: String) async throws(Failure) -> Outcome {
        let pds = try await pdsEndpoint(did: did)
        let url = "\(pds)/xrpc/com.atproto.repo.getRecord?repo=\(did)&collection=\(collection)&rkey=\(rkey)"
        let destination: DestinationGuard.Destination
        do { destination = try await destinations.destination(for: url) } catch { throw Failure(description: "PDS refused: \(error.description)") }
        let deadline = self.deadline
        do {
            // One deadline for the head and the whole body: a PDS that drips its answer is cut off.
            let (status, body) = try await withDeadline(deadline) {
                let response = try await destination.client.execute(
                    HTTPClientRequest(url: destination.url),
                    timeout: .seconds(deadline.components.seconds + 1))
                return (response.status.code, try await response.body.collect(upTo: Self.maxBytes))
            }
            let json = try? JSONValue(parsing: Array(body.readableBytesView))
            if status == 404 || (status == 400 && json?["error"]?.stringValue == "RecordNotFound") {
                return .notFound
            }
            guard status == 200, let value = json?["value"] else {
                throw Failure(description: "getRecord answered \(status)")
            }
            return .found(value)
        } catch let failure as Failure {
            throw failure
        } catch let error as DeadlineExceeded {
            throw Failure(description: "getRecord: \(error.description)")
        } catch {
            throw Failure(description: "getRecord failed: \(type(of: error))")
        }
    }
}
