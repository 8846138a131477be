import Foundation
import Lexicon
import Testing
import WebhookSignature

/// Sigil's `v1a` signatures against an independent Ed25519 (OpenSSL's, through Python's `cryptography`): it
/// verifies what Sigil signs, signs the same bytes from the same seed, and Sigil verifies what it signs.
@Suite("v1a interop with Python's cryptography")
struct V1aInteropTests {
    static let script = """
        import base64, json, sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        cases = json.load(open(sys.argv[1]))
        out = []
        for case in cases:
            content = (case["id"] + "." + str(case["timestamp"]) + ".").encode() + case["body"].encode()
            entry = {}
            if "publicKey" in case:
                key = Ed25519PublicKey.from_public_bytes(base64.b64decode(case["publicKey"][len("whpk_"):]))
                verified = []
                for signature in case["signature"].split(" "):
                    version, _, value = signature.partition(",")
                    try:
                        key.verify(base64.b64decode(value), content); verified.append(version == "v1a")
                    except InvalidSignature:
                        verified.append(False)
                entry["verified"] = verified
            if "seed" in case:
                private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(case["seed"]))
            else:
                private = Ed25519PrivateKey.generate()
            raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            entry["publicKey"] = "whpk_" + base64.b64encode(raw).decode()
            entry["signature"] = "v1a," + base64.b64encode(private.sign(content)).decode()
            out.append(entry)
        print(json.dumps(out))
        """

    struct Answer: Decodable {
        let verified: [Bool]?
        let publicKey: String
        let signature: String
    }

    @Test func anIndependentEd25519AgreesBothWays() async throws {
        let fixture = try JSONDecoder().decode(
            V1aFixtureFile.self, from: Data(contentsOf: URL(fileURLWithPath: Repo.path("fixtures/standard-webhooks-v1a.json"))))
        let fixed = try WebhookSigningKey(secretKey: fixture.secretKey)
        let fresh = WebhookSigningKey.generate()
        let bodies = ["", #"{"event":"create"}"#, String(repeating: "é", count: 3000)]
        var cases: [JSONValue] = []
        // The fixture's vectors, and Sigil signing fresh bodies with a fresh key and with the fixture's key.
        for vector in fixture.cases {
            cases.append([
                "id": .string(vector.id), "timestamp": .integer(vector.timestamp), "body": .string(vector.body),
                "signature": .string(vector.signature), "publicKey": .string(fixture.publicKey), "seed": .string(fixture.seedBase64),
            ])
        }
        for (index, body) in bodies.enumerated() {
            let signature = fresh.signature(body: Array(body.utf8), id: "msg_\(index)", timestamp: 1_800_000_000 + Int64(index))
            cases.append([
                "id": .string("msg_\(index)"), "timestamp": .integer(1_800_000_000 + Int64(index)), "body": .string(body),
                "signature": .string(signature), "publicKey": .string(fresh.publicKey.text),
            ])
            // A tampered signature: Python must refuse it too.
            let tampered = fixed.signature(body: Array((body + "x").utf8), id: "msg_\(index)", timestamp: 1)
            cases.append([
                "id": .string("msg_\(index)"), "timestamp": .integer(1), "body": .string(body),
                "signature": .string(tampered), "publicKey": .string(fixed.publicKey.text), "seed": .string(fixture.seedBase64),
            ])
        }
        let answers: [Answer] = try await withPythonFiles { directory in
            let path = directory.appendingPathComponent("cases.json")
            try Data(JSONValue.array(cases).serialized()).write(to: path)
            return try JSONDecoder().decode([Answer].self, from: Data(try await runPython(Self.script, [path.path]).utf8))
        }
        try #require(answers.count == cases.count)
        for (case_, answer) in zip(cases, answers) {
            let tampered = case_["timestamp"] == .integer(1)
            #expect(answer.verified == [!tampered], "Python on \(case_["signature"]?.stringValue ?? "")")
            let id = case_["id"]!.stringValue!
            let timestamp = case_["timestamp"]!.integerValue!
            let body = Array(case_["body"]!.stringValue!.utf8)
            if case_["seed"] != nil {
                // Same seed, same bytes: the same signature (Ed25519 is deterministic) and the same public key.
                #expect(answer.publicKey == fixture.publicKey)
                #expect(answer.signature == fixed.signature(body: body, id: id, timestamp: timestamp))
            }
            // Sigil verifies what Python signed, with the public key Python gave.
            let verifier = try WebhookKeyVerifier(publicKeys: [answer.publicKey], now: { timestamp })
            #expect(throws: Never.self) {
                try verifier.verify(
                    body: body, headers: ["webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": answer.signature])
            }
        }
    }
}

/// `fixtures/standard-webhooks-v1a.json` (as in WebhookSignatureTests).
struct V1aFixtureFile: Decodable {
    struct Case: Decodable {
        let id: String
        let timestamp: Int64
        let body: String
        let signature: String
    }

    let publicKey: String
    let secretKey: String
    let seedBase64: String
    let cases: [Case]
}
