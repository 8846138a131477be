import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import SigilAPI
import SigilService
import Sodium
import Storage
import Testing
import XRPC

@testable import Secrets

/// `dev.sigil.signingKey.*` through the assembled server (``SigilServer``, real service JWTs): each method, the
/// account scope, `listPublic` without authentication, and no answer ever carrying a secret key.
@Suite("dev.sigil.signingKey.* methods", .serialized)
struct SigningKeyMethodsTests {
    func call(_ client: any TestClientProtocol, _ method: String, as did: String?, _ body: String? = nil, query: String = "")
        async throws -> (HTTPResponse.Status, JSONValue, String)
    {
        var headers: HTTPFields = [:]
        if let did {
            let account = try #require(WebhookOwnerMethodsTests.accounts[did])
            headers[.authorization] = "Bearer " + (try account.token(lxm: "dev.sigil.signingKey.\(method)"))
        }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: "/xrpc/dev.sigil.signingKey.\(method)\(query)", method: body == nil ? .get : .post,
            headers: headers, body: body.map { ByteBuffer(string: $0) })
        let bytes = Array(response.body.readableBytesView)
        return (response.status, (try? JSONValue(parsing: bytes)) ?? .null, String(decoding: bytes, as: UTF8.self))
    }

    @Test(arguments: StoreKind.enabled)
    func eachMethodScopedToItsAccountAndListPublicOpenToAll(_ kind: StoreKind) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            for (did, account) in WebhookOwnerMethodsTests.accounts { await network.publishDID(did, key: account.multikey) }
            let clock = ManualClock(1_800_000_000_000)
            let pipeline = try await Pipeline.make(network: network, store: kind, clock: clock.read)
            let (stores, service) = (pipeline.stores, pipeline.signingKeys)
            // Every seed alice's key ever had (current, previous, announced next), read from the store as the test goes.
            let seeds = SeedsSeen()
            let collect: @Sendable () async throws -> Void = {
                guard let key = try await stores.signingKeys.signingKey(owner: alice, name: "hook") else { return }
                for (sealed, version) in [(key.sealed, key.version)]
                    + [
                        key.previous.map { ($0.sealed, $0.version) },
                        key.next.map { ($0.sealed, $0.version) },
                    ].compactMap({ $0 })
                {
                    seeds.add(try #require(service.open(sealed, owner: alice, name: "hook", version: version)))
                }
            }
            do {
                let answers = try await pipeline.server.application.test(.router) { client in
                    try await exercise(client, clock, collect: collect)
                }
                let known = seeds.all
                #expect(known.count >= 3, "v1, v2 and v3 were seen")
                for answer in answers {
                    for seed in known {
                        for form in SeedsSeen.encodings(of: seed) { #expect(!answer.contains(form), "an answer carries a seed: \(answer)") }
                    }
                    #expect(!answer.contains("whsk_"), "\(answer)")
                }
            } catch {
                await pipeline.cleanUp()
                throw error
            }
            await pipeline.cleanUp()
        }
    }

    /// Calls every method; returns every answer's text. `collect` reads the key's seeds from the store.
    func exercise(_ client: any TestClientProtocol, _ clock: ManualClock, collect: @Sendable () async throws -> Void) async throws -> [String] {
        let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"
        var answers: [String] = []
        let anonymous = try await call(client, "create", as: nil, #"{"name":"hook"}"#)
        #expect(anonymous.0 == .unauthorized)

        let created = try await call(client, "create", as: alice, #"{"name":"hook"}"#)
        #expect(created.0 == .ok, "\(created.2)")
        let publicKey = try #require(created.1["publicKey"]?.stringValue)
        #expect(publicKey.hasPrefix("whpk_") && created.1["name"] == "hook")
        answers.append(created.2)
        try await collect()
        for name in ["a:b", String(repeating: "k", count: 65)] {
            let unnamable = try await call(client, "create", as: alice, #"{"name":"\#(name)"}"#)
            #expect(unnamable.0 == .badRequest && unnamable.1["error"] == "InvalidRequest" && unnamable.2.contains("secretId"), "\(unnamable.2)")
        }
        let again = try await call(client, "create", as: alice, #"{"name":"hook"}"#)
        #expect(again.0 == .badRequest && again.1["error"] == "AlreadyExists", "\(again.2)")

        let got = try await call(client, "get", as: alice, query: "?name=hook")
        #expect(got.0 == .ok && got.1["key"]?["publicKey"] == .string(publicKey) && got.1["key"]?["status"] == "active", "\(got.2)")
        let listed = try await call(client, "list", as: alice)
        #expect(listed.1["keys"]?.arrayValue?.count == 1)
        answers += [got.2, listed.2]
        // Another account: NotFound, and an empty list.
        for (method, body, query) in [
            ("get", nil, "?name=hook"), ("rotate", #"{"name":"hook"}"#, ""), ("delete", #"{"name":"hook"}"#, ""),
            ("setSchedule", #"{"name":"hook","intervalDays":1}"#, ""),
        ] as [(String, String?, String)] {
            let other = try await call(client, method, as: bob, body, query: query)
            #expect(other.0 == .badRequest && other.1["error"] == "NotFound", "\(method): \(other.2)")
        }
        #expect(try await call(client, "list", as: bob).1["keys"] == [])

        // Scheduled: the next key is published at once, anonymously.
        let bad = try await call(client, "setSchedule", as: alice, #"{"name":"hook","intervalDays":7,"at":"24:00"}"#)
        #expect(bad.0 == .badRequest && bad.1["error"] == "InvalidRequest" && bad.2.contains("hh:mm"), "\(bad.2)")
        let tooLong = try await call(client, "setSchedule", as: alice, #"{"name":"hook","intervalDays":366}"#)
        #expect(tooLong.0 == .badRequest && tooLong.1["error"] == "InvalidRequest", "\(tooLong.2)")
        let scheduled = try await call(client, "setSchedule", as: alice, #"{"name":"hook","intervalDays":7,"at":"03:00","overlapSeconds":3600}"#)
        #expect(scheduled.0 == .ok, "\(scheduled.2)")
        let key = try #require(scheduled.1["key"])
        #expect(key["intervalDays"] == 7 && key["at"] == "03:00" && key["daysUntilNextRotation"] == 7 && key["nextPublicKey"]?.stringValue != nil)
        answers.append(scheduled.2)
        let published = try await call(client, "listPublic", as: nil, query: "?did=\(alice)&name=hook")
        #expect(published.0 == .ok, "\(published.2)")
        let keys = try #require(published.1["keys"]?.arrayValue)
        #expect(keys.map { $0["publicKey"] } == [.string(publicKey), key["nextPublicKey"]!])
        #expect(keys[1]["validFrom"] == key["nextRotationAt"] && keys[0]["validUntil"] != nil)
        answers.append(published.2)

        // Rotated with an overlap: the announced key takes over; both are published until the overlap ends.
        let rotated = try await call(client, "rotate", as: alice, #"{"name":"hook","overlapSeconds":600}"#)
        #expect(rotated.0 == .ok && rotated.1["publicKey"] == key["nextPublicKey"]! && rotated.1["previousValidUntil"] != nil, "\(rotated.2)")
        answers.append(rotated.2)
        try await collect()
        let during = try await call(client, "listPublic", as: nil, query: "?did=\(alice)&name=hook")
        #expect(during.1["keys"]?.arrayValue?.count == 3, "current, previous, next: \(during.2)")
        #expect(try await call(client, "get", as: alice, query: "?name=hook").1["key"]?["status"] == "overlapping")
        clock.advance(seconds: 601)
        #expect(try await call(client, "listPublic", as: nil, query: "?did=\(alice)&name=hook").1["keys"]?.arrayValue?.count == 2)

        // Unknown names and malformed parameters.
        let unknown = try await call(client, "listPublic", as: nil, query: "?did=\(alice)&name=nope")
        #expect(unknown.0 == .badRequest && unknown.1["error"] == "NotFound")
        let notDID = try await call(client, "listPublic", as: nil, query: "?did=alice&name=hook")
        #expect(notDID.0 == .badRequest && notDID.1["error"] == "InvalidRequest")

        let deleted = try await call(client, "delete", as: alice, #"{"name":"hook"}"#)
        #expect(deleted.0 == .ok, "\(deleted.2)")
        #expect(try await call(client, "listPublic", as: nil, query: "?did=\(alice)&name=hook").1["error"] == "NotFound")
        return answers
    }
}

/// Seeds read from the store during a test, and every text form one could leak in.
final class SeedsSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var seeds: Set<[UInt8]> = []
    func add(_ seed: [UInt8]) { _ = lock.withLock { seeds.insert(seed) } }
    var all: [[UInt8]] { lock.withLock { Array(seeds) } }

    /// Base64 (standard, unpadded, URL-safe) and hex of the seed and of libsodium's 64-byte secret key (seed ‖ public key).
    static func encodings(of seed: [UInt8]) -> [String] {
        let publicKey = Sodium.Ed25519.keyPair(seed: seed)!.publicKey
        return [seed, seed + publicKey].flatMap { bytes -> [String] in
            let base64 = Data(bytes).base64EncodedString()
            let unpadded = base64.replacingOccurrences(of: "=", with: "")
            let urlSafe = unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            let hexText = bytes.map { String(format: "%02x", $0) }.joined()
            return [base64, unpadded, urlSafe, hexText, hexText.uppercased()]
        }
    }
}
