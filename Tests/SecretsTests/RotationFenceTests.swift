import Foundation
import Testing

@testable import PostgresStore
@testable import Secrets

/// Lets a test see, from another task, that something happened.
actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}

@Suite("Rotation fence", .serialized)
struct RotationFenceTests {
    static let owner = "did:plc:fenceeeeeeeeeeeeeeeeeeee"

    /// A signer holds the token (its request not yet written); a rotation waits for it; a signer that comes
    /// while the rotation waits queues behind it and gets the new token.
    @Test(arguments: StoreKind.enabled)
    func rotateWaitsForSignersInFlightAndLaterSignersGetTheNewToken(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
            let first = try await service.create(owner: Self.owner, name: "hook").token

            let holding = Flag()
            let rotated = Flag()
            let lateStarted = Flag()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await service.withSigningToken(owner: Self.owner, name: "hook") { keys in
                    let (token, version) = (keys.current, keys.version)
                    await holding.set()
                    for await _ in release.stream { break }
                    return (token, version)
                }
            }
            #expect(try await eventually { await holding.isSet })
            let rotation = Task {
                let result = try await service.rotate(owner: Self.owner, name: "hook")
                await rotated.set()
                return result.token
            }
            #expect(try await eventually { service.fence.waitingWriters(owner: Self.owner, name: "hook") == 1 })
            let late = Task {
                try await service.withSigningToken(owner: Self.owner, name: "hook") { keys in
                    let (token, version) = (keys.current, keys.version)
                    await lateStarted.set()
                    return (token, version, await rotated.isSet)
                }
            }
            // Neither the rotation nor the late signer may go on while the first signer holds the token.
            let rotatedEarly = await rotated.isSet
            let lateEarly = await lateStarted.isSet
            #expect(!rotatedEarly && !lateEarly)

            release.continuation.yield()
            let (held, heldVersion) = try await holder.value
            let second = try await rotation.value
            let (lateToken, lateVersion, rotatedBeforeLate) = try await late.value
            #expect(held == first && heldVersion == 1)
            #expect(lateToken == second && lateVersion == 2)
            #expect(rotatedBeforeLate, "the late signer started only after the rotation returned")
            #expect(service.fence.activeCount == 0)
        }
    }

    /// Across replicas: a signer on one holds the row (`FOR SHARE`); a rotation on another waits on the
    /// row lock until the signer is done, and a signer after it reads the new token.
    @Test(.enabled(if: !StoreKind.skipPostgres))
    func rotateOnOneReplicaWaitsForASignerOnAnother() async throws {
        try await StoreKind.withPostgresReplicas(2) { (replicas) async throws in
            let keys = MasterKeyRing(current: .generate())
            let signer = try await SecretService.open(store: replicas[0], keys: keys)
            let rotator = try await SecretService.open(store: replicas[1], keys: keys)
            let first = try await rotator.create(owner: Self.owner, name: "hook").token

            let holding = Flag()
            let rotated = Flag()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await signer.withSigningToken(owner: Self.owner, name: "hook") { keys in
                    let token = keys.current
                    await holding.set()
                    for await _ in release.stream { break }
                    return token
                }
            }
            #expect(try await eventually { await holding.isSet })
            let rotation = Task {
                let result = try await rotator.rotate(owner: Self.owner, name: "hook")
                await rotated.set()
                return result.token
            }
            // The rotation's transaction is waiting on the signer's row lock (seen from the server itself).
            let schema = replicas[0].tables.schemaName
            #expect(
                try await eventually {
                    let rows = try await replicas[0].read(
                        "test",
                        """
                        SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE \(("%" + schema + "%")) AND query LIKE '%FOR UPDATE%'
                        """)
                    return try rows.first?.decode(Int64.self) ?? 0 >= 1
                })
            let rotatedEarly = await rotated.isSet
            #expect(!rotatedEarly)

            release.continuation.yield()
            #expect(try await holder.value == first)
            let second = try await rotation.value
            let after = try await signer.withSigningToken(owner: Self.owner, name: "hook") { keys in (keys.current, keys.version) }
            #expect(after.0 == second && after.1 == 2)
        }
    }
}
