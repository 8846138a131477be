import Foundation
import Lexicon
import SigilTestSupport
import Testing

@testable import ATData

/// The atproto interop vectors (`fixtures/atproto-interop/`, CC0): JSON ↔ DAG-CBOR ↔ CID, MST key heights and
/// prefixes, and the MST roots of the commit-proof fixtures, computed here from their keys.
@Suite("The atproto data layer against the interop fixtures")
struct DataModelFixtureTests {
    static func fixture(_ path: String) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: Repo.path("fixtures/atproto-interop/" + path)))))
    }

    static func base64(_ text: String) -> [UInt8] {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        return [UInt8](Data(base64Encoded: padded)!)
    }

    @Test func jsonCBORAndCIDAgree() throws {
        let fixture = try Self.fixture("data-model/data-model-fixtures.json")
        let cases = try #require(fixture.arrayValue)
        #expect(cases.count == 3)
        for (index, example) in cases.enumerated() {
            let json = try #require(example["json"])
            let value = try DataValue(json: json)
            let encoded = try #require(example["cbor_base64"]?.stringValue)
            let cbor = Self.base64(encoded)
            #expect(DAGCBOR.encode(value) == cbor, "case \(index): the canonical encoding")
            #expect(try DAGCBOR.decode(cbor) == value, "case \(index): decoding")
            #expect(DAGCBOR.encode(try DAGCBOR.decode(cbor)) == cbor, "case \(index): encode(decode(x)) == x")
            #expect(CID.of(cbor).description == example["cid"]?.stringValue, "case \(index): the CID")
            #expect(try DataValue(json: value.json) == value, "case \(index): JSON round trip")
        }
    }

    @Test func keyHeightsAndCommonPrefixes() throws {
        let heights = try Self.fixture("mst/key_heights.json")
        for example in try #require(heights.arrayValue) {
            let key = try #require(example["key"]?.stringValue)
            let height = try #require(example["height"]?.integerValue)
            #expect(MST.height(of: key) == Int(height), "\(key)")
        }
        let prefixes = try Self.fixture("mst/common_prefix.json")
        for example in try #require(prefixes.arrayValue) {
            let (left, right) = (example["left"]?.stringValue ?? "", example["right"]?.stringValue ?? "")
            #expect(MST.commonPrefixLength(left, right) == Int(example["len"]?.integerValue ?? -1), "\(left) \(right)")
        }
    }

    /// Each fixture's tree, built from its keys (all mapped to its leaf value), has the fixture's root before and
    /// after the commit, and holds every block its proof names.
    @Test func commitProofTreesHaveTheFixturesRoots() throws {
        let proofs = try Self.fixture("firehose/commit-proof-fixtures.json")
        let cases = try #require(proofs.arrayValue)
        for example in cases {
            let comment = example["comment"]?.stringValue ?? "?"
            let leafText = try #require(example["leafValue"]?.stringValue)
            let leaf = try #require(CID(leafText))
            let keys = (example["keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            let adds = (example["adds"]?.arrayValue ?? []).compactMap(\.stringValue)
            let dels = Set((example["dels"]?.arrayValue ?? []).compactMap(\.stringValue))
            let before = MST.build(Dictionary(uniqueKeysWithValues: keys.map { ($0, leaf) }))
            let after = MST.build(Dictionary(uniqueKeysWithValues: (keys.filter { !dels.contains($0) } + adds).map { ($0, leaf) }))
            #expect(before.root.description == example["rootBeforeCommit"]?.stringValue, "\(comment): root before")
            #expect(after.root.description == example["rootAfterCommit"]?.stringValue, "\(comment): root after")
            let proof = (example["blocksInProof"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CID.init) }
            #expect(proof.allSatisfy { after.blocks[$0] != nil || before.blocks[$0] != nil }, "\(comment): the proof's blocks")
        }
    }
}
