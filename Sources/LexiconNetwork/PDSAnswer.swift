import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Lexicon
import NIOCore
import NetworkPolicy

/// One answer from a PDS reached through the ``DestinationGuard``: the status, the body (at most the limit) and,
/// for an XRPC error, its `error` name.
struct PDSAnswer: Sendable {
    let status: Int
    let body: [UInt8]

    /// The `error` of an XRPC error body, if the body is one.
    var errorName: String? {
        guard status >= 400, let json = try? JSONValue(parsing: body) else { return nil }
        return json["error"]?.stringValue.map(LexiconResolutionError.printable)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// GET `url` with one deadline over the head and the whole body; a body over `maxBytes` is a failure.
    static func get(_ url: String, destinations: DestinationGuard, deadline: Duration, maxBytes: Int) async throws(Failure) -> PDSAnswer {
        let destination: DestinationGuard.Destination
        do {
            destination = try await destinations.destination(for: url)
        } catch {
            throw Failure(description: "refused: \(error.description)")
        }
        do {
            return try await withDeadline(deadline) {
                var request = HTTPClientRequest(url: destination.url)
                request.headers.add(name: "Accept", value: "application/vnd.ipld.car, application/json")
                let response = try await destination.client.execute(request, timeout: .seconds(Int64(deadline.components.seconds) + 1))
                let body = try await response.body.collect(upTo: maxBytes)
                return PDSAnswer(status: Int(response.status.code), body: Array(body.readableBytesView))
            }
        } catch let error as DeadlineExceeded {
            throw Failure(description: "sent \(error.description)")
        } catch let error as NIOTooManyBytesError {
            throw Failure(description: "the answer is larger than \(maxBytes) bytes (\(error))")
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}
