import Crypto
import Secrets

/// A `place.wisp.v2.wh` webhook as last read from its owner's repository.
public struct WebhookRegistration: Sendable, Equatable {
    public let owner: String
    public let rkey: String
    /// The validated record, as JSON text.
    public let record: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let updatedAt: Int64
    /// Why the server paused it (see ``DeliveryStore/setWebhookDisabled(owner:rkey:reason:at:)``), if it did.
    public let disabledReason: String?
    /// Since when (ms) every attempt at it has failed, if its last attempt failed.
    public let failingSince: Int64?

    public init(owner: String, rkey: String, record: [UInt8], updatedAt: Int64, disabledReason: String? = nil, failingSince: Int64? = nil) {
        self.owner = owner
        self.rkey = rkey
        self.record = record
        self.updatedAt = updatedAt
        self.disabledReason = disabledReason
        self.failingSince = failingSince
    }
}

/// Where a delivery is in its life.
public enum DeliveryStatus: String, Sendable, Equatable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// A 2xx answer was received.
    case delivered
    /// Given up: retries exhausted, a non-retryable answer, or no usable secret. Never sent unsigned.
    case dead
    /// Not sent, on purpose: its webhook was deleted, disabled or re-pointed (at another URL or secret) after
    /// the event matched. The reason is recorded.
    case cancelled
}

/// A delivery to enqueue.
public struct NewDelivery: Sendable, Equatable {
    /// Stable across retries (the `webhook-id`); enqueueing an id twice keeps the first.
    public let id: String
    public let owner: String
    public let webhookRKey: String
    public let url: String
    /// A server-managed secret to sign with (looked up at send time), if the webhook names one.
    public let secretName: String?
    /// SHA-256 of the record's own plaintext `secret` when the event matched (it has one and no `secretId`).
    /// The secret itself is never queued: it is read from the webhook at send time, and a delivery whose
    /// webhook's secret changed meanwhile is cancelled. (The secret sits in the owner's public repository; its
    /// hash reveals nothing more.)
    public let inlineSecretFingerprint: [UInt8]?
    /// The JSON body POSTed. Stored once per event however many webhooks it goes to (see ``DeliveryBody``); empty
    /// for a delivery stored without one (``notQueued``).
    public let body: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let createdAt: Int64
    /// Set when the delivery is recorded only for its owner to see, never sent: stored `cancelled` with this
    /// reason and without a body (one event matched more webhooks than it may queue).
    public let notQueued: String?

    /// A delivery for a webhook whose record has the plaintext `inlineSecret` (kept only as its fingerprint).
    public init(
        id: String, owner: String, webhookRKey: String, url: String, secretName: String?, inlineSecret: String?,
        body: [UInt8], createdAt: Int64, notQueued: String? = nil
    ) {
        self.init(
            id: id, owner: owner, webhookRKey: webhookRKey, url: url, secretName: secretName,
            inlineSecretFingerprint: inlineSecret.map(Self.fingerprint(ofInlineSecret:)), body: body, createdAt: createdAt,
            notQueued: notQueued)
    }

    public init(
        id: String, owner: String, webhookRKey: String, url: String, secretName: String?, inlineSecretFingerprint: [UInt8]?,
        body: [UInt8], createdAt: Int64, notQueued: String? = nil
    ) {
        self.notQueued = notQueued
        self.id = id
        self.owner = owner
        self.webhookRKey = webhookRKey
        self.url = url
        self.secretName = secretName
        self.inlineSecretFingerprint = inlineSecretFingerprint
        self.body = body
        self.createdAt = createdAt
    }

    /// The destination's host, lowercased (what per-host limits and circuit breaking go by); empty if the URL has none.
    public var host: String { Self.host(of: url) }

    /// The host of `url`, lowercased: between `://` and the next `/`, `?` or `#`, without user info or port.
    public static func host(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return "" }
        var authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// SHA-256 of an inline secret's UTF-8 bytes.
    public static func fingerprint(ofInlineSecret secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }
}

/// A queued delivery with its state.
public struct Delivery: Sendable, Equatable {
    public let delivery: NewDelivery
    public let status: DeliveryStatus
    public let attempts: Int
    /// When the next attempt is due (ms), for pending deliveries.
    public let nextAttemptAt: Int64
    public let lastError: String?
    public let updatedAt: Int64
    /// The lease this claim holds (ms): the fencing token that marking it must present. Nil when not leased.
    public let leaseUntil: Int64?
    /// The stored state of its webhook when it was claimed (shared by every replica, unlike each one's index).
    public let webhookState: WebhookState?

    /// A webhook's server-side state in the store.
    public struct WebhookState: Sendable, Equatable {
        /// Why it is paused (a 410, persistent failure, or its owner), if it is.
        public let disabledReason: String?
        /// Since when every attempt at it failed, if its last one did.
        public let failingSince: Int64?

        public init(disabledReason: String?, failingSince: Int64?) {
            self.disabledReason = disabledReason
            self.failingSince = failingSince
        }
    }

