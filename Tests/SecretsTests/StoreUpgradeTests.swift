import Foundation
import Lexicon
import SQLiteStore
import Testing

@testable import PostgresStore
@testable import Secrets

/// Stores written before rotation policies existed keep working after the upgrade: tokens, versions and the trail
/// are kept, old events are the account's, and every secret gets the fingerprint rotation by token needs.
@Suite("Upgrading stores written before rotation policies")
struct StoreUpgradeTests {
    struct Recorded: Decodable {
        let owner: String
        let tokens: [String: String]
    }

    /// A SQLite file Sigil wrote at af854d9 (`fixtures/stores/sqlite-0.1-before-rotation-policies`).
    @Test func anOldSQLiteFileMigratesAndItsTokensRotateThemselves() async throws {
        let fixture = Repo.path("fixtures/stores/sqlite-0.1-before-rotation-policies")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: fixture + "/sigil.sqlite", toPath: directory.appendingPathComponent("sigil.sqlite").path)
        let recorded = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: URL(fileURLWithPath: fixture + "/tokens.json")))
        let key = try MasterKey.read(from: fixture + "/master.key")

        let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
        try await store.migrate()
        #expect(try await store.current(owner: recorded.owner, name: "kept")?.fingerprint == nil, "written before fingerprints")
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
        try await Self.checkUpgraded(service, recorded)
        await store.close()
    }

    /// PostgreSQL at schema version 2, with rows as the earlier build wrote them, then migrated.
    @Test(.enabled(if: !StoreKind.skipPostgres))
    func aVersionTwoPostgresSchemaMigrates() async throws {
        let url = try #require(
            StoreKind.testDatabaseURL, "SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        let schema = "upgrade_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try PostgresSecretStore(url: url, schema: schema)
        do {
            let t = store.tables
            try await store.migrate(through: 2)
            // Rows as the version-2 build wrote them: only the v1 columns.
            let key = MasterKey.generate()
            let owner = "did:plc:upgradeaaaaaaaaaaaaaaaaa"
            var tokens: [String: String] = [:]
            for (name, version) in [("kept", Int64(1)), ("rotated", Int64(2))] {
                let token = SigningToken.generate()
                tokens[name] = token.text
                let sealed = SealedToken.seal(token, owner: owner, name: name, version: version, key: key)
                let hex = sealed.map { String(format: "%02x", $0) }.joined()
                _ = try await store.execute(
                    unsafeSQL: """
                        INSERT INTO \(t.secrets) (owner, name, version, sealed, created_at, rotated_at)
                        VALUES ('\(owner)', '\(name)', \(version), '\\x\(hex)', 1000, \(version == 2 ? "2000" : "NULL"))
                        """)
                _ = try await store.execute(
                    unsafeSQL: "INSERT INTO \(t.audit) (owner, name, action, version, at) VALUES ('\(owner)', '\(name)', 'created', 1, 1000)")
            }
            tokens["rotatedBefore"] = SigningToken.generate().text
            _ = try await store.execute(
                unsafeSQL: "INSERT INTO \(t.audit) (owner, name, action, version, at) VALUES ('\(owner)', 'rotated', 'rotated', 2, 2000)")
            _ = try await store.execute(
                unsafeSQL: "INSERT INTO \(t.audit) (owner, name, action, version, at) VALUES ('\(owner)', 'gone', 'created', 1, 1000)")
            _ = try await store.execute(
                unsafeSQL: "INSERT INTO \(t.audit) (owner, name, action, version, at) VALUES ('\(owner)', 'gone', 'deleted', 1, 1500)")

            try await store.migrate()
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
            try await Self.checkUpgraded(service, Recorded(owner: owner, tokens: tokens))
        } catch {
            try? await store.dropSchema()
            await store.close()
            throw error
        }
        try await store.dropSchema()
        await store.close()
    }

    /// kept (v1), rotated (v2) and gone (deleted), as in both fixtures.
    static func checkUpgraded(_ service: SecretService, _ recorded: Recorded) async throws {
        let owner = recorded.owner
        let kept = try #require(recorded.tokens["kept"])
        let rotated = try #require(recorded.tokens["rotated"])
        #expect(try await service.currentToken(owner: owner, name: "kept").token.text == kept)
        #expect(try await service.currentToken(owner: owner, name: "rotated").version == 2)
        #expect(try await service.withSigningToken(owner: owner, name: "rotated") { $0.all.map(\.text) } == [rotated])
        #expect(try await service.list(owner: owner, cursor: nil, limit: 10).secrets.map(\.name) == ["kept", "rotated"])
        // Every event before the upgrade was the account's.
        let trail = try await service.audit(owner: owner, name: nil)
        #expect(!trail.isEmpty && trail.allSatisfy { $0.by == .account }, "\(trail)")
        #expect(try await service.history(owner: owner, name: "gone", cursor: nil, limit: 5).events.map(\.action) == [.deleted, .created])
        let state = try await service.state(owner: owner, name: "kept")
        #expect(state.status == .active && state.secret.policy == RotationPolicy())
        // The fingerprints filled in at open are in the token history: neither token can be registered again.
        for token in [kept, rotated] {
            await #expect(throws: SecretServiceError.invalidRequest(SecretServiceError.tokenReusedMessage)) {
                _ = try await service.create(owner: "did:plc:someoneelseeeeeeeeeeeeee", name: "copy", token: try #require(SigningToken(token)))
            }
        }
        // The fingerprints were filled in at open: each current token rotates itself; an earlier one cannot.
        await #expect(throws: SecretServiceError.invalidToken) {
            try await service.rotate(presenting: try #require(recorded.tokens["rotatedBefore"]))
        }
        let next = try await service.rotate(presenting: kept)
        #expect(next.secret.version == 2 && next.secret.lastRotationBy == .token)
        #expect(try await service.rotate(presenting: rotated).secret.version == 3)
    }
}
