import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1
import Testing

@testable import ATData

/// A record proved by a CAR: a commit signed by the account's key, the MST path, the record block.
@Suite("Record proofs")
struct RecordProofTests {
    struct Repo {
        let did = "did:plc:repoaaaaaaaaaaaaaaaaaaaa"
        let key = try! Secp256k1.PrivateKey()
        var records: [String: DataValue] = [:]

        var multikey: Multikey { .secp256k1(key.publicKey) }

        /// A CAR of the commit, every MST node and every record, less the blocks `dropping` names.
        func car(sign: Bool = true, did signer: String? = nil, tamper: Bool = false, dropping: ((CID) -> Bool)? = nil) throws -> [UInt8] {
            var blocks: [(CID, [UInt8])] = []
            var values: [String: CID] = [:]
            for (key, record) in records {
                let bytes = DAGCBOR.encode(record)
                let cid = CID.of(bytes)
                values[key] = cid
                blocks.append((cid, bytes))
            }
            let tree = MST.build(values)
            blocks += tree.blocks.map { ($0.key, $0.value) }
            var fields: [String: DataValue] = [
                "did": .string(signer ?? did), "version": .integer(3), "data": .link(tree.root), "rev": "3l7eduw7xfs2c", "prev": .null,
            ]
            let unsigned = DAGCBOR.encode(.map(fields))
            var signature = sign ? try key.signature(digest: Array(SHA256.hash(data: unsigned))) : [UInt8](repeating: 1, count: 64)
            if tamper { signature[63] ^= 1 }
            fields["sig"] = .bytes(signature)
            let commit = DAGCBOR.encode(.map(fields))
            let root = CID.of(commit)
            blocks.append((root, commit))
            return CAR.write(roots: [root], blocks: blocks.filter { !(dropping?($0.0) ?? false) })
        }
    }

    static func verify(_ repo: Repo, _ car: [UInt8], _ rkey: String, key: Multikey? = nil) throws(CommitError) -> DataValue? {
        let multikey = key ?? repo.multikey
        return try RecordProof.verify(car: car, did: repo.did, collection: "com.atproto.lexicon.schema", rkey: rkey) { signature, message in
            multikey.isValidSignature(signature, for: message)
        }?.record
    }

    @Test func aSignedProofGivesTheRecordAndItsAbsence() throws {
        var repo = Repo()
        for i in 0..<50 { repo.records["com.atproto.lexicon.schema/com.example.n\(i)"] = .map(["id": .string("com.example.n\(i)")]) }
        let car = try repo.car()
        #expect(try Self.verify(repo, car, "com.example.n7")?["id"] == .string("com.example.n7"))
        #expect(try Self.verify(repo, car, "com.example.absent") == nil, "proved absent")
    }

    @Test func everyBrokenProofIsRefusedByName() throws {
        var repo = Repo()
        repo.records["com.atproto.lexicon.schema/com.example.a"] = .map(["id": "com.example.a"])
        let good = try repo.car()
        let record = CID.of(DAGCBOR.encode(.map(["id": "com.example.a"])))
        let other = try Secp256k1.PrivateKey()
        let commit = try CAR.read(good).roots[0]
        let cases: [(String, () throws -> [UInt8], Multikey?, String)] = [
            ("another key", { good }, .secp256k1(other.publicKey), "does not verify"),
            ("a tampered signature", { try repo.car(tamper: true) }, nil, "does not verify"),
            ("an unsigned commit", { try repo.car(sign: false) }, nil, "does not verify"),
            ("another account's commit", { try repo.car(did: "did:plc:someoneelseeeeeeeeeeeeee") }, nil, "not did:plc:repo"),
            ("the record block missing", { try repo.car(dropping: { $0 == record }) }, nil, "missing the record block"),
            ("a tree block missing", { try repo.car(dropping: { $0 != record && $0 != commit }) }, nil, "missing block"),
            ("the commit block missing", { try repo.car(dropping: { $0 == commit }) }, nil, "missing its commit block"),
            ("not a CAR", { [1, 2, 3] }, nil, "not a CAR"),
        ]
        for (label, make, key, reason) in cases {
            do {
                _ = try Self.verify(repo, try make(), "com.example.a", key: key)
                Issue.record("\(label) verified")
            } catch let error as CommitError {
                #expect(error.description.contains(reason), "\(label): \(error)")
            }
        }
        // The high-S twin of the valid signature is refused (atproto's low-S rule), though it is mathematically valid.
        let read = try CAR.read(good)
        let commitBlock = try #require(read.blocks[read.roots[0]])
        guard case .map(var fields) = try DAGCBOR.decode(commitBlock), let signature = fields["sig"]?.bytesValue else {
            Issue.record("no signature")
            return
        }
        fields["sig"] = .bytes(Array(signature[..<32]) + CurveOrder.negate(Array(signature[32...]), order: CurveOrder.secp256k1))
        let twin = try Commit(block: DAGCBOR.encode(.map(fields)))
        #expect(!twin.isSigned { repo.multikey.isValidSignature($0, for: $1) })
        #expect(try Commit(block: commitBlock).isSigned { repo.multikey.isValidSignature($0, for: $1) })
    }
}
