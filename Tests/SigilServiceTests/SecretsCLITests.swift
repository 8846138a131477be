import Foundation
import Lexicon
import SQLiteStore
import Secrets
import Testing
import WebhookSignature

/// `sigil secrets audit | new-master-key | rekey | sign`, run as a user would, against a store made here.
@Suite("sigil secrets", .tags(.process), .kinds(.process))
struct SecretsCLITests {
    static func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func newMasterKeyWritesAPrivateFileAndNeverOverwrites() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/new.key"
        let made = try await runSigil(["secrets", "new-master-key", path])
        #expect(made.status == 0, "\(made.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let key = try #require(FileManager.default.contents(atPath: path))
        #expect(!made.stdout.contains(String(decoding: key, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), "the key was printed")

        let again = try await runSigil(["secrets", "new-master-key", path])
        #expect(again.status != 0)
        #expect(again.stderr.contains(path), "the error names the file: \(again.stderr)")
        #expect(FileManager.default.contents(atPath: path) == key, "an existing key file was overwritten")
    }

    @Test func auditRekeyAndSign() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = directory + "/old.key"
        let new = directory + "/new.key"
        try MasterKey.generate().write(to: old)
        let store = try SQLiteSecretStore(path: directory + "/sigil.sqlite")
        try await store.migrate()
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: try MasterKey.read(from: old)))
        _ = try await service.create(owner: alice, name: "a")
        let rotated = try await service.rotate(owner: alice, name: "a").token
        let other = try await service.create(owner: alice, name: "b").token
        _ = try await service.create(owner: bob, name: "c")
        await store.close()
        let base = ["--data-dir", directory]

        // The audit trail: one JSON line per event, the owner's only, never a token.
        let audit = try await runSigil(["secrets", "audit", "--did", alice, "--master-key-file", old] + base)
        #expect(audit.status == 0, "\(audit.stderr)")
        let events = try audit.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(
            events.map { "\($0["name"]?.stringValue ?? "")/\($0["action"]?.stringValue ?? "")/\($0["version"]?.integerValue ?? 0)" }
                == ["a/created/1", "a/rotated/2", "b/created/1"])
        #expect(events.allSatisfy { $0["owner"] == .string(alice) && Datetime.isValid($0["at"]?.stringValue ?? "") })
        #expect(!audit.stdout.contains("whsec_"))
        let onlyB = try await runSigil(["secrets", "audit", "--did", alice, "--name", "b", "--master-key-file", old] + base)
        #expect(onlyB.stdout.split(separator: "\n").count == 1)

        // Re-key: a new key, both keys given; afterwards the new key alone opens every token, unchanged.
        #expect(try await runSigil(["secrets", "new-master-key", new]).status == 0)
        let wrongKey = try await runSigil(["secrets", "sign", "--did", alice, "--name", "a", "--master-key-file", new] + base, stdin: "x")
        #expect(wrongKey.status != 0, "a key that sealed nothing opened a token")
        #expect(!wrongKey.stderr.contains("whsec_"))
        let rekey = try await runSigil(["secrets", "rekey", "--master-key-file", new, "--previous-master-key-file", old] + base)
        #expect(rekey.status == 0, "\(rekey.stderr)")
        #expect(rekey.stdout.contains("re-sealed 3 secrets"), "\(rekey.stdout)")
        for (name, token) in [("a", rotated), ("b", other)] {
            let signed = try await runSigil(["secrets", "sign", "--did", alice, "--name", name, "--master-key-file", new] + base, stdin: "body")
            #expect(signed.status == 0, "\(signed.stderr)")
            #expect(
                signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    == WebhookSigner.wispSignature(secret: token.text, body: Array("body".utf8)))
        }
        let retired = try await runSigil(["secrets", "sign", "--did", alice, "--name", "a", "--master-key-file", old] + base, stdin: "x")
        #expect(retired.status != 0, "the retired key still opens a token after the re-key")
        // Re-keying again is harmless.
        #expect(try await runSigil(["secrets", "rekey", "--master-key-file", new] + base).status == 0)
    }
}
