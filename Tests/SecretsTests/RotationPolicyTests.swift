import Foundation
import Secrets
import Storage
import Testing

/// Overlaps, revocation, policies, expiry, status, history and rotation by token: every rule on every store.
@Suite("Rotation policies")
struct RotationPolicyTests {
    static let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
    static let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"

    func withService(_ kind: StoreKind, _ body: @escaping (SecretService, ManualClock) async throws -> Void) async throws {
        try await kind.withStore { (store) async throws in
            let clock = ManualClock()
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()), clock: clock.read)
            try await body(service, clock)
        }
    }

    /// The tokens a delivery would be signed with now.
    func signing(_ service: SecretService, _ name: String, owner: String = alice) async throws -> [SigningToken] {
        try await service.withSigningToken(owner: owner, name: name) { $0.all }
    }

    /// A secret nobody touches after its overlap ends does not keep its previous token sealed in its row: the
    /// periodic settle drops it and records the end; old audit events are pruned with the retention.
    @Test(arguments: StoreKind.enabled)
    func endedOverlapsArePurgedAndOldAuditEventsPruned(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let clock = ManualClock()
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()), clock: clock.read)
            _ = try await service.create(owner: Self.alice, name: "hook")
            _ = try await service.create(owner: Self.bob, name: "idle")
            clock.advance(seconds: 10)
            _ = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 60, by: .account))
            #expect(try await store.current(owner: Self.alice, name: "hook")?.previous != nil)
            #expect(try await service.settleEnded() == 0, "inside the overlap: nothing to settle")
            clock.advance(seconds: 61)
            #expect(try await store.current(owner: Self.alice, name: "hook")?.previous != nil, "still sealed in the row, until settled")
            #expect(try await service.settleEnded() == 1)
            #expect(try await store.current(owner: Self.alice, name: "hook")?.previous == nil, "the previous token is gone from the row")
            #expect(try await store.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .rotated, .overlapEnded])
            #expect(try await service.settleEnded() == 0)

            // Events before the cutoff go; later ones stay.
            let cutoff = clock.now - 30_000
            #expect(try await service.pruneAudit(before: cutoff, batch: 1) == 3, "both creations and the rotation")
            #expect(try await store.audit(owner: Self.alice, name: "hook").map(\.action) == [.overlapEnded])
            #expect(try await store.audit(owner: Self.bob, name: nil).isEmpty)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anOverlapSignsWithBothTokensUntilItsEnd(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            let first = try await service.create(owner: Self.alice, name: "hook").token
            clock.advance(seconds: 10)
            let (second, rotated) = try await service.rotate(
                owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 60, by: .account))
            #expect(rotated.previous?.validUntil == clock.now + 60_000)
            #expect(try await signing(service, "hook") == [second, first])
            let state = try await service.state(owner: Self.alice, name: "hook")
            #expect(state.status == .overlapping && state.previousValidUntil == clock.now + 60_000)
            #expect(state.message?.contains("version 1") == true)

            clock.advance(milliseconds: 59_999)
            #expect(try await signing(service, "hook") == [second, first])
            clock.advance(milliseconds: 1)
            #expect(try await signing(service, "hook") == [second], "the window's end is exclusive")
            #expect(try await service.state(owner: Self.alice, name: "hook").status == .active)
            // The ended overlap shows in the history at once, and is stored at the next write.
            #expect(
                try await service.history(owner: Self.alice, name: "hook", cursor: nil, limit: 10).events.map(\.action)
                    == [.overlapEnded, .rotated, .created])
            _ = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(overlapSeconds: 5))
            let events = try await service.audit(owner: Self.alice, name: "hook")
            #expect(events.map(\.action) == [.created, .rotated, .overlapEnded, .policySet])
            #expect(events[2].at == rotated.previous?.validUntil && events[2].by == nil)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func onlyTwoTokensLiveARotationInsideAnOverlapNeedsForce(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            let first = try await service.create(owner: Self.alice, name: "hook").token
            let second = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 300, by: .account)).token
            let until = clock.now + 300_000
            clock.advance(seconds: 1)
            await #expect(throws: SecretServiceError.rotationInProgress("hook", until: until)) {
                try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 300, by: .account))
            }
            #expect(try await signing(service, "hook") == [second, first], "a refused rotation changed nothing")
            let third = try await service.rotate(
                owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 300, force: true, by: .account)
            ).token
            #expect(try await signing(service, "hook") == [third, second], "force killed the oldest token; two remain")
            #expect(try await service.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .rotated, .previousRevoked, .rotated])
            // wisp's rotate ends everything: only the newest token signs.
            let fourth = try await service.rotate(owner: Self.alice, name: "hook").token
            #expect(try await signing(service, "hook") == [fourth])
            await #expect(throws: SecretServiceError.invalidRequest("overlapSeconds must be 0 to 86400")) {
                try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 86_401, by: .account))
            }
            await #expect(throws: SecretServiceError.invalidRequest("overlapSeconds must be 0 to 86400")) {
                try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: -1, by: .account))
            }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func revokePreviousEndsTheOverlapNow(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            _ = try await service.create(owner: Self.alice, name: "hook")
            await #expect(throws: SecretServiceError.noPreviousToken("hook")) { try await service.revokePrevious(owner: Self.alice, name: "hook") }
            let second = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 600, by: .account)).token
            clock.advance(seconds: 2)
            let (secret, revokedAt) = try await service.revokePrevious(owner: Self.alice, name: "hook")
            #expect(secret.previous == nil && revokedAt == clock.now)
            #expect(try await signing(service, "hook") == [second])
            await #expect(throws: SecretServiceError.noPreviousToken("hook")) { try await service.revokePrevious(owner: Self.alice, name: "hook") }
            await #expect(throws: SecretServiceError.notFound("hook")) { try await service.revokePrevious(owner: Self.bob, name: "hook") }
            // A new rotation is allowed at once.
            _ = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 600, by: .account))
            #expect(try await service.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .rotated, .previousRevoked, .rotated])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func thePolicyOverlapIsTheDefaultAndCanBeOverridden(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            _ = try await service.create(owner: Self.alice, name: "hook")
            let policy = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(overlapSeconds: 120)).policy
            #expect(policy == RotationPolicy(overlapSeconds: 120))
            let rotated = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(by: .account)).secret
            #expect(rotated.previous?.validUntil == clock.now + 120_000)
            clock.advance(seconds: 121)
            let none = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 0, by: .account)).secret
            #expect(none.previous == nil)
            // Clearing every field clears the policy.
            #expect(try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy()).policy == RotationPolicy())
            for (policy, message) in [
                (RotationPolicy(overlapSeconds: 86_401), "overlapSeconds must be 0 to 86400"),
                (RotationPolicy(rotationPeriodSeconds: 59), "rotationPeriodSeconds must be 60 to 31536000"),
                (RotationPolicy(rotationPeriodSeconds: Int64.max), "rotationPeriodSeconds must be 60 to 31536000"),
                (RotationPolicy(expiresAt: clock.now), "expiresAt must be in the future"),
            ] {
                await #expect(throws: SecretServiceError.invalidRequest(message)) {
                    try await service.setPolicy(owner: Self.alice, name: "hook", policy)
                }
            }
        }
    }

    @Test(arguments: StoreKind.enabled)
    func aRotationPeriodExpiresTheSecretUntilTheAccountRotatesIt(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            let first = try await service.create(owner: Self.alice, name: "hook").token
            _ = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(overlapSeconds: 30, rotationPeriodSeconds: 3_600))
            let created = clock.now
            #expect(try await service.state(owner: Self.alice, name: "hook").secret.rotationDueAt == created + 3_600_000)
            clock.advance(seconds: 3_599)
            #expect(try await signing(service, "hook") == [first])
            clock.advance(seconds: 1)
            // Expired, by name (a signing that succeeds or fails otherwise is red), with the period as the reason.
            let unsigned = await failure { try await signing(service, "hook") }
            #expect(isExpired(unsigned, at: created + 3_600_000), "\(String(describing: unsigned))")
            if case .expired(_, _, let reason)? = unsigned { #expect(reason.contains("rotation period of 3600 s"), "\(reason)") }
            let state = try await service.state(owner: Self.alice, name: "hook")
            #expect(state.status == .expired && state.message?.contains("not rotated within its rotation period") == true)
            // The token itself cannot rotate any more; the account can, and the period starts again (no overlap:
            // an expired token never signs again).
            await #expect(throws: SecretServiceError.invalidToken) { try await service.rotate(presenting: first.text) }
            let (second, rotated) = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(by: .account))
            #expect(rotated.previous == nil && rotated.expiredAt == nil)
            #expect(try await signing(service, "hook") == [second])
            #expect(try await service.state(owner: Self.alice, name: "hook").secret.rotationDueAt == clock.now + 3_600_000)
            #expect(try await service.audit(owner: Self.alice, name: "hook").map(\.action) == [.created, .policySet, .expired, .rotated])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func anAbsoluteExpiryIsNeverExtendedByRotation(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            _ = try await service.create(owner: Self.alice, name: "hook")
            let expiry = clock.now + 7_200_000
            _ = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(rotationPeriodSeconds: 5_000, expiresAt: expiry))
            clock.advance(seconds: 3_000)
            let (token, rotated) = try await service.rotate(
                owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 86_400, by: .account))
            #expect(rotated.expiresAt == expiry, "the next rotation deadline is later than the absolute expiry")
            clock.advance(seconds: 4_199)
            #expect(try await signing(service, "hook").count == 2)
            clock.advance(seconds: 1)
            let unsigned = await failure { try await signing(service, "hook") }
            #expect(isExpired(unsigned, at: expiry), "\(String(describing: unsigned))")
            await #expect(throws: SecretServiceError.expired("hook", at: expiry, reason: "its absolute expiry, which rotation never extends")) {
                try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(force: true, by: .account))
            }
            let unforced = await failure { try await service.rotate(owner: Self.alice, name: "hook") }
            #expect(isExpired(unforced, at: expiry), "\(String(describing: unforced))")
            await #expect(throws: SecretServiceError.invalidToken) { try await service.rotate(presenting: token.text) }
            // Moving the expiry does not revive the expired token; a rotation then does.
            _ = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(expiresAt: clock.now + 86_400_000))
            let stillExpired = await failure { try await signing(service, "hook") }
            #expect(isExpired(stillExpired), "\(String(describing: stillExpired))")
            let fresh = try await service.rotate(owner: Self.alice, name: "hook").token
            #expect(try await signing(service, "hook") == [fresh])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rotationByPresentingTheToken(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            let first = try await service.create(owner: Self.alice, name: "hook").token
            let bobs = try await service.create(owner: Self.bob, name: "hook").token
            _ = try await service.setPolicy(owner: Self.alice, name: "hook", RotationPolicy(overlapSeconds: 60))
            #expect(try await service.secret(presenting: first.text).owner == Self.alice)

            let (second, rotated) = try await service.rotate(presenting: first.text)
            #expect(rotated.owner == Self.alice && rotated.lastRotationBy == .token && rotated.previous?.validUntil == clock.now + 60_000)
            #expect(try await signing(service, "hook") == [second, first])
            // The previous token (still signing in the overlap) cannot rotate; neither can a wrong one, nor one
            // differing in one character, nor junk; the answers are all the same.
            var near = Array(second.text)
            near[near.count - 2] = near[near.count - 2] == "A" ? "B" : "A"
            for wrong in [
                first.text, String(near), "whsec_" + Data(repeating: 7, count: 32).base64EncodedString(), "whsec_", "", "junk",
                String(repeating: "w", count: 100_000),
            ] {
                await #expect(throws: SecretServiceError.invalidToken) { try await service.rotate(presenting: wrong) }
            }
            // The current token in a live overlap: RotationInProgress (no force by token).
            await #expect(throws: SecretServiceError.rotationInProgress("hook", until: clock.now + 60_000)) {
                try await service.rotate(presenting: second.text)
            }
            clock.advance(seconds: 60)
            let third = try await service.rotate(presenting: second.text).token
            // Another account's token rotates that account's secret, never alice's.
            let bobsNext = try await service.rotate(presenting: bobs.text)
            #expect(bobsNext.secret.owner == Self.bob)
            #expect(try await signing(service, "hook") == [third, second])
            #expect(try await signing(service, "hook", owner: Self.bob) == [bobsNext.token])
            #expect(try await service.audit(owner: Self.alice, name: "hook").filter { $0.action == .rotated }.map(\.by) == [.token, .token])
        }
    }

    /// The condition of a rotation by token is the token itself: a secret deleted and created again under the same
    /// name (version 1 again) between the lookup and the commit is not rotated by the deleted token.
    @Test(arguments: StoreKind.enabled)
    func aDeletedTokenCannotRotateTheSecretThatReplacedIt(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let key = MasterKey.generate()
            let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
            let leaked = try await service.create(owner: Self.alice, name: "hook").token
            let found = try await service.secret(presenting: leaked.text)
            #expect(found.version == 1)
            _ = try await service.delete(owner: Self.alice, name: "hook")
            let fresh = try await service.create(owner: Self.alice, name: "hook").token
            // What rotate(presenting:) does after its lookup, now that the row is another secret's.
            await #expect(throws: SecretServiceError.invalidToken) {
                try await service.rotate(
                    owner: Self.alice, name: "hook",
                    request: RotationRequest(by: .token, expectedFingerprints: [TokenFingerprint.of(leaked, key: key)]))
            }
            await #expect(throws: SecretServiceError.invalidToken) { try await service.rotate(presenting: leaked.text) }
            #expect(try await service.currentToken(owner: Self.alice, name: "hook").token == fresh)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func twoRotationsByOneTokenCannotBothWin(_ kind: StoreKind) async throws {
        try await withService(kind) { service, _ in
            let token = try await service.create(owner: Self.alice, name: "hook").token
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { (try? await service.rotate(presenting: token.text)) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1, "\(results)")
            #expect(try await service.state(owner: Self.alice, name: "hook").secret.version == 2)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func historyPagesNewestFirst(_ kind: StoreKind) async throws {
        try await withService(kind) { service, clock in
            _ = try await service.create(owner: Self.alice, name: "hook")
            for _ in 0..<6 {
                clock.advance(seconds: 1)
                _ = try await service.rotate(owner: Self.alice, name: "hook")
            }
            _ = try await service.create(owner: Self.alice, name: "other")
            var versions: [Int64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await service.history(owner: Self.alice, name: "hook", cursor: cursor, limit: 3)
                versions += page.events.map(\.version)
                cursor = page.cursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(versions == [7, 6, 5, 4, 3, 2, 1] && pages == 3)
            // An overlap that ended since the last write is recorded before the page is read: pages stay `limit` long.
            _ = try await service.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 60, by: .account))
            clock.advance(seconds: 61)
            let first = try await service.history(owner: Self.alice, name: "hook", cursor: nil, limit: 3)
            let actions: [AuditEvent.Action] = first.events.map(\.action)
            #expect(actions == [.overlapEnded, .rotated, .rotated])
            #expect(first.cursor != nil)
            let again = try await service.history(owner: Self.alice, name: "hook", cursor: nil, limit: 3)
            #expect(again.events == first.events, "recorded once")
            await #expect(throws: SecretServiceError.invalidRequest("cursor is not one this method returned")) {
                try await service.history(owner: Self.alice, name: "hook", cursor: "-5", limit: 3)
            }
            await #expect(throws: SecretServiceError.notFound("nope")) {
                try await service.history(owner: Self.alice, name: "nope", cursor: nil, limit: 3)
            }
            await #expect(throws: SecretServiceError.notFound("hook")) {
                try await service.history(owner: Self.bob, name: "hook", cursor: nil, limit: 3)
            }
            // A deleted secret keeps its trail.
            _ = try await service.delete(owner: Self.alice, name: "hook")
            #expect(try await service.history(owner: Self.alice, name: "hook", cursor: nil, limit: 1).events.map(\.action) == [.deleted])
        }
    }

    @Test(arguments: StoreKind.enabled)
    func rekeyKeepsThePreviousTokenAndTheFingerprint(_ kind: StoreKind) async throws {
        try await kind.withStores { stores in
            let store = stores.secrets
            let clock = ManualClock()
            let oldKey = MasterKey.generate()
            let before = try await SecretService.open(store: store, keys: MasterKeyRing(current: oldKey), clock: clock.read)
            let first = try await before.create(owner: Self.alice, name: "hook").token
            let second = try await before.rotate(owner: Self.alice, name: "hook", request: RotationRequest(overlapSeconds: 600, by: .account)).token
            let ring = MasterKeyRing(current: .generate(), previous: [oldKey])
            let during = try await SecretService.open(store: store, keys: ring, clock: clock.read)
            // Not re-keyed yet: the row still carries the fingerprint under the old key, found through the ring.
            #expect(try await during.secret(presenting: second.text).name == "hook")
            #expect(try await during.rekey(signingKeys: stores.signingKeys) == 1)
            let after = try await SecretService.open(store: store, keys: MasterKeyRing(current: ring.current), clock: clock.read)
            #expect(try await after.withSigningToken(owner: Self.alice, name: "hook") { $0.all } == [second, first])
            #expect(try await after.secret(presenting: second.text).name == "hook")
        }
    }
}

/// Whether `error` is `name`'s expiry (at `expected`, when given): the one failure an expired secret may have.
private func isExpired(_ error: SecretServiceError?, _ name: String = "hook", at expected: Int64? = nil) -> Bool {
    guard case .expired(name, let at, _)? = error else { return false }
    return expected == nil || at == expected
}

/// The ``SecretServiceError`` `body` throws; nil when it returns or throws anything else.
private func failure<T>(_ body: () async throws -> T) async -> SecretServiceError? {
    do {
        _ = try await body()
        return nil
    } catch let error as SecretServiceError {
        return error
    } catch {
        return nil
    }
}
