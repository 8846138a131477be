import Foundation

/// One account's Ed25519 signing key for webhook deliveries (Standard Webhooks `v1a`): the 32-byte seed is
/// only ever stored sealed (like tokens), the public key in the clear. A name is a token secret or a signing
/// key, never both.
public struct StoredSigningKey: Sendable, Equatable {
    public let owner: String
    public let name: String
    /// Starts at 1; every rotation adds 1 (part of the sealed seed's associated data).
    public var version: Int64
    /// The current seed, sealed under the master key.
    public var sealed: [UInt8]
    /// The current public key (32 bytes).
    public var publicKey: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let createdAt: Int64
    /// When the current key began to sign (its creation or the rotation that made it current).
    public var validFrom: Int64
    /// When the last rotation happened (nil until the first), and whether the account asked for it.
    public var rotatedAt: Int64?
    public var lastRotationManual: Bool?
    /// The key before, while an overlap keeps it signing.
    public var previous: Previous?
    /// The next key, published before it signs (made when a schedule is set and at each scheduled rotation).
    public var next: Next?
    /// Overlap of scheduled rotations, in seconds (also the default of manual ones).
    public var overlapSeconds: Int64
    /// Scheduled rotation, if any, and when it is next due (ms).
    public var schedule: SigningKeySchedule?
    public var nextRotationAt: Int64?
    /// The outcome of the last rotation attempt ("rotated" or "failed") and what it said.
    public var lastStatus: String?
    public var lastMessage: String?

    public struct Previous: Sendable, Equatable {
        public let version: Int64
        public let sealed: [UInt8]
        public let publicKey: [UInt8]
        public let validFrom: Int64
        /// From then on it never signs (ms).
        public let validUntil: Int64

        public init(version: Int64, sealed: [UInt8], publicKey: [UInt8], validFrom: Int64, validUntil: Int64) {
            self.version = version
            self.sealed = sealed
            self.publicKey = publicKey
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    public struct Next: Sendable, Equatable {
        /// Always the current version + 1.
        public let version: Int64
        public let sealed: [UInt8]
        public let publicKey: [UInt8]
        public let announcedAt: Int64

        public init(version: Int64, sealed: [UInt8], publicKey: [UInt8], announcedAt: Int64) {
            self.version = version
            self.sealed = sealed
            self.publicKey = publicKey
            self.announcedAt = announcedAt
        }
    }

    public init(
        owner: String, name: String, version: Int64, sealed: [UInt8], publicKey: [UInt8], createdAt: Int64, validFrom: Int64,
        rotatedAt: Int64? = nil, lastRotationManual: Bool? = nil, previous: Previous? = nil, next: Next? = nil,
        overlapSeconds: Int64 = 0, schedule: SigningKeySchedule? = nil, nextRotationAt: Int64? = nil,
        lastStatus: String? = nil, lastMessage: String? = nil
    ) {
        self.owner = owner
        self.name = name
        self.version = version
        self.sealed = sealed
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.validFrom = validFrom
        self.rotatedAt = rotatedAt
        self.lastRotationManual = lastRotationManual
        self.previous = previous
        self.next = next
        self.overlapSeconds = overlapSeconds
        self.schedule = schedule
        self.nextRotationAt = nextRotationAt
        self.lastStatus = lastStatus
        self.lastMessage = lastMessage
    }

    /// The previous key if it still signs at `now`.
    public func livePrevious(at now: Int64) -> Previous? {
        previous.flatMap { $0.validUntil > now ? $0 : nil }
    }
}

/// Rotate every `intervalDays` days, optionally at a UTC time of day (`minuteOfDay`, 0–1439).
public struct SigningKeySchedule: Sendable, Equatable {
    public static let intervalDays: ClosedRange<Int64> = 1...365
    public let intervalDays: Int64
    public let minuteOfDay: Int64?

