import Foundation
import Logging
import PostgresStore
import Secrets
import Sodium
import Storage
import Testing
import Webhooks

/// Signing keys against both stores: one name space with secrets, sealed seeds, rotation and overlap, schedules
/// with the next key announced, and scheduled rotations made once across replicas and after a restart.
@Suite("Signing keys")
struct SigningKeyTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"
    static let day: Int64 = 86_400_000

    static func service(_ stores: Stores, clock: ManualClock, keys: MasterKeyRing = MasterKeyRing(current: .generate())) throws -> SigningKeyService {
        SigningKeyService(store: stores.signingKeys, keys: keys, maxPerOwner: 3, clock: clock.read)
    }

    @Test(arguments: StoreKind.enabled)
    func createGetListDeleteAndOneNameSpaceWithSecrets(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock()
            let keys = MasterKeyRing(current: .generate())
            let service = try Self.service(stores, clock: clock, keys: keys)
            let secrets = try await SecretService.open(store: store, keys: keys, clock: clock.read)
            let key = try await service.create(owner: Self.alice, name: "hook")
            #expect(key.version == 1 && key.publicKey.count == 32 && key.createdAt == clock.now)
            #expect(try await service.get(owner: Self.alice, name: "hook").publicKey == key.publicKey)
            #expect(try await service.list(owner: Self.alice).map(\.name) == ["hook"])
            // The other account sees nothing of it.
            await #expect(throws: SigningKeyError.notFound("hook")) { try await service.get(owner: Self.bob, name: "hook") }
            #expect(try await service.list(owner: Self.bob).isEmpty)
            // A name is a secret or a signing key: each refuses the other's.
            await #expect(throws: SigningKeyError.alreadyExists("hook")) { try await service.create(owner: Self.alice, name: "hook") }
            await #expect(throws: SecretServiceError.alreadyExists("hook")) { try await secrets.create(owner: Self.alice, name: "hook") }
            _ = try await secrets.create(owner: Self.alice, name: "token")
            await #expect(throws: SigningKeyError.alreadyExists("token")) { try await service.create(owner: Self.alice, name: "token") }
            _ = try await secrets.create(owner: Self.bob, name: "hook")  // another account's name space
            // The cap.
            _ = try await service.create(owner: Self.alice, name: "two")
            _ = try await service.create(owner: Self.alice, name: "three")
            await #expect(throws: SigningKeyError.limitReached(3)) { try await service.create(owner: Self.alice, name: "four") }
            // The seed is stored sealed: never the seed itself.
            let seeds = try #require(try await service.signingSeeds(owner: Self.alice, name: "hook"))
            let stored = try #require(try await service.store.signingKey(owner: Self.alice, name: "hook"))
            #expect(seeds.count == 1 && Sodium.Ed25519.keyPair(seed: seeds[0])?.publicKey == key.publicKey)
            #expect(stored.sealed.firstRange(of: seeds[0]) == nil && stored.sealed.count > 32)
            // Another master key opens none of it.
            let stranger = SigningKeyService(store: service.store, keys: MasterKeyRing(current: .generate()), clock: clock.read)
            await #expect(throws: SigningKeyError.undecryptable("hook")) { try await stranger.signingSeeds(owner: Self.alice, name: "hook") }
            #expect(try await service.signingSeeds(owner: Self.alice, name: "nope") == nil)

            try await service.delete(owner: Self.alice, name: "hook")
            await #expect(throws: SigningKeyError.notFound("hook")) { try await service.delete(owner: Self.alice, name: "hook") }
            #expect(try await service.signingSeeds(owner: Self.alice, name: "hook") == nil)
            _ = try await secrets.create(owner: Self.alice, name: "hook")  // the name is free again
        }
    }

    /// With an overlap the old key signs beside the new one until it ends; without one it stops at once.
    /// Never more than two keys sign.
    @Test(arguments: StoreKind.enabled)
    func rotationKeepsTheOldKeyForTheOverlapOnly(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock()
            let service = try Self.service(stores, clock: clock)
            let first = try await service.create(owner: Self.alice, name: "hook")
            clock.advance(seconds: 10)
            let second = try await service.rotate(owner: Self.alice, name: "hook", overlapSeconds: 600)
            #expect(second.version == 2 && second.publicKey != first.publicKey && second.lastRotationManual == true)
            #expect(second.publicKey == first.next?.publicKey, "the key announced at creation took over")
            let announced = try #require(second.next?.publicKey)
            #expect(second.previous?.publicKey == first.publicKey && second.previous?.validUntil == clock.now + 600_000)
            let seeds = try #require(try await service.signingSeeds(owner: Self.alice, name: "hook"))
            #expect(seeds.compactMap { Sodium.Ed25519.keyPair(seed: $0)?.publicKey } == [second.publicKey, first.publicKey], "newest first")
            #expect(try await service.published(owner: Self.alice, name: "hook").map(\.publicKey) == [second.publicKey, first.publicKey, announced])

            clock.advance(seconds: 600)
            #expect(try await service.signingSeeds(owner: Self.alice, name: "hook")?.count == 1, "the overlap ended")
            #expect(try await service.published(owner: Self.alice, name: "hook").map(\.publicKey) == [second.publicKey, announced])
            #expect(try await service.get(owner: Self.alice, name: "hook").previous == nil)
            // The retired seed is removed from the store by the next look (not kept until some later write).
            #expect(try await service.store.signingKey(owner: Self.alice, name: "hook")?.previous != nil)
            #expect(await service.rotateDue() == 0)
            #expect(try await service.store.signingKey(owner: Self.alice, name: "hook")?.previous == nil)

            let third = try await service.rotate(owner: Self.alice, name: "hook", overlapSeconds: 600)
            let fourth = try await service.rotate(owner: Self.alice, name: "hook", overlapSeconds: nil)  // the key's own overlap: 0
            #expect(fourth.previous == nil && fourth.publicKey != third.publicKey)
            #expect(try await service.signingSeeds(owner: Self.alice, name: "hook")?.count == 1)
            await #expect(throws: SigningKeyError.invalidRequest("overlapSeconds must be 0–86400, not 86401")) {
                try await service.rotate(owner: Self.alice, name: "hook", overlapSeconds: 86_401)
            }
            await #expect(throws: SigningKeyError.notFound("nope")) { try await service.rotate(owner: Self.alice, name: "nope", overlapSeconds: nil) }
        }
    }

    /// A schedule announces the next key at once (published with its start); the due rotation makes it current,
    /// keeps the old one for the overlap, announces another and sets the next due time an interval on, at the
    /// time of day asked.
    @Test(arguments: StoreKind.enabled)
    func aScheduleAnnouncesTheNextKeyAndRotatesOnTime(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock(1_800_000_000_000)  // 2027-01-15T08:00:00Z
            let service = try Self.service(stores, clock: clock)
            let created = try await service.create(owner: Self.alice, name: "hook")
            let scheduled = try await service.setSchedule(
                owner: Self.alice, name: "hook", SigningKeySchedule(intervalDays: 7, minuteOfDay: 180),
                overlapSeconds: 3600)
            let due = try #require(scheduled.nextRotationAt)
            #expect(due == 1_800_000_000_000 - 8 * 3_600_000 + 8 * Self.day + 3 * 3_600_000, "the first 03:00 UTC at least 7 days on")
            let announced = try #require(scheduled.next)
            #expect(
                try await service.published(owner: Self.alice, name: "hook")
                    == [
                        PublishedSigningKey(publicKey: created.publicKey, validFrom: created.validFrom, validUntil: due + 3_600_000),
                        PublishedSigningKey(publicKey: announced.publicKey, validFrom: due, validUntil: nil),
                    ])
            #expect(try await service.signingSeeds(owner: Self.alice, name: "hook")?.count == 1, "the announced key does not sign yet")

            clock.set(due - 1)
            #expect(await service.rotateDue() == 0, "not yet")
            clock.set(due + 5_000)
            #expect(await service.rotateDue() == 1)
            #expect(await service.rotateDue() == 0, "once")
            let rotated = try await service.get(owner: Self.alice, name: "hook")
            #expect(rotated.version == 2 && rotated.publicKey == announced.publicKey && rotated.lastRotationManual == false)
            #expect(rotated.previous?.publicKey == created.publicKey && rotated.previous?.validUntil == due + 5_000 + 3_600_000)
            #expect(rotated.nextRotationAt == due + 7 * Self.day, "from the due time, not from when it ran: no drift")
            #expect(rotated.next != nil && rotated.next?.publicKey != announced.publicKey)
            #expect(rotated.lastStatus == "rotated" && rotated.lastMessage == "rotated on schedule (every 7 days)")

            // Down for three intervals: one rotation, and the next due time is in the future.
            clock.set(due + 22 * Self.day)
            #expect(await service.rotateDue() == 1)
            #expect(await service.rotateDue() == 0)
            #expect(try await service.get(owner: Self.alice, name: "hook").nextRotationAt ?? 0 > clock.now)

            // Removing the schedule keeps the announced key (a manual rotation will promote it).
            let off = try await service.setSchedule(owner: Self.alice, name: "hook", nil, overlapSeconds: nil)
            #expect(off.schedule == nil && off.next != nil && off.nextRotationAt == nil)
            await #expect(throws: SigningKeyError.invalidRequest("intervalDays must be 1–365, not 366")) {
                try await service.setSchedule(owner: Self.alice, name: "hook", SigningKeySchedule(intervalDays: 366), overlapSeconds: nil)
            }
        }
    }

    /// Two replicas on one PostgreSQL database whose schedulers both find the key due at once: exactly one
    /// rotates it. New replicas (a restart) find the next due rotation and make it, once.
    @Test(.enabled(if: !StoreKind.skipPostgres))
    func aScheduledRotationHappensOnceAcrossReplicasAndAgainAfterARestart() async throws {
        let clock = ManualClock(1_800_000_000_000)
        let keys = MasterKeyRing(current: .generate())
        let (stores, cleanUp) = try await StoreKind.openPostgresReplicas(4)
        do {
            let first = stores[0...1].map { SigningKeyService(store: $0, keys: keys, clock: clock.read) }
            _ = try await first[0].create(owner: Self.alice, name: "hook")
            let scheduled = try await first[1].setSchedule(owner: Self.alice, name: "hook", SigningKeySchedule(intervalDays: 1), overlapSeconds: 60)
            clock.set(try #require(scheduled.nextRotationAt))
            async let x = first[0].rotateDue()
            async let y = first[1].rotateDue()
            let firstRound = await (x, y)
            #expect(firstRound.0 + firstRound.1 == 1, "both replicas' schedulers at once: \(firstRound)")
            for _ in 0..<5 {
                // Both replicas' schedulers at the same instant, several times over.
                async let a = first[0].rotateDue()
                async let b = first[1].rotateDue()
                _ = await (a, b)
            }
            let once = try await first[0].get(owner: Self.alice, name: "hook")
            #expect(once.version == 2, "rotated \(once.version - 1) times")
            for store in stores[0...1] { await store.close() }

            // A restart: new replicas on the same database pick up the stored schedule.
            let restarted = stores[2...3].map { SigningKeyService(store: $0, keys: keys, clock: clock.read) }
            clock.set(try #require(once.nextRotationAt) + 1)
            async let c = restarted[0].rotateDue()
            async let d = restarted[1].rotateDue()
            let counts = await (c, d)
            #expect(counts.0 + counts.1 == 1)
            #expect(try await restarted[1].get(owner: Self.alice, name: "hook").version == 3)
            await cleanUp()
        } catch {
            await cleanUp()
            throw error
        }
    }

    @Test(arguments: [("00:00", Int64(0)), ("03:00", 180), ("23:59", 1439), ("12:30", 750)])
    func timesOfDayParse(_ text: String, _ minute: Int64) {
        #expect(SigningKeySchedule.minuteOfDay(text) == minute)
        #expect(SigningKeySchedule.text(minuteOfDay: minute) == text)
    }

    @Test(arguments: ["24:00", "3:00", "03:60", "03-00", "0300", "", "03:00Z", "ab:cd", "-1:00", "０３:00"])
    func badTimesOfDayAreRefused(_ text: String) {
        #expect(SigningKeySchedule.minuteOfDay(text) == nil)
    }

    /// Due times: interval days on; with a time of day, the first such time from then (so at least the interval apart).
    @Test func dueTimes() {
        let base: Int64 = 1_800_000_000_000  // 08:00 UTC
        #expect(SigningKeySchedule(intervalDays: 1).next(after: base) == base + Self.day)
        #expect(SigningKeySchedule(intervalDays: 1, minuteOfDay: 8 * 60).next(after: base) == base + Self.day)
        #expect(SigningKeySchedule(intervalDays: 1, minuteOfDay: 7 * 60).next(after: base) == base + 2 * Self.day - 3_600_000)
        #expect(SigningKeySchedule(intervalDays: 365, minuteOfDay: 0).next(after: base) == base + 366 * Self.day - 8 * 3_600_000)
        // Set at 23:59 for every day at 00:00: the first rotation a day and a minute later, never a minute later.
        let lateEvening: Int64 = 1_800_000_000_000 - 8 * 3_600_000 + Self.day - 60_000
        #expect(SigningKeySchedule(intervalDays: 1, minuteOfDay: 0).next(after: lateEvening) == lateEvening + Self.day + 60_000)
        for minute in stride(from: Int64(0), to: 1440, by: 7) {
            let next = SigningKeySchedule(intervalDays: 3, minuteOfDay: minute).next(after: lateEvening)
            #expect(next >= lateEvening + 3 * Self.day && next < lateEvening + 4 * Self.day && (next % Self.day) / 60_000 == minute)
        }
    }
}

extension SigningKeyTests {
    /// A master-key re-key re-seals every seed (current, previous, announced next): afterwards the new key alone
    /// opens them, the old one none.
    @Test(arguments: StoreKind.enabled)
    func aRekeyResealsEverySeed(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock()
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let before = try Self.service(stores, clock: clock, keys: MasterKeyRing(current: old))
            for name in ["a", "b", "c"] { _ = try await before.create(owner: Self.alice, name: name) }
            _ = try await before.rotate(owner: Self.alice, name: "a", overlapSeconds: 600)
            _ = try await before.setSchedule(owner: Self.alice, name: "b", SigningKeySchedule(intervalDays: 1), overlapSeconds: nil)
            let during = try Self.service(stores, clock: clock, keys: MasterKeyRing(current: new, previous: [old]))
            #expect(try await during.rekey() == 3)
            let after = try Self.service(stores, clock: clock, keys: MasterKeyRing(current: new))
            let stale = try Self.service(stores, clock: clock, keys: MasterKeyRing(current: old))
            #expect(try await after.signingSeeds(owner: Self.alice, name: "a")?.count == 2, "current and previous open under the new key")
            for name in ["a", "b", "c"] {
                await #expect(throws: SigningKeyError.undecryptable(name)) { try await stale.signingSeeds(owner: Self.alice, name: name) }
            }
            // The announced key, re-sealed too, still becomes current on schedule.
            clock.advance(seconds: 86_401)
            #expect(await after.rotateDue() == 1)
            #expect(try await after.signingSeeds(owner: Self.alice, name: "b")?.count == 1)
        }
    }
}

