import ArgumentParser
import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Lexicon
import NetworkPolicy

/// Fetches the public keys a Sigil publishes for a signing key (`dev.sigil.signingKey.listPublic`), for
/// `sigil webhook verify --keys-url`: through the SSRF guard, with one 10 s deadline and a 64 KiB limit.
enum PublishedKeys {
    static let maxBytes = 64 * 1024
    /// One overall deadline for the answer, head and body.
    static let deadline: Duration = .seconds(10)

    /// Every `publicKey` of the answer's `keys` (the current key, one in its overlap and the announced next
    /// one: all are the sender's). Exits 2 with the reason when they cannot be had.
    static func fetch(_ url: String, insecureLoopback: Bool) async throws -> [String] {
        let destinations = DestinationGuard(insecureLoopback: insecureLoopback)
        do {
            let keys = try await fetch(url, destinations)
            await destinations.shutdown()
            return keys
        } catch {
            await destinations.shutdown()
            throw error
        }
    }

    private static func fetch(_ url: String, _ destinations: DestinationGuard) async throws -> [String] {
        let destination: DestinationGuard.Destination
        do {
            destination = try await destinations.destination(for: url)
        } catch {
            printError("--keys-url: \(error.description)")
            throw ExitCode(2)
        }
        var request = HTTPClientRequest(url: destination.url)
        request.headers.add(name: "Accept", value: "application/json")
        let body: [UInt8]
        do {
            // One deadline for the head and the whole body: a server that drips its answer is cut off.
            let prepared = request
            let client = destination.client
            body = try await withDeadline(deadline) {
                let response = try await client.execute(prepared, timeout: .seconds(deadline.components.seconds + 1))
                guard response.status == .ok else {
                    printError("--keys-url: the server answered \(response.status.code)")
                    throw ExitCode(2)
                }
                return Array(try await response.body.collect(upTo: maxBytes).readableBytesView)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as DeadlineExceeded {
            printError("--keys-url: the server sent \(error.description)")
            throw ExitCode(2)
        } catch {
            printError("--keys-url: cannot fetch the keys: \(error)")
            throw ExitCode(2)
        }
        guard let answer = try? JSONValue(parsing: body), let entries = answer["keys"]?.arrayValue else {
            printError("--keys-url: the answer is not a {\"keys\": [...]} list")
            throw ExitCode(2)
        }
        let keys = entries.compactMap { $0["publicKey"]?.stringValue }
        guard !keys.isEmpty, keys.count == entries.count else {
            printError("--keys-url: the answer lists no public keys, or an entry without publicKey")
            throw ExitCode(2)
        }
        return keys
    }
}
