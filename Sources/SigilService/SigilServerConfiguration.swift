import Logging

extension SigilServer {
    /// Everything the server needs to know, as one value: `sigil serve` resolves it from flags, then `SIGIL_*`
    /// environment variables, then these defaults; tests set the fields they care about.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (``SigilServer/boundAddress`` tells which).
        public var port = 2583
        /// A directory of lexicons to serve; nil: the lexicons bundled into the binary.
        public var lexicons: String?
        public var logLevel: Logger.Level = .info
        public var maxBodyBytes = 150 * 1024
        /// Where Sigil keeps its files (the SQLite database, a generated master key, the development identity).
        public var dataDirectory = "./.sigil"
        public var maxSecrets = 100
        /// Mutating calls per minute per account; 0 = off.
        public var rateLimit = 60
        /// This service's DID and service id: tokens must be addressed to `serviceDID#serviceID`.
        public var serviceDID = "did:web:localhost"
        public var serviceID = "sigil"
        /// Also accept tokens whose `aud` is the bare service DID.
        public var acceptBareDID = true
        /// Oldest `iat` and furthest `exp` accepted, in seconds.
        public var maxTokenAge = 300
        public var plcURL = "https://plc.directory"
        /// Public base URL of this service, for its `did:web` document; nil: `http://HOST:PORT` as bound.
        public var publicURL: String?
        public var insecureLoopback = false
        public var dev = false
        /// Jetstream to watch for webhook records and events; nil: deliveries from the network are off.
        public var jetstreamURL: String?
        /// Seconds a connection may send nothing (a request head must be complete within it).
        public var idleTimeout = 30
        /// Seconds a request body has to arrive in full.
        public var bodyTimeout = 10
        /// Days finished deliveries are kept before pruning: delivered, dead, cancelled.
        public var keepDeliveredDays = 7
        public var keepDeadDays = 30
        public var keepCancelledDays = 30
        /// Hours of nothing but failed attempts after which a webhook is paused.
        public var pauseFailingAfterHours = 72
        /// Reverse proxies whose `X-Forwarded-For` names the client (exact addresses); nobody else's is believed.
        public var trustedProxies: [String] = []
        /// DID documents of accounts never seen before fetched at once, shared fairly per client address.
        public var resolverConcurrency = 16
        /// Each account's budget for the bodies of its queued deliveries, in bytes; past it new deliveries are
        /// recorded, not queued.
        public var maxQueuedBytesPerAccount: Int64 = 256 * 1024 * 1024
        /// The version `/xrpc/_health` reports.
        public var version = "0.1.0"

        public init() {}

        /// Why a configuration cannot be served: the message names the flag and its allowed range.
        public struct Invalid: Error, CustomStringConvertible {
            public let description: String
        }

        /// Checks every value's range; the first one out of range is thrown.
        public func validate() throws(Invalid) {
            func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(Invalid) {
                if !condition { throw Invalid(description: message()) }
            }
            try check(serviceDID.hasPrefix("did:") && !serviceDID.contains("#"), "--service-did must be a DID without a fragment, not \(serviceDID)")
            try check((1...86_400).contains(maxTokenAge), "--max-token-age must be 1–86400 seconds")
            try check((1...3_600).contains(idleTimeout), "--idle-timeout must be 1–3600 seconds")
            try check((1...3_600).contains(bodyTimeout), "--body-timeout must be 1–3600 seconds")
            for (flag, days) in [
                ("keep-delivered-days", keepDeliveredDays), ("keep-dead-days", keepDeadDays),
                ("keep-cancelled-days", keepCancelledDays),
            ] {
                try check((1...3_650).contains(days), "--\(flag) must be 1–3650 days, not \(days)")
            }
            try check((1...8_760).contains(pauseFailingAfterHours), "--pause-failing-after-hours must be 1–8760 hours, not \(pauseFailingAfterHours)")
            try check(maxSecrets > 0, "--max-secrets must be positive")
            try check(
                maxQueuedBytesPerAccount >= 65_536, "--max-queued-bytes-per-account must be at least 65536, not \(maxQueuedBytesPerAccount)")
            try check((1...1_024).contains(resolverConcurrency), "--resolver-concurrency must be 1–1024, not \(resolverConcurrency)")
            for proxy in trustedProxies {
                try check(
                    !proxy.isEmpty && proxy.utf8.count <= 64 && proxy.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" },
                    "--trusted-proxies must list IP addresses, not \(proxy.prefix(64))")
            }
            try check(rateLimit >= 0, "--rate-limit must be 0 (off) or positive")
            try check((0...65535).contains(port), "port \(port) is not 0–65535")
            try check(maxBodyBytes > 0, "max body bytes must be positive")
        }
    }
}