extension SigningKeyTests {
    /// The scheduler service itself: it sleeps until the earliest due rotation and makes it.
    @Test func theSchedulerRotatesWhenDue() async throws {
        try await StoreKind.sqlite.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock()
            let service = try Self.service(stores, clock: clock)
            _ = try await service.create(owner: Self.alice, name: "hook")
            let scheduled = try await service.setSchedule(owner: Self.alice, name: "hook", SigningKeySchedule(intervalDays: 1), overlapSeconds: 0)
            let scheduler = SigningKeyScheduler(keys: service, logger: Logger(label: "test"), maxWait: .milliseconds(20))
            let running = Task { try await scheduler.run() }
            #expect(try await service.get(owner: Self.alice, name: "hook").version == 1)
            clock.set(try #require(scheduled.nextRotationAt))
            #expect(try await eventually { try await service.get(owner: Self.alice, name: "hook").version == 2 })
            running.cancel()
            _ = try? await running.value
        }
    }
}

extension SigningKeyTests {
    /// A secret and a signing key of the same name created at the same instant on two PostgreSQL replicas: one
    /// wins, the other answers AlreadyExists, for every name.
    @Test(.enabled(if: !StoreKind.skipPostgres))
    func oneNameSpaceHoldsAcrossReplicas() async throws {
        let keys = MasterKeyRing(current: .generate())
        let (stores, cleanUp) = try await StoreKind.openPostgresReplicas(2)
        do {
            let secrets = try await SecretService.open(store: stores[0], keys: keys)
            let signing = SigningKeyService(store: stores[1], keys: keys, maxPerOwner: 100)
            for index in 0..<20 {
                let name = "n\(index)"
                async let secret: Bool = (try? await secrets.create(owner: Self.alice, name: name)) != nil
                async let key: Bool = (try? await signing.create(owner: Self.alice, name: name)) != nil
                let (madeSecret, madeKey) = await (secret, key)
                #expect(madeSecret != madeKey, "\(name): secret \(madeSecret), signing key \(madeKey)")
            }
            await cleanUp()
        } catch {
            await cleanUp()
            throw error
        }
    }
}

/// The signer decision holds one fence for secrets and signing keys: a signing-key service that does not share it
/// (or the backend) would rotate past a signer's hold, so it is refused rather than used.
@Suite("One fence for the signer decision")
struct DeliverySignerFenceTests {
    @Test func aSigningKeyServiceOfAnotherFenceOrStoreIsRefused() async throws {
        try await StoreKind.sqlite.withStores { stores in
            let keys = MasterKeyRing(current: .generate())
            let secrets = try await SecretService.open(store: stores.secrets, keys: keys)
            _ = try await secrets.create(owner: alice, name: "deploy")
            let own = secrets.signingKeyService(store: stores.signingKeys)
            let signed = try await secrets.withDeliverySigner(owner: alice, name: "deploy", signingKeys: own) { signer in
                if case .hmac = signer { return true }
                return false
            }
            #expect(signed)
            let foreign = SigningKeyService(store: stores.signingKeys, keys: keys)  // a fence of its own
            await #expect(throws: DeliverySignerError.self) {
                try await secrets.withDeliverySigner(owner: alice, name: "deploy", signingKeys: foreign) { _ in () }
            }
        }
    }
}
