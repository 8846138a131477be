import Identity
import Secrets
import Webhooks

extension SigilServer {
    /// What tests and benches adjust beyond the ``Configuration`` (which is what an operator sets): time, how long
    /// DID documents are cached, how soon failing webhooks pause, the delivery worker's pace. `sigil serve` uses
    /// the defaults.
    public struct Tuning: Sendable {
        /// The clock of the secret service (rotation times, overlaps, expiry), in milliseconds.
        public var clock: @Sendable () -> Int64 = SystemClock.milliseconds
        /// How long a fetched DID document is trusted; nil: the resolver's default.
        public var didCacheTTL: Duration?
        /// After how long of nothing but failures a webhook pauses; nil: the configuration's hours.
        public var pauseFailingAfter: Duration?
        /// DID documents trusted as given, without a fetch (stand-in accounts in tests, as `--dev` trusts the
        /// development identity's).
        public var trustedDocuments: [String: DIDDocument] = [:]
        /// Applied to the delivery worker's configuration after the configuration's retention.
        public var deliveryWorker: @Sendable (inout DeliveryWorker.Configuration) -> Void = { _ in }
        /// First wait before a failed webhook read-back is tried again (doubled each time, up to an hour).
        public var readbackRetry: Duration = .seconds(30)
        /// How often failed read-backs are looked for, and how often the index is reconciled with the store.
        public var maintenanceInterval: Duration = .seconds(5)
        public var reconcileEvery: Duration = .seconds(60)

        public init() {}
    }
}
