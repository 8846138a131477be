import ATData
import Foundation
import Identity
import Lexicon
import Testing

@testable import LexiconNetwork

/// Resolution end to end against the stand-in world (DNS, PLC, PDS) whose repos and proofs arroba signs: the good
/// case, and one test per named refusal.
@Suite struct LexiconResolutionTests {
    static let author = "did:plc:lexauthoraaaaaaaaaaaaaaa"
    static let other = "did:plc:lexotheraaaaaaaaaaaaaaaaa"
    static let nsid = "com.example.feed.post"
    static let txt = "_lexicon.feed.example.com"

    /// A world where `author` publishes `com.example.feed.post` and the TXT record names it.
    func withWorld(_ body: @Sendable @escaping (LexiconWorld, LexiconResolver) async throws -> Void) async throws {
        let world = try LexiconWorld()
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema(Self.nsid)])
            await world.setTXT(Self.txt, ["did=\(Self.author)"])
            try await world.withResolver { resolver in try await body(world, resolver) }
        }
    }

    @Test func aPublishedSchemaResolvesVerifiedAndIsCached() async throws {
        try await withWorld { world, resolver in
            let resolved = try await resolver.resolve(Self.nsid)
            #expect(resolved.did == Self.author)
            #expect(resolved.schema == recordSchema(Self.nsid))
            #expect(!resolved.rev.isEmpty)
            // The CID pins the record as stored: the schema with its $type, in canonical DAG-CBOR.
            let record = try DataValue(json: LexiconWorld.record(recordSchema(Self.nsid)))
            #expect(resolved.cid == CID.of(DAGCBOR.encode(record)))
            _ = try await resolver.resolve(Self.nsid)
            #expect(resolver.networkResolutions == 1)
            #expect(await world.getRecordCalls == 1)
        }
    }

    /// Each way the chain breaks, and the refusal it gets.
    @Test(arguments: [
        "no-txt", "conflicting-txt", "malformed-txt", "other-account", "did-unresolvable", "pds-unreachable", "pds-hangs", "pds-oversize",
        "bad-signature", "proof-missing-record", "proof-missing-node", "proof-other-account", "proof-not-car", "record-absent",
        "record-proved-absent", "id-mismatch", "not-a-schema", "schema-invalid",
    ])
    func eachBrokenLinkIsRefusedByName(_ scene: String) async throws {
        try await withWorld { world, resolver in
            var nsid = Self.nsid
            var expected: String? = nil
            var code = scene
            switch scene {
            case "no-txt":
                await world.setTXT(Self.txt, nil)
            case "conflicting-txt":
                await world.setTXT(Self.txt, ["did=\(Self.author)", "did=\(Self.other)"])
            case "malformed-txt":
                await world.setTXT(Self.txt, ["did=not a did"])
            case "other-account":
                // The TXT record now names another account that has published the same NSID: the pin refuses it.
                try await world.publish(Self.other, seed: 12, schemas: [recordSchema(Self.nsid)])
                await world.setTXT(Self.txt, ["did=\(Self.other)"])
                expected = Self.author
            case "did-unresolvable":
                await world.setTXT(Self.txt, ["did=did:plc:nobodyaaaaaaaaaaaaaaaaaa"])
            case "pds-unreachable":
                await world.setEndpoint(Self.author, "http://127.0.0.1:1")
            case "pds-hangs":
                await world.plant(Self.nsid, status: 0, body: [])
                code = "pds-unreachable"
            case "pds-oversize":
                await world.plant(Self.nsid, status: 200, body: [UInt8](repeating: 0x61, count: 3 << 20))
                code = "pds-unreachable"
            case "bad-signature":
                // The DID document no longer lists the key that signed the commit.
                try await world.publish(Self.other, seed: 12, schemas: [])
                await world.listKey(Self.author, await world.key(of: Self.other))
            case "proof-missing-record", "proof-missing-node":
                let car = try #require(await world.proof(Self.author, Self.nsid))
                let (roots, blocks) = try CAR.read(car)
                let commit = try Commit(block: try #require(blocks[roots[0]]))
                let record = try #require(try MST.lookup("\(LexiconWorld.collection)/\(Self.nsid)", root: commit.data, blocks: blocks))
                let dropped = scene == "proof-missing-record" ? record : commit.data
                await world.setProof(
                    Self.author, Self.nsid, CAR.write(roots: roots, blocks: blocks.filter { $0.key != dropped }.map { ($0.key, $0.value) }))
                code = "proof-incomplete"
            case "proof-other-account":
                try await world.publish(Self.other, seed: 12, schemas: [recordSchema(Self.nsid)])
                await world.plant(Self.nsid, status: 200, body: try #require(await world.proof(Self.other, Self.nsid)))
                code = "proof-invalid"
            case "proof-not-car":
                await world.plant(Self.nsid, status: 200, body: Array("{\"not\":\"a car\"}".utf8))
                code = "proof-invalid"
            case "record-absent":
                nsid = "com.example.feed.like"
            case "record-proved-absent":
                // A PDS that answers 200 with a valid proof that the key is not in the tree.
                nsid = "com.example.feed.like"
                try await world.publish(Self.author, seed: 11, schemas: [], absent: [nsid])
                await world.plant(nsid, status: 200, body: try #require(await world.proof(Self.author, nsid)))
                code = "record-absent"
            case "id-mismatch":
                try await world.publish(Self.author, seed: 11, schemas: [], stored: [Self.nsid: recordSchema("com.example.feed.repost")])
            case "not-a-schema":
                try await world.publish(
                    Self.author, seed: 11, schemas: [], stored: [Self.nsid: ["lexicon": 2, "id": .string(Self.nsid), "defs": [:]]])
            case "schema-invalid":
                let broken: JSONValue = ["lexicon": 1, "id": .string(Self.nsid), "defs": ["main": ["type": "no-such-type"]]]
                try await world.publish(Self.author, seed: 11, schemas: [], stored: [Self.nsid: broken])
            default:
                Issue.record("unknown scene \(scene)")
            }
            do {
                let resolved = try await resolver.resolve(nsid, expectedDID: expected)
                Issue.record("\(scene): resolved \(resolved.nsid) from \(resolved.did)")
            } catch let error as LexiconResolutionError {
                #expect(error.code == code, "\(scene): \(error)")
                #expect(!error.description.isEmpty)
            }
        }
    }

    /// An account that rotated its key re-signs its repo: the cached DID document names the old key, so the first
    /// check fails, the document is fetched again, and the new signature verifies.
    @Test func aRotatedKeyIsFollowedAfterOneRefresh() async throws {
        try await withWorld { world, resolver in
            let first = try await resolver.resolve(Self.nsid)
            try await world.publish(Self.author, seed: 99, schemas: [recordSchema(Self.nsid, maxLength: 500)])
            let second = try await resolver.resolve(Self.nsid, refresh: true)
            #expect(second.cid != first.cid)
            #expect(second.schema == recordSchema(Self.nsid, maxLength: 500))
        }
    }

    /// A made-up NSID costs one lookup per failure period, however often it is asked.
    @Test func refusalsAreCachedForTheirPeriod() async throws {
        try await withWorld { world, resolver in
            for _ in 0..<20 {
                await #expect(throws: LexiconResolutionError.recordAbsent(nsid: "com.example.feed.like", did: Self.author)) {
                    try await resolver.resolve("com.example.feed.like")
                }
            }
            #expect(await world.getRecordCalls == 1)
            #expect(resolver.networkResolutions == 1)
        }
    }
}

extension LexiconResolutionTests {
    /// A PDS that does not answer holds at most its host's share of the resolver's slots: another account's PDS
    /// (on another host name) is served while the first host's calls hang; callers past the host's share are told
    /// `busy`.
    @Test func aHangingPDSHoldsOnlyItsHostsShare() async throws {
        let world = try LexiconWorld()
        try await world.serve {
            let hanging = (0..<8).map { "com.example.feed.hang\($0)" }
            try await world.publish(Self.author, seed: 11, schemas: hanging.map { recordSchema($0) })
            for nsid in hanging { await world.plant(nsid, status: 0, body: []) }
            await world.setTXT(Self.txt, ["did=\(Self.author)"])
            // The quiet account's PDS is the same server under another host name.
            try await world.publish(Self.other, seed: 12, schemas: [recordSchema("org.quiet.app.note")])
            await world.setEndpoint(Self.other, "http://localhost:\(await world.port)")
            await world.setTXT("_lexicon.app.quiet.org", ["did=\(Self.other)"])
            var limits = LexiconResolver.Limits.roomy
            (limits.concurrency, limits.slotWait, limits.deadline) = (4, .milliseconds(500), .seconds(30))
            try await world.withResolver(limits: limits) { resolver in
                try await withThrowingTaskGroup(of: String.self) { group in
                    for nsid in hanging {
                        group.addTask {
                            do {
                                _ = try await resolver.resolve(nsid)
                                return "resolved"
                            } catch {
                                return (error as? LexiconResolutionError)?.code ?? "\(error)"
                            }
                        }
                    }
                    // Condition: the hanging host holds its share (3 of 4 slots).
                    while await world.getRecordCalls < 3 { try await Task.sleep(for: .milliseconds(5)) }
                    let quiet = try await resolver.resolve("org.quiet.app.note")
                    #expect(quiet.did == Self.other)
                    #expect(await world.getRecordCalls <= 4, "only the hanging host's share reached it, and the quiet call")
                    // The hanging PDS answers at last.
                    for nsid in hanging { await world.unplant(nsid) }
                    var outcomes: [String] = []
                    for try await outcome in group { outcomes.append(outcome) }
                    #expect(Set(outcomes).isSubset(of: ["resolved", "busy"]), "\(outcomes)")
                    #expect(outcomes.contains("busy"))
                }
            }
        }
    }
}
