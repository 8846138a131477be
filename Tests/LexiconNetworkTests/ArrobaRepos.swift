import Foundation
import Identity
import Lexicon
import Secp256k1
import SigilTestSupport
import Synchronization

/// Signed repos and their `com.atproto.sync.getRecord` proofs made by an independent implementation: Python's
/// `arroba` (the repo, its MST and the commit it signs with a secp256k1 key from a seed), in the test virtual
/// environment `.ci/setup` makes. A proof is a CAR of the signed commit, the MST nodes on the path to the key
/// (`MST.cids_for_path`) and the record, as `com.atproto.sync.getRecord` serves it.
enum ArrobaRepos {
    struct Repo: Sendable {
        /// The account's `#atproto` key (arroba's signing key).
        let key: Multikey
        /// Proof CARs by `collection/rkey`, for every record and every asked-for absent key.
        let proofs: [String: [UInt8]]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static var python: String {
        ProcessInfo.processInfo.environment["SIGIL_TEST_PYTHON"] ?? SigilTestSupport.Repo.path(".build/python-venv/bin/python3")
    }

    /// Builds `did`'s repo holding `records` (collection, rkey, record JSON) with the key of `seed`, and proofs for
    /// each record and for each of `absent` (collection/rkey).
    static func build(did: String, seed: Int, records: [(collection: String, rkey: String, record: JSONValue)], absent: [String] = []) async throws
        -> Repo
    {
        let spec: JSONValue = [
            "did": .string(did), "seed": .integer(Int64(seed)),
            "records": .array(
                records.map { ["collection": .string($0.collection), "rkey": .string($0.rkey), "record": $0.record] }),
            "proofs": .array((records.map { "\($0.collection)/\($0.rkey)" } + absent).map { .string($0) }),
        ]
        // Many tests ask for the same repo: built once per spec per test process (a fresh build would differ only in
        // its rev and signature, which nothing compares across tests).
        let key = spec.serialized(sortedKeys: true)
        if let built = cache.withLock({ $0[key] }) { return built }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let result: (status: Int32, stdout: String, stderr: String)
        do {
            result = try await run(process, stdin: spec.jsonString, timeout: .seconds(60))
        } catch {
            throw Failure(description: "cannot run \(python) with arroba (.ci/test creates it): \(error)")
        }
        guard result.status == 0, let output = try? JSONValue(parsing: Array(result.stdout.utf8)) else {
            throw Failure(description: "arroba failed: \(result.stdout.prefix(500)) \(result.stderr.suffix(2_000))")
        }
        guard let hex = output["key"]?.stringValue, let point = bytes(hex: hex), case .object(let encoded)? = output["proofs"] else {
            throw Failure(description: "arroba's answer lacks a key or proofs")
        }
        var proofs: [String: [UInt8]] = [:]
        for (path, value) in encoded {
            guard let text = value.stringValue, let data = Data(base64Encoded: text) else { throw Failure(description: "bad proof for \(path)") }
            proofs[path] = Array(data)
        }
        let repo = Repo(key: .secp256k1(try Secp256k1.PublicKey(sec1: point)), proofs: proofs)
        cache.withLock { $0[key] = repo }
        return repo
    }

    private static let cache = Mutex<[[UInt8]: Repo]>([:])

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }

    static let script = #"""
        import base64, json, sys
        from arroba import server, util
        from arroba.repo import Repo, Write
        from arroba.storage import MemoryStorage
        from arroba.util import Action
        from carbox import car as carlib
        from cryptography.hazmat.primitives import serialization

        spec = json.load(sys.stdin)
        server.storage = MemoryStorage()
        key = util.new_key(seed=spec['seed'])
        repo = Repo.create(server.storage, spec['did'], signing_key=key)
        writes = [Write(Action.CREATE, r['collection'], r['rkey'], r['record']) for r in spec['records']]
        if writes:
            server.storage.commit(repo, writes)
        repo = server.storage.load_repo(spec['did'])
        head = carlib.Block(decoded=repo.head.decoded, data=repo.head.encoded, cid=repo.head.cid)
        proofs = {}
        for path in spec['proofs']:
            cids = repo.mst.cids_for_path(path)
            blocks = server.storage.read_many(cids)
            proof = carlib.write_car([head.cid], [head] + [carlib.Block(cid=c, data=b.encoded) for c, b in blocks.items() if b])
            proofs[path] = base64.b64encode(proof).decode()
        point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
        print(json.dumps({'key': point.hex(), 'proofs': proofs}))
        """#
}
