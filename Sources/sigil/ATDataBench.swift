import ATData
import ArgumentParser
import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1

/// `sigil bench atdata`: the atproto data layer on one core, each next to the raw operation it is built on,
/// measured in the same run (only the ratios compare across runs and machines).
struct ATDataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atdata",
        abstract: "DAG-CBOR decoding and record-proof verification per second, beside raw baselines from the same run.",
        discussion: """
            DAG-CBOR: strict decoding of a realistic record, beside parsing the same record's JSON with Sigil's JSON \
            parser and hashing its bytes (SHA-256, what a CID costs). Proofs: RecordProof.verify on a getRecord CAR \
            from a 1,000-record repo (CAR read with every block hashed, commit decoded, secp256k1 signature checked, \
            MST walked), beside the bare signature check on the same commit.
            """
    )

    @Option(help: "Seconds per measurement.") var seconds: Double = 3
    @Option(help: "Records in the benchmark repo.") var records: Int = 1_000

    func run() throws {
        guard seconds > 0, seconds <= 600, (1...1_000_000).contains(records) else {
            throw ValidationError("--seconds must be in (0, 600] and --records in 1...1000000")
        }
        let json = try JSONValue(parsing: Array(LexiconBench.sampleRecord.utf8))
        let record = try DataValue(json: json)
        let cbor = DAGCBOR.encode(record)
        let jsonBytes = Array(LexiconBench.sampleRecord.utf8)
        print("record: place.wisp.v2.wh, \(cbor.count) bytes of DAG-CBOR, \(jsonBytes.count) bytes of JSON")
        let decode = measureRate(seconds: seconds) { _ = try! DAGCBOR.decode(cbor) }
        let parse = measureRate(seconds: seconds) { _ = try! JSONValue(parsing: jsonBytes) }
        let hash = measureRate(seconds: seconds) { _ = SHA256.hash(data: cbor) }
        let encode = measureRate(seconds: seconds) { _ = DAGCBOR.encode(record) }
        print(String(format: "DAG-CBOR decode: %.0f/s (%.0f ns)", decode, 1e9 / decode))
        print(String(format: "  baseline JSON parse of the same record: %.0f/s; decode ÷ parse = %.2f", parse, decode / parse))
        print(String(format: "  baseline SHA-256 of the CBOR bytes: %.0f/s; decode ÷ hash = %.2f", hash, decode / hash))
        print(String(format: "DAG-CBOR encode: %.0f/s (%.0f ns)", encode, 1e9 / encode))

        // A repo of `records` records, one commit signed by a fresh secp256k1 key, and one record's proof.
        let key = try Secp256k1.PrivateKey()
        let did = "did:plc:benchaaaaaaaaaaaaaaaaaaa"
        var values: [String: CID] = [:]
        var blocks: [CID: [UInt8]] = [:]
        for index in 0..<records {
            guard case .map(var fields) = record else { break }
            fields["secretId"] = .string("hook-\(index)")
            let bytes = DAGCBOR.encode(.map(fields))
            let cid = CID.of(bytes)
            values["place.wisp.v2.wh/3l\(String(index, radix: 32))"] = cid
            blocks[cid] = bytes
        }
        let tree = MST.build(values)
        for (cid, bytes) in tree.blocks { blocks[cid] = bytes }
        var commit: [String: DataValue] = ["did": .string(did), "version": 3, "data": .link(tree.root), "rev": "3l7eduw7xfs2c", "prev": .null]
        let unsigned = DAGCBOR.encode(.map(commit))
        let signature = try key.signature(digest: Array(SHA256.hash(data: unsigned)))
        commit["sig"] = .bytes(signature)
        let commitBytes = DAGCBOR.encode(.map(commit))
        let root = CID.of(commitBytes)
        // The record with the longest path among the first 64 (a typical proof, not the luckiest).
        var (rkey, path) = ("", [CID]())
        for index in 0..<min(records, 64) {
            let candidate = "3l\(String(index, radix: 32))"
            let blocksOnPath = try pathBlocks("place.wisp.v2.wh/\(candidate)", root: tree.root, blocks: blocks)
            if blocksOnPath.count > path.count { (rkey, path) = (candidate, blocksOnPath) }
        }
        let car = CAR.write(roots: [root], blocks: [(root, commitBytes)] + path.map { ($0, blocks[$0]!) })
        let multikey = Multikey.secp256k1(key.publicKey)
        print("proof: a \(records)-record repo, \(car.count)-byte CAR of \(path.count + 1) blocks")
        let verify = measureRate(seconds: seconds, batch: 200) {
            let proved = try! RecordProof.verify(car: car, did: did, collection: "place.wisp.v2.wh", rkey: rkey) { signature, message in
                multikey.isValidSignature(signature, for: message)
            }
            precondition(proved != nil)
        }
        let signatureOnly = measureRate(seconds: seconds, batch: 200) { precondition(multikey.isValidSignature(signature, for: unsigned)) }
        print(String(format: "proof verification: %.0f/s (%.1f µs)", verify, 1e6 / verify))
        print(String(format: "  baseline secp256k1 signature check alone: %.0f/s; verify ÷ signature = %.2f", signatureOnly, verify / signatureOnly))
    }

    /// The MST nodes on the path to `key` and the record's block: what getRecord sends.
    func pathBlocks(_ key: String, root: CID, blocks: [CID: [UInt8]]) throws -> [CID] {
        var path: [CID] = []
        var cid = root
        let wanted = Array(key.utf8)
        while true {
            path.append(cid)
            let node = try DAGCBOR.decode(blocks[cid]!)
            var previous: [UInt8] = []
            var next = node["l"] ?? .null
            for entry in node["e"]?.arrayValue ?? [] {
                let full = Array(previous.prefix(Int(entry["p"]!.integerValue!))) + entry["k"]!.bytesValue!
                if full == wanted { return path + [entry["v"]!.linkValue!] }
                if wanted.lexicographicallyPrecedes(full) { break }
                previous = full
                next = entry["t"] ?? .null
            }
            guard case .link(let child) = next else { throw ValidationError("the key is not in the tree") }
            cid = child
        }
    }
}
