import Foundation
import SQLiteStore
import Secrets
import SigilTestSupport
import Testing
import WebhookSignature

/// A database written by the build before the one migration list (f219d7c, `fixtures/stores/sqlite-f219d7c`,
/// made by `sigil serve --dev` and its XRPC methods) opens in place: secrets keep their tokens (current and the
/// overlap's previous one), signing keys their keys, and deliveries sign with them.
@Suite("A store written by the previous build")
struct PreviousBuildStoreTests {
    struct Recorded: Decodable {
        let owner: String
        let tokens: [String: String]
        let signingKeys: [String: String]
    }

    @Test func itOpensKeepsItsSecretsAndSignsWithThem() async throws {
        let fixture = Repo.path("fixtures/stores/sqlite-f219d7c")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-previous-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sigil.sqlite").path
        try FileManager.default.copyItem(atPath: fixture + "/sigil.sqlite", toPath: path)
        let recorded = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: URL(fileURLWithPath: fixture + "/recorded.json")))
        let key = try MasterKey.read(from: fixture + "/master.key")

        let stores = try await SQLiteSecretStore.open(path: path)
        let secrets = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: key))
        let owner = recorded.owner
        let tokens = recorded.tokens
        #expect(try await secrets.list(owner: owner, cursor: nil, limit: 10).secrets.map(\.name) == ["kept", "overlapping", "rotated"])
        #expect(try await secrets.currentToken(owner: owner, name: "kept").token.text == tokens["kept"])
        #expect(try await secrets.currentToken(owner: owner, name: "rotated").version == 2)
        // What signs a delivery now: the current token; the overlap's previous one too while the overlap lasts.
        #expect(
            try await secrets.withSigningToken(owner: owner, name: "rotated") { [$0.current.text] + [$0.previous?.text].compactMap { $0 } } == [
                tokens["rotated"]
            ])
        let overlapping = try await secrets.withSigningToken(owner: owner, name: "overlapping") {
            [$0.current.text] + [$0.previous?.text].compactMap { $0 }
        }
        #expect(overlapping.first == tokens["overlapping"])
        #expect(Set(overlapping).isSubset(of: [tokens["overlapping"], tokens["overlappingPrevious"]].compactMap { $0 }))
        // The signature a receiver checks with the recorded token.
        let body = Array(#"{"event":"create"}"#.utf8)
        let token = try #require(tokens["kept"])
        let signed = try await secrets.withSigningToken(owner: owner, name: "kept") { signing in
            WebhookSigner.wispSignature(secret: signing.current.text, body: body)
        }
        #expect(signed == WebhookSigner.wispSignature(secret: token, body: body))
        // A rotation by presenting the recorded token works (its fingerprint was stored by that build).
        #expect(try await secrets.rotate(presenting: token).secret.version == 2)

        let signingKeys = secrets.signingKeyService(store: stores.signingKeys)
        let published = try await signingKeys.published(owner: owner, name: "deploy-key")
        let recordedKey = try WebhookPublicKey(try #require(recorded.signingKeys["deploy-key"]))
        #expect(published.map(\.publicKey).contains(recordedKey.bytes))
        // And its seed signs: the signature verifies with the recorded public key.
        let seeds = try #require(try await signingKeys.signingSeeds(owner: owner, name: "deploy-key"))
        #expect(try seeds.contains { seed in try WebhookSigningKey(seed: seed).publicKey == recordedKey })
        await stores.close()
    }
}
