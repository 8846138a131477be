import Foundation
import SQLiteStore
import Secrets
import SigilTestSupport
import Sodium
import Storage
import Testing

@Suite("Signing tokens and sealing")
struct SealingTests {
    @Test func tokenFormat() {
        let token = SigningToken.generate()
        #expect(token.text.hasPrefix("whsec_"))
        #expect(Data(base64Encoded: String(token.text.dropFirst(6)))?.count == 32)
        #expect(token.standardWebhooksKey.count == 32)
        #expect(token.wispKey == Array(token.text.utf8))
        #expect(token != SigningToken.generate())
        #expect(!"\(token)".contains(token.text.dropFirst(6)))
        #expect(SigningToken("whsec_short") == nil)
        #expect(SigningToken("nope") == nil)
    }

    @Test func sealedValuesOnlyOpenInTheirRowAndVersion() {
        let keys = MasterKeyRing(current: .generate())
        let token = SigningToken.generate()
        let sealed = SealedToken.seal(token, owner: "did:plc:a", name: "hook", version: 3, key: keys.current)
        func stored(_ owner: String, _ name: String, _ version: Int64) -> StoredSecret {
            StoredSecret(owner: owner, name: name, version: version, sealed: sealed, createdAt: 0, rotatedAt: nil)
        }
        #expect(SealedToken.open(stored("did:plc:a", "hook", 3), keys: keys) == token)
        #expect(SealedToken.open(stored("did:plc:b", "hook", 3), keys: keys) == nil)
        #expect(SealedToken.open(stored("did:plc:a", "other", 3), keys: keys) == nil)
        #expect(SealedToken.open(stored("did:plc:a", "hook", 2), keys: keys) == nil)
        #expect(SealedToken.open(stored("did:plc:a", "hook", 3), keys: MasterKeyRing(current: .generate())) == nil)
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(
            SealedToken.open(StoredSecret(owner: "did:plc:a", name: "hook", version: 3, sealed: tampered, createdAt: 0, rotatedAt: nil), keys: keys)
                == nil)
        #expect(!sealed.contains(subsequence: Array(token.text.utf8)))
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        let mac = Sodium.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Sodium.constantTimeEqual(mac, mac))
        #expect(!Sodium.constantTimeEqual(mac, Array(mac.dropLast()) + [0]))
        #expect(!Sodium.constantTimeEqual(mac, Array(mac.dropLast())))
    }
}

@Suite("Secret service")
struct SecretServiceTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"

    @Test(arguments: StoreKind.enabled)
    func rotationReplacesTheTokenAtOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
            let (first, _) = try await service.create(owner: Self.alice, name: "hook")
            #expect(try await service.currentToken(owner: Self.alice, name: "hook").token == first)
            let (second, secret) = try await service.rotate(owner: Self.alice, name: "hook")
            #expect(secret.version == 2)
            #expect(second != first)
            let current = try await service.currentToken(owner: Self.alice, name: "hook")
            #expect(current.token == second && current.version == 2)
            _ = try await service.delete(owner: Self.alice, name: "hook")
            await #expect(throws: SecretServiceError.notFound("hook")) { try await service.currentToken(owner: Self.alice, name: "hook") }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func wrongMasterKeyFailsLoudly(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
            await #expect(throws: SecretServiceError.wrongMasterKey) {
                try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
            }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rekeyMovesEverySecretToTheNewKey(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let before = try await SecretService.open(store: store, keys: MasterKeyRing(current: old))
            var tokens: [String: SigningToken] = [:]
            for name in ["a", "b", "c"] { tokens[name] = try await before.create(owner: Self.alice, name: name).token }
            tokens["b"] = try await before.rotate(owner: Self.alice, name: "b").token

            // During the re-key, replicas run with the new key and the old one as previous.
            let during = try await SecretService.open(store: store, keys: MasterKeyRing(current: new, previous: [old]))
            #expect(try await during.currentToken(owner: Self.alice, name: "a").token == tokens["a"])
            #expect(try await during.rekey(signingKeys: stores.signingKeys) == 3)

            let after = try await SecretService.open(store: store, keys: MasterKeyRing(current: new))
            for (name, token) in tokens { #expect(try await after.currentToken(owner: Self.alice, name: name).token == token) }
            #expect(try await after.currentToken(owner: Self.alice, name: "b").version == 2)
            await #expect(throws: SecretServiceError.wrongMasterKey) { try await SecretService.open(store: store, keys: MasterKeyRing(current: old)) }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func listPagesWithACursorAndNeverShowsTokens(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
            var tokens: [SigningToken] = []
            for name in ["a", "b", "c"] { tokens.append(try await service.create(owner: Self.alice, name: name).token) }
            tokens.append(try await service.rotate(owner: Self.alice, name: "b").token)
            let first = try await service.list(owner: Self.alice, cursor: nil, limit: 2)
            #expect(first.secrets.map(\.name) == ["a", "b"])
            #expect(first.cursor == "b")
            let second = try await service.list(owner: Self.alice, cursor: first.cursor, limit: 2)
            #expect(second.secrets.map(\.name) == ["c"])
            #expect(second.cursor == nil)
            // No page carries a token, a token's key bytes or a sealed token: not in any field, not when printed.
            for summary in first.secrets + second.secrets {
                let shown = "\(summary) \(String(reflecting: summary))"
                let fields = Mirror(reflecting: summary).children.map { "\($0.label ?? ""):\($0.value)" }.joined(separator: " ")
                for token in tokens {
                    let secret = String(token.text.dropFirst("whsec_".count))
                    #expect(!shown.contains(secret) && !fields.contains(secret), "\(summary.name) shows a token")
                }
                #expect(!fields.contains("whsec_") && !fields.lowercased().contains("sealed"), "\(fields)")
            }
            #expect(first.secrets.first { $0.name == "b" }?.rotatedAt != nil, "the page shows the rotation, not its token")
        }
    }

    @Test func noPlaintextTokenInTheSQLiteFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-grep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
        try await store.migrate()
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
        var tokens: [SigningToken] = []
        for i in 0..<20 {
            tokens.append(try await service.create(owner: Self.alice, name: "s\(i)").token)
            tokens.append(try await service.rotate(owner: Self.alice, name: "s\(i)").token)
        }
        // Inspect the database, WAL and shared-memory files while the store is open (the WAL holds recent pages).
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.contains { $0.hasSuffix("-wal") })
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            for token in tokens {
                #expect(!bytes.contains(subsequence: Array(token.text.utf8)), "\(file) holds a token")
                #expect(!bytes.contains(subsequence: token.standardWebhooksKey), "\(file) holds a token's key bytes")
            }
        }
        await store.close()
    }
}

