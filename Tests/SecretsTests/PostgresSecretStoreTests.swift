import Foundation
import Testing

@testable import PostgresStore
@testable import Secrets

/// What only the PostgreSQL store promises: several replicas (here: several stores on one schema, each with its
/// own connection pool) writing at once, and its connection URL.
@Suite("PostgresSecretStore", .disabled(if: StoreKind.skipPostgres, "SIGIL_SKIP_POSTGRES=1"), .tags(.postgres), .kinds(.postgres))
struct PostgresSecretStoreTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"

    static func closeAll(_ stores: [PostgresSecretStore]) async {
        for store in stores { await store.close() }
    }

    static func seal(_ label: String) -> @Sendable (Int64) throws -> [UInt8] {
        { version in Array("\(label)-v\(version)".utf8) }
    }

    @Test func migrateIsIdempotent() async throws {
        try await StoreKind.withPostgresReplicas(2) { (stores) async throws in
            try await stores[0].migrate()
            try await stores[1].migrate()
            _ = try await stores[0].create(owner: Self.alice, name: "a", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            try await stores[1].migrate()
            #expect(try await stores[1].current(owner: Self.alice, name: "a")?.version == 1)
        }
    }

    @Test func rotationsOnSeveralReplicasAreSerialized() async throws {
        try await StoreKind.withPostgresReplicas(3) { (stores) async throws in
            _ = try await stores[0].create(owner: Self.alice, name: "hook", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            let versions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<60 {
                    let store = stores[i % stores.count]
                    group.addTask { try await store.rotate(owner: Self.alice, name: "hook", at: Int64(10 + i), seal: Self.seal("r")).version }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(versions.sorted() == Array(2...61))
            let current = try await stores[2].current(owner: Self.alice, name: "hook")
            #expect(current?.version == 61)
            #expect(current?.sealed == Array("r-v61".utf8))
            let audit = try await stores[1].audit(owner: Self.alice, name: "hook")
            #expect(audit.count == 61)
            #expect(audit.map(\.version) == Array(1...61))
        }
    }

    @Test func theLimitHoldsAcrossReplicas() async throws {
        try await StoreKind.withPostgresReplicas(3) { (stores) async throws in
            let outcomes = await withTaskGroup(of: Result<StoredSecret, StoreError>.self) { group in
                for i in 0..<30 {
                    let store = stores[i % stores.count]
                    group.addTask {
                        do throws(StoreError) {
                            return .success(try await store.create(owner: Self.alice, name: "s\(i)", at: 1, maxPerOwner: 5, seal: Self.seal("x")))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: [Result<StoredSecret, StoreError>]()) { $0.append($1) }
            }
            let created = outcomes.filter { if case .success = $0 { true } else { false } }
            let refused = outcomes.filter { if case .failure(.limitReached(5)) = $0 { true } else { false } }
            #expect(created.count == 5)
            #expect(refused.count == 25)
            #expect(try await stores[0].list(owner: Self.alice, after: nil, limit: 100).count == 5)
        }
    }

    @Test func oneNameCreatedOnceAcrossReplicas() async throws {
        try await StoreKind.withPostgresReplicas(2) { (stores) async throws in
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<10 {
                    let store = stores[i % stores.count]
                    group.addTask {
                        (try? await store.create(owner: Self.alice, name: "same", at: 1, maxPerOwner: 50, seal: Self.seal("\(i)"))) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await stores[1].audit(owner: Self.alice, name: "same").count == 1)
        }
    }

    @Test func aNonceIsClaimedOnceAcrossReplicas() async throws {
        try await StoreKind.withPostgresReplicas(3) { (stores) async throws in
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<30 {
                    let store = stores[i % stores.count]
                    group.addTask { try await store.claimNonce(issuer: Self.alice, jti: "once", expiresAt: 1_000, now: 100) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 }.count == 1)
            // Expired: one replica may take it again, and only one.
            #expect(try await stores[1].claimNonce(issuer: Self.alice, jti: "once", expiresAt: 3_000, now: 1_000))
            #expect(try await stores[2].claimNonce(issuer: Self.alice, jti: "once", expiresAt: 3_000, now: 1_001) == false)
        }
    }

    @Test func resealAllCoversMoreThanOneBatch() async throws {
        try await StoreKind.withPostgresReplicas(1) { (stores) async throws in
            let store = stores[0]
            let owners = ["did:plc:a", "did:plc:b", "did:plc:c"]
            let count = PostgresSecretStore.resealBatchSize * 2 + 7
            for i in 0..<count {
                _ = try await store.create(
                    owner: owners[i % owners.count], name: String(format: "n%04d", i), at: 1,
                    maxPerOwner: count, seal: Self.seal("old"))
            }
            #expect(
                try await store.resealAll { secret in
                    ResealedSecret(sealed: Array("new-\(secret.owner)-\(secret.name)-v\(secret.version)".utf8), previousSealed: nil, fingerprint: [1])
                } == count)
            for i in [0, 1, PostgresSecretStore.resealBatchSize, count - 1] {
                let owner = owners[i % owners.count]
                let name = String(format: "n%04d", i)
                let secret = try await store.current(owner: owner, name: name)
                #expect(secret?.sealed == Array("new-\(owner)-\(name)-v1".utf8))
                #expect(secret?.version == 1)
            }
        }
    }

    @Test func aFailingResealWritesNothingInItsBatch() async throws {
        struct Refused: Error {}
        try await StoreKind.withPostgresReplicas(1) { (stores) async throws in
            let store = stores[0]
            _ = try await store.create(owner: Self.alice, name: "a", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            _ = try await store.create(owner: Self.alice, name: "b", at: 1, maxPerOwner: 10, seal: Self.seal("b"))
            await #expect(throws: StoreError.self) {
                try await store.resealAll { secret in
                    if secret.name == "b" { throw Refused() }
                    return ResealedSecret(sealed: [0], previousSealed: nil, fingerprint: [0])
                }
            }
            #expect(try await store.current(owner: Self.alice, name: "a")?.sealed == Array("a-v1".utf8))
        }
    }

    @Test func namesAreOrderedByteWise() async throws {
        try await StoreKind.withPostgresReplicas(1) { (stores) async throws in
            let store = stores[0]
            for name in ["b", "B", "a", "_", "A", "é", "z"] {
                _ = try await store.create(owner: Self.alice, name: name, at: 1, maxPerOwner: 10, seal: Self.seal(name))
            }
            #expect(try await store.list(owner: Self.alice, after: nil, limit: 10).map(\.name) == ["A", "B", "_", "a", "b", "z", "é"])
            #expect(try await store.list(owner: Self.alice, after: "_", limit: 2).map(\.name) == ["a", "b"])
        }
    }

    @Test func closedStoreAnswersUnavailable() async throws {
        try await StoreKind.withPostgresReplicas(1) { (stores) async throws in
            await stores[0].close()
            await #expect {
                try await stores[0].current(owner: Self.alice, name: "a")
            } throws: { error in
                guard case .unavailable = error as? StoreError else { return false }
                return true
            }
        }
    }

    @Test func migrateReportsAServerItCannotUseAtOnce() async throws {
        guard let url = StoreKind.testDatabaseURL, var wrongPassword = URLComponents(string: url) else {
            throw StoreKindError("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        }
        wrongPassword.password = "wrong-hunter2"
        for candidate in [wrongPassword.string ?? "", "postgres://u:hunter2@127.0.0.1:1/db"] {
            let store = try PostgresSecretStore(url: candidate, schema: "unused")
            let started = ContinuousClock.now
            do {
                try await store.migrate()
                Issue.record("migrate succeeded")
            } catch {
                guard case .unavailable(let message) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(!message.contains("hunter2"))
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            await store.close()
        }
    }

    @Test func badSettingsAreRefusedWithoutEchoingThem() throws {
        for schema in ["", "1abc", "a-b", "a\"b", "a;drop", String(repeating: "x", count: 64)] {
            #expect(throws: StoreError.self) {
                try PostgresSecretStore(url: "postgres://u:p@127.0.0.1/db", schema: schema)
            }
        }
        for url in [
            "http://u:hunter2@host/db", "postgres://u:hunter2@host/db?sslmode=bogus", "postgres://u:hunter2@host:0/db",
            "not a url at all hunter2",
        ] {
            do {
                _ = try PostgresSecretStore(url: url)
                Issue.record("accepted \(url)")
            } catch {
                guard case .unavailable(let message) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(!message.contains("hunter2"))
            }
        }
    }

    @Test func urlComponents() throws {
        let parsed = try PostgresURLConfiguration("postgresql://us%40er:p%3Ass%2Fw@db.example:6543/my%20db?sslmode=require&application_name=sigil")
            .configuration
        #expect(parsed.host == "db.example")
        #expect(parsed.port == 6543)
        #expect(parsed.username == "us@er")
        #expect(parsed.password == "p:ss/w")
        #expect(parsed.database == "my db")
        #expect(parsed.options.additionalStartupParameters.contains { $0.0 == "application_name" && $0.1 == "sigil" })

        let defaults = try PostgresURLConfiguration("postgres://sigil@localhost/sigil").configuration
        #expect(defaults.port == 5432)
        #expect(defaults.password == nil)

        let socket = try PostgresURLConfiguration("postgres://sigil@/sigil?host=/var/run/postgresql").configuration
        #expect(socket.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")

        let v6 = try PostgresURLConfiguration("postgres://sigil:pw@[::1]:5433/sigil").configuration
        #expect(v6.host == "::1")
        #expect(v6.port == 5433)
    }
}