    public init(intervalDays: Int64, minuteOfDay: Int64? = nil) {
        self.intervalDays = intervalDays
        self.minuteOfDay = minuteOfDay
    }

    /// `hh:mm` (24-hour, UTC) as minutes of the day; nil unless exactly that shape and in range.
    public static func minuteOfDay(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
            [0, 1, 3, 4].allSatisfy({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 })
        else { return nil }
        let hour = Int64(bytes[0] - 0x30) * 10 + Int64(bytes[1] - 0x30)
        let minute = Int64(bytes[3] - 0x30) * 10 + Int64(bytes[4] - 0x30)
        guard hour < 24, minute < 60 else { return nil }
        return hour * 60 + minute
    }

    /// `hh:mm` of `minuteOfDay`.
    public static func text(minuteOfDay: Int64) -> String {
        let hour = minuteOfDay / 60
        let minute = minuteOfDay % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    /// When a rotation is due after one at (or a schedule set at) `base` ms: `intervalDays` days later, or with
    /// `minuteOfDay` the first time it is that UTC time of day from then on. So two rotations are always at least
    /// `intervalDays` days apart (and less than a day more), whatever the time of day.
    public func next(after base: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let due = base + intervalDays * day
        guard let minuteOfDay else { return due }
        let moved = due - ((due % day) + day) % day + minuteOfDay * 60_000
        return moved >= due ? moved : moved + day
    }
}

/// Durable storage of signing keys, beside the secrets (same database, same master key). Every write is atomic
/// and durable before it returns; ``update(owner:name:_:)`` holds the row locked on every replica meanwhile.
public protocol SigningKeyStore: Sendable {
    /// Inserts a new key, unless the owner has a secret or a signing key of that name (`alreadyExists`) or
    /// already `maxPerOwner` signing keys (`limitReached`); checked and written atomically.
    func createSigningKey(_ key: StoredSigningKey, maxPerOwner: Int) async throws(StoreError)
    /// The key, or nil.
    func signingKey(owner: String, name: String) async throws(StoreError) -> StoredSigningKey?
    /// The owner's keys by name.
    func signingKeys(owner: String) async throws(StoreError) -> [StoredSigningKey]
    /// Locks the row, hands it to `change` and stores what it returns; `notFound` without a row. An error of
    /// `change` aborts the write and is rethrown.
    func updateSigningKey(
        owner: String, name: String,
        _ change: @Sendable (StoredSigningKey) throws(StoreError) -> StoredSigningKey
    ) async throws(StoreError) -> StoredSigningKey
    /// Deletes the key (its sealed seeds are gone at once); `notFound` without one.
    func deleteSigningKey(owner: String, name: String) async throws(StoreError)
    /// Reads the secret and the signing key named `name` (an account has at most one of the two) in one read, and
    /// runs `body` with them while holding both rows against writes on every replica (PostgreSQL: `FOR SHARE` until
    /// `body` returns; SQLite has one process, whose ``SigningFence`` does it). What signs a delivery is decided
    /// here, once. Store failures are ``StoreError``; errors of `body` pass through.
    func withSigner<T: Sendable>(
        owner: String, name: String,
        _ body: @Sendable (StoredSecret?, StoredSigningKey?) async throws -> T
    ) async throws -> T
    /// Keys whose scheduled rotation is due at `now`, or whose previous key's overlap has ended (its sealed seed
    /// is then removed), oldest first, at most `limit`.
    func dueSigningKeys(now: Int64, limit: Int) async throws(StoreError) -> [(owner: String, name: String)]
    /// The earliest scheduled rotation or end of an overlap of any key (ms), or nil.
    func nextSigningKeyRotation() async throws(StoreError) -> Int64?
    /// Every key's owner and name after `cursor` in (owner, name) order, at most `limit` (for a master-key re-key).
    func signingKeyNames(after cursor: (owner: String, name: String)?, limit: Int) async throws(StoreError) -> [(owner: String, name: String)]
}