/// PostgreSQL at rest: the cluster's files (tables, indexes, WAL) hold sealed tokens only, once written out.
@Suite("PostgreSQL at rest", .tags(.postgres), .kinds(.postgres))
struct PostgresAtRestTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"

    @Test(
        .enabled(
            if: !StoreKind.skipPostgres && ProcessInfo.processInfo.environment["SIGIL_TEST_POSTGRES_DATA"] != nil,
            "needs the cluster .ci/test starts (SIGIL_TEST_POSTGRES_DATA)"))
    func noPlaintextTokenInTheClusterFilesAfterACheckpoint() async throws {
        let data = ProcessInfo.processInfo.environment["SIGIL_TEST_POSTGRES_DATA"]!
        try await StoreKind.withPostgresReplicas(1) { (stores) async throws in
            let service = try await SecretService.open(store: stores[0], keys: MasterKeyRing(current: .generate()))
            var tokens: [SigningToken] = []
            for i in 0..<5 {
                tokens.append(try await service.create(owner: Self.alice, name: "s\(i)").token)
                tokens.append(try await service.rotate(owner: Self.alice, name: "s\(i)").token)
            }
            // Everything reaches the data files and the WAL.
            _ = try await stores[0].execute(unsafeSQL: "CHECKPOINT")
            // The scan (tens of MiB) runs on a thread of its own, off the cooperative pool.
            let needles = tokens.map { (text: Array($0.text.utf8), key: Array($0.standardWebhooksKey)) }
            let (scanned, findings) = try await onItsOwnThread { () -> (Int, [String]) in
                let files = FileManager.default.enumerator(atPath: data)?.compactMap { $0 as? String } ?? []
                var scanned = 0
                var findings: [String] = []
                for file in files {
                    let path = data + "/" + file
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                        let contents = FileManager.default.contents(atPath: path)
                    else { continue }
                    scanned += contents.count
                    for needle in needles {
                        if Self.find(needle.text, in: contents) { findings.append("\(file) holds a token") }
                        if Self.find(needle.key, in: contents) { findings.append("\(file) holds a token's key bytes") }
                    }
                }
                return (scanned, findings)
            }
            #expect(findings.isEmpty, "\(findings)")
            // The scan saw the cluster (WAL segments alone are 16 MiB each), and the sealed rows are there.
            #expect(scanned > 16 << 20)
            let rows = try await stores[0].execute(unsafeSQL: "SELECT count(*) FROM \"\(stores[0].schema)\".secrets")
            #expect(try rows.first?.decode(Int64.self) == 5)
        }
    }

    /// Foundation's search: the cluster is tens of MiB, too much for a byte-by-byte loop in a debug build.
    static func find(_ needle: [UInt8], in haystack: Data) -> Bool {
        haystack.range(of: Data(needle)) != nil
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && Array(self[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }
}

@Suite("Key files")
struct KeyFileTests {
    @Test func concurrentFirstRunsAgreeOnOneMasterKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("master.key").path
        let ids = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<16 { group.addTask { try MasterKey.loadOrCreate(at: path).key.id } }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: MasterKey.Failure.self) { try MasterKey.generate().write(to: path) }
    }
}