    public init(
        delivery: NewDelivery, status: DeliveryStatus, attempts: Int, nextAttemptAt: Int64, lastError: String?, updatedAt: Int64,
        leaseUntil: Int64? = nil, webhookState: WebhookState? = nil
    ) {
        self.webhookState = webhookState
        self.delivery = delivery
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.updatedAt = updatedAt
        self.leaseUntil = leaseUntil
    }
}

/// Webhook registrations, the event-source cursor and the durable delivery queue, in the same database as
/// the secrets. Nothing accepted is lost: deliveries are enqueued (and the cursor advanced) in one durable
/// transaction, and a delivery leaves `pending` only by being marked.
public protocol DeliveryStore: Sendable {
    func upsertWebhook(_ webhook: WebhookRegistration) async throws(StoreError)
    func removeWebhook(owner: String, rkey: String) async throws(StoreError)
    func webhooks() async throws(StoreError) -> [WebhookRegistration]

    /// Adds deliveries (ids already queued are ignored) and, if given, sets a named cursor — atomically. With
    /// `maxPendingPerWebhook`, a delivery whose webhook already has that many pending is stored `cancelled`
    /// with the reason instead (the oldest are kept; the count is exact on SQLite and may be passed by a few
    /// when PostgreSQL replicas enqueue at once).
    func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?, maxPendingPerWebhook: Int?) async throws(StoreError)
    func cursor(_ name: String) async throws(StoreError) -> Int64?

    /// Leases up to `limit` pending deliveries due at `now` until `leaseUntil` (each with its webhook's stored
    /// ``Delivery/WebhookState``, nil if the webhook is not stored); another claimer skips them
    /// until the lease ends (a crashed worker's deliveries come back after it). Each returned delivery carries
    /// its lease (``Delivery/leaseUntil``), which a later claim of the same delivery always replaces with a
    /// greater one: it is the fencing token of this claim.
    func claimDue(now: Int64, limit: Int, leaseUntil: Int64) async throws(StoreError) -> [Delivery]
    /// Accounts with pending deliveries, in owner order strictly after `after`, at most `limit` of them, each with
    /// how many of its deliveries are due at `now` and not leased, counted up to `countingUpTo`. Work is bounded by
    /// `limit × countingUpTo` index steps, however long any account's queue is.
    /// Deliveries to a host in `excludingHosts` (busy, or not answering) are not counted.
    func dueOwners(now: Int64, after: String, limit: Int, countingUpTo: Int, excludingHosts: [String]) async throws(StoreError) -> [OwnerDue]
    /// Like ``claimDue(now:limit:leaseUntil:)``, but at most `limit` of each listed account's due deliveries (its
    /// earliest due first; none to a host in `excludingHosts`): the delivery worker's fair share per account.
    func claimDue(now: Int64, owners: [OwnerDue], leaseUntil: Int64, excludingHosts: [String]) async throws(StoreError) -> [Delivery]
    /// One fair claim (see the extension's default, which makes two calls; a store may do it in one transaction).
    func claimFairly(
        now: Int64, after: String, accountsLimit: Int, countingUpTo: Int, excludingHosts: [String], leaseUntil: Int64,
        allocate: @escaping @Sendable ([OwnerDue]) -> [OwnerDue]
    ) async throws(StoreError) -> (due: [OwnerDue], claimed: [Delivery])
    /// A host stopped answering: every pending, unleased delivery to it counts a failed attempt with `error` and
    /// waits until `until` (ms) or its retry schedule says (`retryDelays[n-1]` ms after its n-th failed attempt),
    /// whichever is later; one past the schedule is dead. How many were deferred or given up.
    func deferHost(_ host: String, until: Int64, error: String, retryDelays: [Int64], at: Int64) async throws(StoreError) -> Int
    /// At start: ends leases left by a crashed worker where that is safe. SQLite (one process) ends them
    /// all; PostgreSQL does nothing, since other replicas may hold live leases — a crashed replica's
    /// deliveries come back when their lease expires.
    func releaseAllLeases() async throws(StoreError)

    /// Records an outcome of the claim holding `lease`, and ends the lease. Returns false, changing nothing, if
    /// the delivery is no longer under that lease (it ran out and another claim took the delivery).
    @discardableResult
    func markDelivered(id: String, lease: Int64, attempts: Int, at: Int64) async throws(StoreError) -> Bool
    @discardableResult
    func markRetry(id: String, lease: Int64, attempts: Int, nextAttemptAt: Int64, error: String, at: Int64) async throws(StoreError) -> Bool
    @discardableResult
    func markDead(id: String, lease: Int64, attempts: Int, error: String, at: Int64) async throws(StoreError) -> Bool
    /// Cancels the delivery under `lease` (its webhook no longer wants it), recording why.
    @discardableResult
    func markCancelled(id: String, lease: Int64, error: String, at: Int64) async throws(StoreError) -> Bool

    /// Deletes at most `limit` deliveries in `status` last updated before `before` (ms); how many it deleted.
    /// Never pending ones.
    func pruneDeliveries(status: DeliveryStatus, updatedBefore before: Int64, limit: Int) async throws(StoreError) -> Int

    /// Pauses a webhook on the server's own initiative (its receiver answered 410 Gone), with the reason; nil
    /// resumes it. A change of its record (``upsertWebhook(_:)``) clears it: the record's `enabled` wins again.
    func setWebhookDisabled(owner: String, rkey: String, reason: String?, at: Int64) async throws(StoreError)

    /// Records a failed attempt at the webhook: the start of its failing streak is kept (set to `at` if there
    /// was none). Returns that start, or nil if the webhook is not stored.
    func noteWebhookFailure(owner: String, rkey: String, at: Int64) async throws(StoreError) -> Int64?
    /// Ends the webhook's failing streak (an attempt succeeded).
    func clearWebhookFailure(owner: String, rkey: String) async throws(StoreError)

    /// Records that reading `owner/rkey`'s record back failed: the first failure's time is kept, attempts count up,
    /// and the next try is due after `backoff.lowerBound` ms doubled for each earlier attempt, at most
    /// `backoff.upperBound` ms. Survives restarts; every replica sees it.
    func noteReadbackFailure(owner: String, rkey: String, error: String, at: Int64, backoff: ClosedRange<Int64>) async throws(StoreError)
    /// The record was read back (or deleted): nothing is pending for it.
    func clearReadback(owner: String, rkey: String) async throws(StoreError)
    /// Failed read-backs due at `now`, earliest first, at most `limit`; with `owner`, that account's, due or not.
    func pendingReadbacks(owner: String?, dueAt now: Int64?, limit: Int) async throws(StoreError) -> [PendingReadback]

    /// Recent deliveries, newest first, optionally of one status.
    func deliveries(status: DeliveryStatus?, limit: Int) async throws(StoreError) -> [Delivery]
    /// How many deliveries are in each status.
    func deliveryCounts() async throws(StoreError) -> [DeliveryStatus: Int]
    /// Bytes of the bodies of `owner`'s pending deliveries (each delivery counts its body, shared or not): what
    /// the per-account budget is checked against.
    func queuedBodyBytes(owner: String) async throws(StoreError) -> Int64
    /// Bytes the delivery queue takes on disk: SQLite, the database file's used pages; PostgreSQL, the delivery
    /// and body tables with their indexes and TOAST.
    func queueBytes() async throws(StoreError) -> Int64
}

