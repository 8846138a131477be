import Foundation
import Sodium

/// Why a signing-key operation failed; messages never contain key material.
public enum SigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case limitReached(Int)
    /// A stored seed would not open (tampered or moved row, unknown master key); it is never used.
    case undecryptable(String)
    case invalidRequest(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound(let name): "no signing key named \(name)"
        case .alreadyExists(let name): "this account already has a secret or signing key named \(name)"
        case .limitReached(let limit): "this account already has the maximum of \(limit) signing keys; delete one first"
        case .undecryptable(let name): "the stored key of \(name) cannot be opened"
        case .invalidRequest(let message): message
        case .unavailable(let reason): "storage unavailable: \(reason)"
        }
    }

    init(_ error: StoreError, name: String) {
        switch error {
        case .notFound: self = .notFound(name)
        case .alreadyExists: self = .alreadyExists(name)
        case .limitReached(let limit): self = .limitReached(limit)
        case .unavailable(let reason): self = .unavailable(reason)
        default: self = .unavailable("\(error)")
        }
    }
}

/// Per-account Ed25519 signing keys (Standard Webhooks `v1a`): seeds from libsodium's CSPRNG, sealed at rest
/// under the master key, never returned; public keys published for receivers. Every read goes to the store.
public struct SigningKeyService: Sendable {
    public let store: any SigningKeyStore
    let keys: MasterKeyRing
    public let maxPerOwner: Int
    let clock: @Sendable () -> Int64
    /// Keeps rotation and deletion of a key apart from signing with it, in this process: the same fence as the
    /// secrets' (a name is a secret or a signing key), so one shared hold covers whichever it is.
    let fence: SigningFence
    public static let maxOverlapSeconds: Int64 = 86_400

    public init(
        store: any SigningKeyStore, keys: MasterKeyRing, maxPerOwner: Int = 100, fence: SigningFence = SigningFence(),
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds
    ) {
        self.store = store
        self.keys = keys
        self.maxPerOwner = maxPerOwner
        self.fence = fence
        self.clock = clock
    }

    /// The service's clock (ms).
    public func now() -> Int64 { clock() }

    static func associatedData(owner: String, name: String, version: Int64) -> [UInt8] {
        Array("sigil:signing-key:v1\u{0}\(owner)\u{0}\(name)\u{0}\(version)".utf8)
    }

    /// A new seed for `version`, sealed, and its public key. The seed is wiped once sealed.
    func material(owner: String, name: String, version: Int64) -> SigningKeyRules.Material {
        var seed = Sodium.randomBytes(Sodium.Ed25519.seedBytes)
        defer { Sodium.wipe(&seed) }
        let pair = Sodium.Ed25519.keyPair(seed: seed)!  // 32 bytes: always a key pair
        return (
            SealedToken.seal(seed, associatedData: Self.associatedData(owner: owner, name: name, version: version), key: keys.current),
            pair.publicKey
        )
    }

    public func create(owner: String, name: String) async throws(SigningKeyError) -> StoredSigningKey {
        let now = clock()
        let (sealed, publicKey) = material(owner: owner, name: name, version: 1)
        // The next key is announced from the start: a rotation always promotes a key receivers could have fetched.
        let next = material(owner: owner, name: name, version: 2)
        let key = StoredSigningKey(
            owner: owner, name: name, version: 1, sealed: sealed, publicKey: publicKey, createdAt: now, validFrom: now,
            next: .init(version: 2, sealed: next.sealed, publicKey: next.publicKey, announcedAt: now))
        do {
            try await store.createSigningKey(key, maxPerOwner: maxPerOwner)
        } catch {
            throw SigningKeyError(error, name: name)
        }
        return key
    }

    /// The key as it is now (an ended overlap shown as ended).
    public func get(owner: String, name: String) async throws(SigningKeyError) -> StoredSigningKey {
        guard let key = try await stored(owner: owner, name: name) else { throw .notFound(name) }
        return SigningKeyRules.settle(key, at: clock())
    }

    /// The stored row, or nil; store failures as ``SigningKeyError``.
    private func stored(owner: String, name: String) async throws(SigningKeyError) -> StoredSigningKey? {
        do {
            return try await store.signingKey(owner: owner, name: name)
        } catch {
            throw SigningKeyError(error, name: name)
        }
    }

    public func list(owner: String) async throws(SigningKeyError) -> [StoredSigningKey] {
        let now = clock()
        do {
            return try await store.signingKeys(owner: owner).map { SigningKeyRules.settle($0, at: now) }
        } catch {
            throw SigningKeyError(error, name: "")
        }
    }

