import Foundation
import Storage
import Testing

@testable import Secrets

/// Every store keeps the fingerprints of every token it ever held and refuses to hold one twice, atomically
/// with the write that would (nothing half-written).
@Suite("Token history conformance")
struct TokenHistoryConformanceTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"

    static func seal(_ label: String) -> @Sendable (Int64) throws -> [UInt8] {
        { version in Array("\(label)-v\(version)".utf8) }
    }

    static func rotation(to record: [UInt8]) -> @Sendable (StoredSecret) throws(StoreError) -> SecretChange {
        { secret throws(StoreError) in
            var change = try SecretRules.rotate(
                secret, RotationRequest(overlapSeconds: 0, force: true, by: .account), at: 50, fingerprint: record
            ) { _ in Array("rotated".utf8) }
            change.tokenRecord = record
            return change
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aFingerprintIsHeldOnce(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let first = [UInt8](repeating: 1, count: 32)
            let second = [UInt8](repeating: 2, count: 32)
            #expect(try await store.tokenWasUsed(fingerprints: [first]) == false)
            _ = try await store.create(
                owner: Self.alice, name: "a", at: 1, maxPerOwner: 10, fingerprint: first, tokenRecord: first, seal: Self.seal("a"))
            #expect(try await store.tokenWasUsed(fingerprints: [second, first]))

            // Another secret with the same token: refused, and not created.
            await #expect(throws: StoreError.tokenReused) {
                _ = try await store.create(
                    owner: Self.bob, name: "b", at: 2, maxPerOwner: 10, fingerprint: first, tokenRecord: first, seal: Self.seal("b"))
            }
            #expect(try await store.current(owner: Self.bob, name: "b") == nil)
            #expect(try await store.audit(owner: Self.bob, name: nil).isEmpty)

            // A rotation to a new token is recorded; back to the old one is refused, and the row stays as it was.
            _ = try await store.update(owner: Self.alice, name: "a", Self.rotation(to: second))
            let rotated = try #require(try await store.current(owner: Self.alice, name: "a"))
            await #expect(throws: StoreError.tokenReused) {
                _ = try await store.update(owner: Self.alice, name: "a", Self.rotation(to: first))
            }
            #expect(try await store.current(owner: Self.alice, name: "a") == rotated)
            #expect(try await store.audit(owner: Self.alice, name: "a").count == 2, "created and rotated; no event of the refused rotation")

            // Two rotations of one secret to one token (racing past the service's check): the second is refused.
            let third = [UInt8](repeating: 3, count: 32)
            _ = try await store.update(owner: Self.alice, name: "a", Self.rotation(to: third))
            await #expect(throws: StoreError.tokenReused) {
                _ = try await store.update(owner: Self.alice, name: "a", Self.rotation(to: third))
            }
            #expect(try await store.current(owner: Self.alice, name: "a")?.version == 3)

            // A change that keeps the token (a policy, an overlap ending) records nothing and is not refused.
            _ = try await store.update(owner: Self.alice, name: "a") { secret throws(StoreError) in SecretChange(secret: secret, events: []) }

            // Deleting a secret does not free its tokens.
            _ = try await store.delete(owner: Self.alice, name: "a", at: 60)
            #expect(try await store.tokenWasUsed(fingerprints: [second]))
            await #expect(throws: StoreError.tokenReused) {
                _ = try await store.create(
                    owner: Self.alice, name: "a", at: 70, maxPerOwner: 10, fingerprint: second, tokenRecord: second, seal: Self.seal("c"))
            }
        }
    }

    /// Replicas racing to register one token: one wins, the others are refused.
    @Test(.enabled(if: StoreKind.enabled.contains(.postgres)))
    func replicasRacingForOneTokenRegisterItOnce() async throws {
        try await StoreKind.withPostgresReplicas(3) { (stores) async throws in
            let fingerprint = [UInt8](repeating: 9, count: 32)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<30 {
                    let store = stores[i % stores.count]
                    group.addTask {
                        do {
                            _ = try await store.create(
                                owner: "did:plc:racer\(i)", name: "hook", at: 1, maxPerOwner: 10, fingerprint: fingerprint, tokenRecord: fingerprint,
                                seal: Self.seal("r"))
                            return true
                        } catch StoreError.tokenReused {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "\(outcomes)")
        }
    }

    /// The history outlives the master key: after a re-key and the old key dropped from the ring, a token held
    /// before (a dead one, and another secret's previous token still live in an overlap) is still refused.
    @Test(arguments: StoreKind.enabled)
    func tokensAreRecognizedAfterTheMasterKeyIsReplaced(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let dead = try SigningToken.supplied("a-token-that-died-before-the-rekey-000")
            let overlapping = try SigningToken.supplied("a-previous-token-live-in-an-overlap-00")
            let before = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: old))
            _ = try await before.create(owner: Self.alice, name: "a", token: dead)
            _ = try await before.rotate(owner: Self.alice, name: "a")
            _ = try await before.create(owner: Self.bob, name: "b", token: overlapping)
            _ = try await before.rotate(owner: Self.bob, name: "b", request: RotationRequest(overlapSeconds: 3_600, force: false, by: .account))

            let during = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: new, previous: [old]))
            _ = try await during.rekeyAll(signingKeys: stores.signingKeys)
            let after = try await SecretService.open(store: stores.secrets, keys: MasterKeyRing(current: new))
            for token in [dead, overlapping] {
                await #expect(throws: SecretServiceError.invalidRequest(SecretServiceError.tokenReusedMessage)) {
                    _ = try await after.create(owner: "did:plc:someoneelseeeeeeeeeeeeee", name: "copy", token: token)
                }
            }
            _ = try await after.create(
                owner: "did:plc:someoneelseeeeeeeeeeeeee", name: "fresh",
                token: SigningToken.supplied("never-held-before-" + String(repeating: "z", count: 20)))
        }
    }
}