/// A webhook record whose read-back failed and is being retried.
public struct PendingReadback: Sendable, Equatable {
    public let owner: String
    public let rkey: String
    /// When it first failed (ms).
    public let since: Int64
    public let attempts: Int
    public let nextAttemptAt: Int64
    public let lastError: String

    public init(owner: String, rkey: String, since: Int64, attempts: Int, nextAttemptAt: Int64, lastError: String) {
        self.owner = owner
        self.rkey = rkey
        self.since = since
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// An account and a number of its deliveries (due, or to claim).
public struct OwnerDue: Sendable, Equatable {
    public let owner: String
    public let count: Int

    public init(owner: String, count: Int) {
        self.owner = owner
        self.count = count
    }
}

extension DeliveryStore {
    /// One fair claim: the accounts with pending deliveries in round-robin order from just after `after` (wrapping
    /// round to the start), each with its due count (up to `countingUpTo`; deliveries to `excludingHosts` not
    /// counted), at most `accountsLimit` of them; `allocate` turns those into how many to claim of each, and those
    /// are claimed. This default makes two calls; a store may do it in one transaction.
    public func claimFairly(
        now: Int64, after: String, accountsLimit: Int, countingUpTo: Int, excludingHosts: [String], leaseUntil: Int64,
        allocate: @escaping @Sendable ([OwnerDue]) -> [OwnerDue]
    ) async throws(StoreError) -> (due: [OwnerDue], claimed: [Delivery]) {
        var due = try await dueOwners(now: now, after: after, limit: accountsLimit, countingUpTo: countingUpTo, excludingHosts: excludingHosts)
        if due.count < accountsLimit, !after.isEmpty {
            due += try await dueOwners(
                now: now, after: "", limit: accountsLimit - due.count, countingUpTo: countingUpTo, excludingHosts: excludingHosts
            ).filter { $0.owner <= after }
        }
        let allocation = allocate(due)
        guard !allocation.isEmpty else { return (due, []) }
        return (due, try await claimDue(now: now, owners: allocation, leaseUntil: leaseUntil, excludingHosts: excludingHosts))
    }

    /// ``enqueue(_:cursor:maxPendingPerWebhook:)`` without a cap.
    public func enqueue(_ deliveries: [NewDelivery], cursor: (name: String, value: Int64)?) async throws(StoreError) {
        try await enqueue(deliveries, cursor: cursor, maxPendingPerWebhook: nil)
    }
}

extension NewDelivery {
    /// The reason a delivery over its webhook's pending cap is stored with.
    public static func overCapReason(_ cap: Int) -> String {
        "not queued: the webhook already has \(cap) pending deliveries (the oldest are kept)"
    }
}
