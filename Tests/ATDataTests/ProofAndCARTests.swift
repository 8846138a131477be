import Foundation
import Lexicon
import SigilTestSupport
import Testing

@testable import ATData

/// Proofs of presence and absence from the commit-proof fixtures' blocks, and CAR files.
@Suite("MST proofs and CAR files")
struct ProofAndCARTests {
    /// Each fixture's tree after the commit: every key found with its value from the whole tree; every added key
    /// found, and every deleted key proved absent, from the fixture's proof blocks alone (checked by hash).
    @Test func proofsOfPresenceAndAbsence() throws {
        let proofs = try DataModelFixtureTests.fixture("firehose/commit-proof-fixtures.json")
        for example in try #require(proofs.arrayValue) {
            let comment = example["comment"]?.stringValue ?? "?"
            let leafText = try #require(example["leafValue"]?.stringValue)
            let leaf = try #require(CID(leafText))
            let keys = (example["keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            let adds = (example["adds"]?.arrayValue ?? []).compactMap(\.stringValue)
            let dels = (example["dels"]?.arrayValue ?? []).compactMap(\.stringValue)
            let after = MST.build(Dictionary(uniqueKeysWithValues: (keys.filter { !dels.contains($0) } + adds).map { ($0, leaf) }))
            for key in keys.filter({ !dels.contains($0) }) + adds {
                #expect(try MST.lookup(key, root: after.root, blocks: after.blocks) == leaf, "\(comment): \(key)")
            }
            for key in dels + ["Z9/000000", "0/absent"] {
                #expect(try MST.lookup(key, root: after.root, blocks: after.blocks) == nil, "\(comment): \(key) absent")
            }
            let proof = (example["blocksInProof"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CID.init) }
            let proofBlocks = Dictionary(uniqueKeysWithValues: proof.compactMap { cid in (after.blocks[cid]).map { (cid, $0) } })
            for key in adds {
                #expect(try MST.lookup(key, root: after.root, blocks: proofBlocks) == leaf, "\(comment): \(key) from the proof alone")
            }
            for key in dels {
                #expect(try MST.lookup(key, root: after.root, blocks: proofBlocks) == nil, "\(comment): \(key) proved absent")
            }
        }
    }

    @Test func aProofMissingABlockOrWithATamperedOneIsRefused() throws {
        let leaf = CID.of([1])
        let tree = MST.build(Dictionary(uniqueKeysWithValues: (0..<200).map { ("app.bsky.feed.post/\(String(format: "%04d", $0))", leaf) }))
        let key = "app.bsky.feed.post/0123"
        #expect(try MST.lookup(key, root: tree.root, blocks: tree.blocks) == leaf)
        var missing = tree.blocks
        missing[tree.root] = nil
        #expect(throws: MSTProofError.self) { try MST.lookup(key, root: tree.root, blocks: missing) }
        var tampered = tree.blocks
        tampered[tree.root] = DAGCBOR.encode(.map(["l": .null, "e": .array([])]))
        #expect(throws: MSTProofError.self) { try MST.lookup(key, root: tree.root, blocks: tampered) }
    }

    @Test func carFilesRoundTripAndBadOnesAreRefusedByName() throws {
        let leaf = CID.of([1])
        let tree = MST.build(["a/1": leaf, "b/2": leaf, "c/3": leaf])
        let blocks = tree.blocks.sorted { $0.key.description < $1.key.description }.map { ($0.key, $0.value) }
        let car = CAR.write(roots: [tree.root], blocks: blocks)
        let read = try CAR.read(car)
        #expect(read.roots == [tree.root] && read.blocks == tree.blocks)

        var wrongHash = car
        wrongHash[wrongHash.count - 1] ^= 0xFF
        var limits = CAR.Limits()
        limits.maxBlocks = 0
        let cases: [(String, [UInt8], CAR.Limits, String)] = [
            ("empty", [], CAR.Limits(), "cut short"),
            ("a header past the end", [0x20, 0xA2], CAR.Limits(), "past the end"),
            ("a non-minimal length", [0x81, 0x00], CAR.Limits(), "shortest form"),
            ("a length of ten bytes", Array(repeating: 0xFF, count: 10), CAR.Limits(), "longer than 9"),
            (
                "version 2",
                CAR.encodeVarint(UInt64(DAGCBOR.encode(.map(["version": .integer(2), "roots": .array([])])).count))
                    + DAGCBOR.encode(.map(["version": .integer(2), "roots": .array([])])), CAR.Limits(), "version: 1"
            ),
            ("a block that does not hash to its CID", wrongHash, CAR.Limits(), "does not hash"),
            ("a block cut short", Array(car.dropLast(5)), CAR.Limits(), "past the end"),
            ("more blocks than allowed", car, limits, "more than 0 blocks"),
        ]
        for (label, bytes, limits, reason) in cases {
            do {
                _ = try CAR.read(bytes, limits: limits)
                Issue.record("\(label) was read")
            } catch {
                #expect(error.reason.contains(reason), "\(label): \(error)")
            }
        }
    }
}