    public func delete(owner: String, name: String) async throws(SigningKeyError) {
        let store = self.store
        do {
            try await fence.withExclusive(owner: owner, name: name) { try await store.deleteSigningKey(owner: owner, name: name) }
        } catch let error as StoreError {
            throw SigningKeyError(error, name: name)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// The account's rotation: the next key signs from now; the old one also signs for `overlapSeconds`
    /// (0–86,400; the key's overlap if nil).
    public func rotate(owner: String, name: String, overlapSeconds: Int64?) async throws(SigningKeyError) -> StoredSigningKey {
        if let overlapSeconds, !(0...Self.maxOverlapSeconds).contains(overlapSeconds) {
            throw .invalidRequest("overlapSeconds must be 0–\(Self.maxOverlapSeconds), not \(overlapSeconds)")
        }
        let (clock, service) = (self.clock, self)
        return try await update(owner: owner, name: name) { key throws(StoreError) in
            try SigningKeyRules.rotate(key, overlapSeconds: overlapSeconds, manual: true, at: clock()) { version in
                service.material(owner: owner, name: name, version: version)
            }
        }
    }

    /// Sets the rotation schedule (nil: none) and, if given, the overlap rotations keep.
    public func setSchedule(owner: String, name: String, _ schedule: SigningKeySchedule?, overlapSeconds: Int64?) async throws(SigningKeyError)
        -> StoredSigningKey
    {
        if let schedule, !SigningKeySchedule.intervalDays.contains(schedule.intervalDays) {
            throw .invalidRequest("intervalDays must be 1–365, not \(schedule.intervalDays)")
        }
        if let minute = schedule?.minuteOfDay, !(0..<1440).contains(minute) { throw .invalidRequest("at must be a UTC time hh:mm") }
        if let overlapSeconds, !(0...Self.maxOverlapSeconds).contains(overlapSeconds) {
            throw .invalidRequest("overlapSeconds must be 0–\(Self.maxOverlapSeconds), not \(overlapSeconds)")
        }
        let (clock, service) = (self.clock, self)
        return try await update(owner: owner, name: name) { key throws(StoreError) in
            try SigningKeyRules.setSchedule(key, schedule, overlapSeconds: overlapSeconds, at: clock()) { version in
                service.material(owner: owner, name: name, version: version)
            }
        }
    }

    /// The public keys a receiver should accept now.
    public func published(owner: String, name: String) async throws(SigningKeyError) -> [PublishedSigningKey] {
        SigningKeyRules.published(try await get(owner: owner, name: name), at: clock())
    }

    /// The seeds that sign a delivery now, newest first (the current key, then one in its overlap); nil when
    /// the owner has no signing key of that name. The caller wipes them after use.
    public func signingSeeds(owner: String, name: String) async throws(SigningKeyError) -> [[UInt8]]? {
        guard let key = try await stored(owner: owner, name: name) else { return nil }
        return try liveSeeds(of: key)
    }

    /// The seeds of `key` that sign now, newest first; a previous seed that will not open is left out, never fatal.
    func liveSeeds(of key: StoredSigningKey) throws(SigningKeyError) -> [[UInt8]] {
        guard let current = open(key.sealed, owner: key.owner, name: key.name, version: key.version) else { throw .undecryptable(key.name) }
        var seeds = [current]
        if let previous = key.livePrevious(at: clock()),
            let seed = open(previous.sealed, owner: key.owner, name: key.name, version: previous.version)
        {
            seeds.append(seed)
        }
        return seeds
    }

    func open(_ sealed: [UInt8], owner: String, name: String, version: Int64) -> [UInt8]? {
        SealedToken.open(sealed, associatedData: Self.associatedData(owner: owner, name: name, version: version), keys: keys)
    }

    /// Makes every scheduled rotation that is due (at most `limit`), and removes the sealed seeds of previous keys
    /// whose overlap has ended: each under its row lock, after checking it is still due, so of several replicas
    /// exactly one rotates a key. Returns how many keys this call rotated.
    public func rotateDue(limit: Int = 100) async -> Int {
        let now = clock()
        guard let due = try? await store.dueSigningKeys(now: now, limit: limit) else { return 0 }
        var rotated = 0
        for (owner, name) in due {
            switch await rotateIfDue(owner: owner, name: name, now: now) {
            case .rotated: rotated += 1
            case .settled, .notDue: continue
            case .failed(let seen):
                // Recorded only on the row as this replica saw it: a rotation that did commit (the answer was lost)
                // or another replica's is never marked failed and retried.
                _ = try? await store.updateSigningKey(owner: owner, name: name) { key throws(StoreError) in
                    guard key.version == seen.version, key.nextRotationAt == seen.nextRotationAt else { throw StoreError.stale }
                    return SigningKeyRules.failed(key, reason: "the scheduled rotation could not be stored; retrying in a minute", at: now)
                }
            }
        }
        return rotated
    }

    enum DueOutcome {
        case rotated, settled, notDue
        case failed(seen: (version: Int64, nextRotationAt: Int64?))
    }

    func rotateIfDue(owner: String, name: String, now: Int64) async -> DueOutcome {
        let seen = Seen()
        do {
            let key = try await exclusively(owner: owner, name: name) { [self] key throws(StoreError) in
                seen.set((key.version, key.nextRotationAt))
                if let scheduled = key.nextRotationAt, scheduled <= now {
                    return try SigningKeyRules.rotate(key, overlapSeconds: nil, manual: false, at: now, scheduledFor: scheduled) { version in
                        material(owner: owner, name: name, version: version)
                    }
                }
                guard let previous = key.previous, previous.validUntil <= now else { throw StoreError.stale }  // another replica did it
                return SigningKeyRules.settle(key, at: now)
            }
            return key.rotatedAt == now && key.lastRotationManual == false ? .rotated : .settled
        } catch .stale, .notFound {
            return .notDue
        } catch {
            return seen.value.map { .failed(seen: $0) } ?? .notDue
        }
    }

    /// Re-seals every signing key's seeds (current, previous, announced next) under the ring's current master
    /// key, online: each key under its row lock, so a rotation meanwhile is never overwritten. Returns how many
    /// keys were re-sealed; a seed no key of the ring opens stops it with ``SigningKeyError/undecryptable(_:)``.
    public func rekey() async throws(SigningKeyError) -> Int {
        var count = 0
        var cursor: (owner: String, name: String)?
        while true {
            let page: [(owner: String, name: String)]
            do {
                page = try await store.signingKeyNames(after: cursor, limit: 200)
            } catch {
                throw SigningKeyError(error, name: "")
            }
            guard let last = page.last else { return count }
            for (owner, name) in page {
                do {
                    _ = try await store.updateSigningKey(owner: owner, name: name) { [self] key throws(StoreError) in try reseal(key) }
                    count += 1
                } catch .notFound {
                    continue  // deleted meanwhile
                } catch .stale {
                    throw SigningKeyError.undecryptable(name)
                } catch {
                    throw SigningKeyError(error, name: name)
                }
            }
            cursor = last
        }
    }

    /// `key` with every seed sealed under the ring's current master key (`stale` if one will not open).
    func reseal(_ stored: StoredSigningKey) throws(StoreError) -> StoredSigningKey {
        // A previous key whose overlap ended is dropped, not carried over to the new master key.
        var key = SigningKeyRules.settle(stored, at: clock())
        func again(_ sealed: [UInt8], _ version: Int64) throws(StoreError) -> [UInt8] {
            guard var seed = open(sealed, owner: key.owner, name: key.name, version: version) else { throw StoreError.stale }
            defer { Sodium.wipe(&seed) }
            return SealedToken.seal(seed, associatedData: Self.associatedData(owner: key.owner, name: key.name, version: version), key: keys.current)
        }
        key.sealed = try again(key.sealed, key.version)
        if let previous = key.previous {
            key.previous = .init(
                version: previous.version, sealed: try again(previous.sealed, previous.version), publicKey: previous.publicKey,
                validFrom: previous.validFrom, validUntil: previous.validUntil)
        }
        if let next = key.next {
            key.next = .init(
                version: next.version, sealed: try again(next.sealed, next.version), publicKey: next.publicKey, announcedAt: next.announcedAt)
        }
        return key
    }

    private func update(
        owner: String, name: String,
        _ change: @escaping @Sendable (StoredSigningKey) throws(StoreError) -> StoredSigningKey
    ) async throws(SigningKeyError)
        -> StoredSigningKey
    {
        do {
            return try await exclusively(owner: owner, name: name, change)
        } catch {
            throw SigningKeyError(error, name: name)
        }
    }
}

extension SigningKeyService {
    /// One locked update of the key, holding it exclusively in this process's fence: signers that hold it finish
    /// writing their request heads first, and later ones read the key as this update leaves it.
    func exclusively(
        owner: String, name: String,
        _ change: @escaping @Sendable (StoredSigningKey) throws(StoreError) -> StoredSigningKey
    ) async throws(StoreError)
        -> StoredSigningKey
    {
        let store = self.store
        let result: Result<StoredSigningKey, StoreError> = await fence.withExclusive(owner: owner, name: name) {
            do throws(StoreError) {
                return .success(try await store.updateSigningKey(owner: owner, name: name, change))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension SecretService {
    /// The signing keys in `store` (the same backend as the secrets), under the same master key and clock. At
    /// most 100 per account (what `dev.sigil.signingKey.list` answers).
    public func signingKeyService(store: any SigningKeyStore, maxPerOwner: Int? = nil) -> SigningKeyService {
        SigningKeyService(store: store, keys: keys, maxPerOwner: min(100, maxPerOwner ?? self.maxPerOwner), fence: fence, clock: clock)
    }
}

/// What a closure run under a row lock saw (for the caller, after the transaction).
final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: (version: Int64, nextRotationAt: Int64?)?
    func set(_ value: (version: Int64, nextRotationAt: Int64?)) { lock.withLock { seen = value } }
    var value: (version: Int64, nextRotationAt: Int64?)? { lock.withLock { seen } }
}
