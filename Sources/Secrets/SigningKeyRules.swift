/// What rotations and schedules do to a signing key: pure functions of the row, the time and fresh key
/// material (`make(version)` seals a new seed for that version and gives its public key). Both stores apply
/// them under their row lock, so SQLite and PostgreSQL cannot disagree.
public enum SigningKeyRules {
    public typealias Material = (sealed: [UInt8], publicKey: [UInt8])

    /// Drops a previous key whose overlap has ended.
    public static func settle(_ key: StoredSigningKey, at now: Int64) -> StoredSigningKey {
        var key = key
        if let previous = key.previous, previous.validUntil <= now { key.previous = nil }
        return key
    }

    /// Makes the next key current (the announced one if there is one, so receivers that fetched it verify at
    /// once); the old current key keeps signing for `overlapSeconds` (the key's default if nil). Never more than
    /// two keys sign: a previous key still in its overlap is retired now. With a schedule the next rotation is
    /// set one interval on from `scheduledFor` (the due time of a scheduled rotation, so the time of day does
    /// not drift) and its key is announced at once.
    public static func rotate(
        _ key: StoredSigningKey, overlapSeconds: Int64?, manual: Bool, at now: Int64, scheduledFor: Int64? = nil,
        make: (Int64) throws(StoreError) -> Material
    ) throws(StoreError) -> StoredSigningKey {
        var key = settle(key, at: now)
        let overlap = overlapSeconds ?? key.overlapSeconds
        let version = key.version + 1
        let incoming: Material
        if let next = key.next, next.version == version {
            incoming = (next.sealed, next.publicKey)
        } else {
            incoming = try make(version)
        }
        key.previous =
            overlap > 0
            ? .init(version: key.version, sealed: key.sealed, publicKey: key.publicKey, validFrom: key.validFrom, validUntil: now + overlap * 1000)
            : nil
        key.version = version
        key.sealed = incoming.sealed
        key.publicKey = incoming.publicKey
        key.validFrom = now
        key.rotatedAt = now
        key.lastRotationManual = manual
        key.nextRotationAt = nil
        if let schedule = key.schedule {
            var due = schedule.next(after: scheduledFor ?? now)
            if due <= now { due = schedule.next(after: now) }  // after a long outage: once, not once per missed interval
            key.nextRotationAt = due
        }
        // The key after this one is published from now on, before it ever signs.
        let announced = try make(version + 1)
        key.next = .init(version: version + 1, sealed: announced.sealed, publicKey: announced.publicKey, announcedAt: now)
        key.lastStatus = "rotated"
        key.lastMessage = manual ? "rotated by the account" : "rotated on schedule (every \(key.schedule?.intervalDays ?? 0) days)"
        return key
    }

    /// Sets (or with nil removes) the schedule, counting the interval from `now`; the next key is announced (if it
    /// was not yet). `overlapSeconds`, if given, becomes the key's overlap.
    public static func setSchedule(
        _ key: StoredSigningKey, _ schedule: SigningKeySchedule?, overlapSeconds: Int64?, at now: Int64,
        make: (Int64) throws(StoreError) -> Material
    ) throws(StoreError) -> StoredSigningKey {
        var key = settle(key, at: now)
        if let overlapSeconds { key.overlapSeconds = overlapSeconds }
        key.schedule = schedule
        key.nextRotationAt = schedule.map { $0.next(after: now) }
        if key.next?.version != key.version + 1 {
            let announced = try make(key.version + 1)
            key.next = .init(version: key.version + 1, sealed: announced.sealed, publicKey: announced.publicKey, announcedAt: now)
        }
        return key
    }

    /// A scheduled rotation that could not be made: recorded, and tried again in a minute.
    public static func failed(_ key: StoredSigningKey, reason: String, at now: Int64) -> StoredSigningKey {
        var key = settle(key, at: now)
        key.lastStatus = "failed"
        key.lastMessage = reason
        if key.schedule != nil { key.nextRotationAt = now + 60_000 }
        return key
    }

    /// Every key a receiver should accept now, with when: the current key (until one overlap past its scheduled
    /// rotation, when there is one), the previous key while its overlap lasts, and the announced next key (from
    /// its scheduled rotation; without a schedule, from its announcement: the account may rotate at any time).
    public static func published(_ key: StoredSigningKey, at now: Int64) -> [PublishedSigningKey] {
        var keys = [
            PublishedSigningKey(
                publicKey: key.publicKey, validFrom: key.validFrom,
                validUntil: key.nextRotationAt.map { $0 + key.overlapSeconds * 1000 })
        ]
        if let previous = key.livePrevious(at: now) {
            keys.append(.init(publicKey: previous.publicKey, validFrom: previous.validFrom, validUntil: previous.validUntil))
        }
        if let next = key.next {
            keys.append(.init(publicKey: next.publicKey, validFrom: key.nextRotationAt ?? next.announcedAt, validUntil: nil))
        }
        return keys
    }
}

/// A public key as published for receivers.
public struct PublishedSigningKey: Sendable, Equatable {
    public let publicKey: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let validFrom: Int64
    public let validUntil: Int64?

    public init(publicKey: [UInt8], validFrom: Int64, validUntil: Int64?) {
        self.publicKey = publicKey
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}
