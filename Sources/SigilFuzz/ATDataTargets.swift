import ATData
import Foundation
import Lexicon

/// The atproto data layer on untrusted bytes: the DAG-CBOR decoder, the CAR reader and MST proof walks.
enum ATDataTargets {
    /// A small signed-looking repository: a tree of 40 keys and its blocks, as seeds.
    static func sampleCAR() -> [UInt8] {
        let leaf = CID.of([1, 2, 3], codec: CID.raw)
        let tree = MST.build(Dictionary(uniqueKeysWithValues: (0..<40).map { ("app.bsky.feed.post/\(String(format: "%04d", $0 * 7))", leaf) }))
        return CAR.write(roots: [tree.root], blocks: tree.blocks.sorted { $0.key.description < $1.key.description }.map { ($0.key, $0.value) })
    }

    static let dagCBOR = FuzzTarget(
        name: "dag-cbor", summary: "DAG-CBOR decoder: no crash, bounded work; what decodes re-encodes to the same bytes and round-trips through JSON",
        seeds: {
            let values: [DataValue] = [
                .map(["a": 1, "b": .array([.string("x"), .bytes([1, 2]), .link(CID.of([9]))]), "cc": .null, "d": true]),
                .integer(Int64.min), .string("é😀"), .array((0..<30).map { .integer($0) }),
            ]
            return values.map(DAGCBOR.encode) + [sampleCAR()]
        }
    ) { input in
        let bytes = Array(input)
        guard let value = try? DAGCBOR.decode(bytes) else { return }
        guard DAGCBOR.encode(value) == bytes else { fuzzFailure("dag-cbor", "a decoded value re-encodes to other bytes", input: input) }
        guard (try? DataValue(json: value.json)) == value else {
            fuzzFailure("dag-cbor", "a decoded value changed through its JSON form", input: input)
        }
    }

    static let car = FuzzTarget(
        name: "car", summary: "CAR reader: no crash, bounded work; every block it returns hashes to its CID", seeds: { [sampleCAR()] }
    ) {
        input in
        guard let (_, blocks) = try? CAR.read(Array(input)) else { return }
        for (cid, data) in blocks where CID.of(data, codec: cid.codec) != cid {
            fuzzFailure("car", "a block that does not hash to its CID was returned", input: input)
        }
    }

    /// The first byte picks the key looked up; the rest is a CAR whose first root is the tree.
    static let proof = FuzzTarget(
        name: "mst-proof",
        summary: "MST proof walk over a CAR's blocks: no crash, bounded depth; a key found is in the tree built from what it proves",
        seeds: { [[0x07] + sampleCAR(), [0xFF] + sampleCAR()] }
    ) { input in
        let (selector, rest) = split(input)
        guard let (roots, blocks) = try? CAR.read(Array(rest)), let root = roots.first else { return }
        let key = "app.bsky.feed.post/\(String(format: "%04d", Int(selector)))"
        _ = try? MST.lookup(key, root: root, blocks: blocks)
    }
}
