import Foundation
import Secrets
import Storage
import Testing

/// One suite, every store: the behaviour the secrets service relies on.
@Suite("SecretStore conformance")
struct SecretStoreConformanceTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"

    /// A fake seal that records the version it was asked for.
    static func seal(_ label: String) -> @Sendable (Int64) throws -> [UInt8] {
        { version in Array("\(label)-v\(version)".utf8) }
    }

    @Test(arguments: StoreKind.enabled)
    func createReadAndAudit(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let created = try await store.create(owner: Self.alice, name: "hook", at: 1_000, maxPerOwner: 10, seal: Self.seal("a"))
            #expect(
                created == StoredSecret(owner: Self.alice, name: "hook", version: 1, sealed: Array("a-v1".utf8), createdAt: 1_000, rotatedAt: nil))
            #expect(try await store.current(owner: Self.alice, name: "hook") == created)
            #expect(try await store.current(owner: Self.bob, name: "hook") == nil)
            let audit = try await store.audit(owner: Self.alice, name: nil)
            #expect(audit.count == 1 && audit[0].id > 0)
            #expect(
                audit.first.map { AuditEvent(owner: $0.owner, name: $0.name, action: $0.action, version: $0.version, at: $0.at, by: $0.by) }
                    == AuditEvent(owner: Self.alice, name: "hook", action: .created, version: 1, at: 1_000, by: .account))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func createRefusesDuplicatesAndEnforcesTheLimit(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "a", at: 1, maxPerOwner: 2, seal: Self.seal("x"))
            await #expect(throws: StoreError.alreadyExists) {
                try await store.create(owner: Self.alice, name: "a", at: 2, maxPerOwner: 2, seal: Self.seal("y"))
            }
            _ = try await store.create(owner: Self.alice, name: "b", at: 3, maxPerOwner: 2, seal: Self.seal("x"))
            await #expect(throws: StoreError.limitReached(2)) {
                try await store.create(owner: Self.alice, name: "c", at: 4, maxPerOwner: 2, seal: Self.seal("x"))
            }
            // Another owner has their own namespace and limit.
            _ = try await store.create(owner: Self.bob, name: "a", at: 5, maxPerOwner: 2, seal: Self.seal("b"))
            #expect(try await store.current(owner: Self.alice, name: "a")?.sealed == Array("x-v1".utf8))
            #expect(try await store.list(owner: Self.alice, after: nil, limit: 10).map(\.name) == ["a", "b"])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rotateBumpsTheVersionAndSealsForIt(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "hook", at: 1_000, maxPerOwner: 10, seal: Self.seal("a"))
            let rotated = try await store.rotate(owner: Self.alice, name: "hook", at: 2_000, seal: Self.seal("b"))
            #expect(
                rotated
                    == StoredSecret(
                        owner: Self.alice, name: "hook", version: 2, sealed: Array("b-v2".utf8), createdAt: 1_000, rotatedAt: 2_000,
                        lastRotationBy: .account))
            #expect(try await store.current(owner: Self.alice, name: "hook") == rotated)
            await #expect(throws: StoreError.notFound) {
                try await store.rotate(owner: Self.bob, name: "hook", at: 3_000, seal: Self.seal("c"))
            }
            #expect(try await store.current(owner: Self.alice, name: "hook")?.version == 2)
            #expect(try await store.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .rotated])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aFailingSealWritesNothing(_ kind: StoreKind) async throws {
        struct SealFailed: Error {}
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "hook", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            await #expect(throws: StoreError.self) {
                try await store.rotate(owner: Self.alice, name: "hook", at: 2) { _ in throw SealFailed() }
            }
            #expect(try await store.current(owner: Self.alice, name: "hook")?.version == 1)
            #expect(try await store.audit(owner: Self.alice, name: "hook").count == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func concurrentRotationsAreSerialized(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "hook", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            let versions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<50 {
                    group.addTask { try await store.rotate(owner: Self.alice, name: "hook", at: Int64(10 + i), seal: Self.seal("r")).version }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            // Every rotation got its own version, and the stored one is the last.
            #expect(Set(versions) == Set(2...51))
            let current = try await store.current(owner: Self.alice, name: "hook")
            #expect(current?.version == 51)
            #expect(current?.sealed == Array("r-v51".utf8))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func deleteRemovesAtOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "hook", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            _ = try await store.rotate(owner: Self.alice, name: "hook", at: 2, seal: Self.seal("b"))
            await #expect(throws: StoreError.notFound) { try await store.delete(owner: Self.bob, name: "hook", at: 3) }
            #expect(try await store.delete(owner: Self.alice, name: "hook", at: 4) == 2)
            #expect(try await store.current(owner: Self.alice, name: "hook") == nil)
            await #expect(throws: StoreError.notFound) { try await store.delete(owner: Self.alice, name: "hook", at: 5) }
            await #expect(throws: StoreError.notFound) { try await store.rotate(owner: Self.alice, name: "hook", at: 6, seal: Self.seal("c")) }
            #expect(try await store.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .rotated, .deleted])
            // The name can be used again, starting over at version 1.
            #expect(try await store.create(owner: Self.alice, name: "hook", at: 7, maxPerOwner: 10, seal: Self.seal("d")).version == 1)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func listPagesByName(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            for name in ["c", "a", "e", "b", "d"] {
                _ = try await store.create(owner: Self.alice, name: name, at: 1, maxPerOwner: 10, seal: Self.seal(name))
            }
            _ = try await store.create(owner: Self.bob, name: "zzz", at: 1, maxPerOwner: 10, seal: Self.seal("z"))
            #expect(try await store.list(owner: Self.alice, after: nil, limit: 2).map(\.name) == ["a", "b"])
            #expect(try await store.list(owner: Self.alice, after: "b", limit: 2).map(\.name) == ["c", "d"])
            #expect(try await store.list(owner: Self.alice, after: "d", limit: 2).map(\.name) == ["e"])
            #expect(try await store.list(owner: Self.alice, after: "e", limit: 2).isEmpty)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func resealKeepsVersions(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            _ = try await store.create(owner: Self.alice, name: "a", at: 1, maxPerOwner: 10, seal: Self.seal("a"))
            _ = try await store.create(owner: Self.bob, name: "b", at: 1, maxPerOwner: 10, seal: Self.seal("b"))
            _ = try await store.rotate(owner: Self.bob, name: "b", at: 2, seal: Self.seal("b"))
            let count = try await store.resealAll { secret in
                ResealedSecret(
                    sealed: secret.sealed + Array("+new".utf8), previousSealed: secret.previous.map { $0.sealed + Array("+new".utf8) },
                    fingerprint: [2])
            }
            #expect(count == 2)
            #expect(try await store.current(owner: Self.alice, name: "a")?.sealed == Array("a-v1+new".utf8))
            #expect(try await store.current(owner: Self.bob, name: "b")?.version == 2)
            #expect(try await store.current(owner: Self.bob, name: "b")?.sealed == Array("b-v2+new".utf8))
        }
    }

    @Test(arguments: StoreKind.enabled)
    func metadataAndNonces(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let (store, nonces) = (stores.secrets, stores.nonces)
            #expect(try await store.metadata("check") == nil)
            try await store.setMetadata("check", [1, 2, 3])
            try await store.setMetadata("check", [4, 5])
            #expect(try await store.metadata("check") == [4, 5])
            #expect(try await nonces.claim(issuer: Self.alice, jti: "j1", expiresAt: 200, now: 100))
            #expect(try await nonces.claim(issuer: Self.alice, jti: "j1", expiresAt: 200, now: 150) == false)
            #expect(try await nonces.claim(issuer: Self.bob, jti: "j1", expiresAt: 200, now: 150))
            // Once expired, the id is forgotten.
            #expect(try await nonces.claim(issuer: Self.alice, jti: "j1", expiresAt: 400, now: 300))
        }
    }
}
