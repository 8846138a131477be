import Secrets

/// One attempt at a delivery, as its owner sees it: when, how long, the receiver's status or why it failed.
public struct DeliveryAttempt: Sendable, Equatable {
    /// When the attempt ended (ms since the Unix epoch).
    public let at: Int64
    public let durationMilliseconds: Int64
    /// The receiver's HTTP status, if it answered.
    public let status: Int?
    /// Why it failed, if it did (never a token or a signature).
    public let error: String?

    public init(at: Int64, durationMilliseconds: Int64, status: Int?, error: String?) {
        self.at = at
        self.durationMilliseconds = durationMilliseconds
        self.status = status
        self.error = error
    }
}

/// A delivery as its owner lists it: the delivery and its receiver's last status.
public struct LoggedDelivery: Sendable, Equatable {
    public let delivery: Delivery
    public let lastStatus: Int?

    public init(delivery: Delivery, lastStatus: Int?) {
        self.delivery = delivery
        self.lastStatus = lastStatus
    }
}

/// Where a page of an owner's deliveries ends: newest first by `(createdAt, id)`.
public struct DeliveryCursor: Sendable, Equatable, CustomStringConvertible {
    public let createdAt: Int64
    public let id: String

    public init(createdAt: Int64, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// `createdAt:id`, as handed out; nil for anything else.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let createdAt = Int64(text[..<colon]), createdAt >= 0 else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty, id.utf8.count <= 128 else { return nil }
        self.init(createdAt: createdAt, id: id)
    }

    public var description: String { "\(createdAt):\(id)" }
}

/// The delivery log webhook owners read (`dev.sigil.webhook.*`), beside the queue in the same database.
public protocol DeliveryLog: Sendable {
    /// Appends one attempt to a delivery's log.
    func recordAttempt(id: String, _ attempt: DeliveryAttempt) async throws(StoreError)

    /// `owner`'s deliveries to one webhook, newest first, older than `before`, at most `limit`.
    func deliveries(owner: String, webhookRKey: String, status: DeliveryStatus?, before: DeliveryCursor?, limit: Int)
        async throws(StoreError) -> [LoggedDelivery]

    /// One of `owner`'s deliveries (another account's is nil, like a missing one).
    func delivery(owner: String, id: String) async throws(StoreError) -> LoggedDelivery?

    /// A delivery's attempts, oldest first, the newest `limit` of them.
    func attempts(id: String, limit: Int) async throws(StoreError) -> [DeliveryAttempt]

    /// Queues `owner`'s delivery `id` again, due now, as a new attempt chain to the webhook as it is now
    /// (`url`, secret): attempts back to 0, the same id (its `webhook-id`). False if there is no such delivery.
    /// A delivery under a live claim is not touched (the claim's outcome would overwrite it): false too.
    func redeliver(owner: String, id: String, url: String, secretName: String?, inlineSecretFingerprint: [UInt8]?, at: Int64)
        async throws(StoreError) -> Bool

    /// `owner`'s webhook registrations (the records as last read back), by record key, at most `limit`.
    func webhooks(owner: String, limit: Int) async throws(StoreError) -> [WebhookRegistration]

    /// One webhook's delivery health: its pending deliveries, its newest attempt, and the newest `sampleLimit`
    /// attempts that ended at or after `since`.
    func activity(owner: String, webhookRKey: String, since: Int64, sampleLimit: Int) async throws(StoreError) -> WebhookActivity

    /// Queues again, in one transaction, the oldest `limit` of `owner`'s dead or cancelled deliveries to one webhook
    /// created in `[from, until)` that kept a body, as ``redeliver(owner:id:url:secretName:inlineSecretFingerprint:at:)``
    /// does each (their ids kept, to the webhook as it is now); never more than leaves the webhook `maxPending`
    /// pending deliveries. A delivery another call queued meanwhile is no longer dead: never queued twice. Returns
    /// how many were queued and whether recoverable ones remain in the window.
    func recover(
        owner: String, webhookRKey: String, from: Int64, until: Int64, limit: Int, maxPending: Int, url: String, secretName: String?,
        inlineSecretFingerprint: [UInt8]?, at: Int64
    ) async throws(StoreError) -> (queued: Int, more: Bool)
}

/// One webhook's delivery health as its owner sees it (``DeliveryLog/activity(owner:webhookRKey:since:sampleLimit:)``).
public struct WebhookActivity: Sendable, Equatable {
    /// Deliveries queued or being attempted.
    public let pending: Int
    /// The newest attempt at any of its deliveries (nil if none was ever made, or all were pruned).
    public let lastAttempt: DeliveryAttempt?
    /// The attempts of the window, newest first (at most the sample limit).
    public let recent: [DeliveryAttempt]

    public init(pending: Int, lastAttempt: DeliveryAttempt?, recent: [DeliveryAttempt]) {
        self.pending = pending
        self.lastAttempt = lastAttempt
        self.recent = recent
    }

    /// Attempts of the window the receiver answered with a 2xx.
    public var succeeded: Int { recent.filter { ($0.status ?? 0) / 100 == 2 }.count }

    /// The median duration of the window's attempts (the lower middle of an even count); nil without attempts.
    public var medianMilliseconds: Int64? {
        guard !recent.isEmpty else { return nil }
        let sorted = recent.map(\.durationMilliseconds).sorted()
        return sorted[(sorted.count - 1) / 2]
    }
}
