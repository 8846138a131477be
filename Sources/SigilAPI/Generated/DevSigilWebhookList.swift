// GENERATED from lexicons/dev/sigil/webhook/list.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// The caller's webhooks as Sigil sees them: what each is (URL, the secret or signing key it names), whether it is paused and why, how its record was last read back, and its deliveries' health (pending count, the last attempt, the last 24 hours' success rate and median latency over its newest 1,000 deliveries). Never a token.
public enum DevSigilWebhookList: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.list"
    public static let kind = XRPCMethodKind.query

    public typealias Parameters = XRPCNothing

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var webhooks: [DevSigilWebhookList.WebhookView]

        public init(webhooks: [DevSigilWebhookList.WebhookView]) {
            self.webhooks = webhooks
        }

        enum CodingKeys: String, CodingKey {
            case webhooks
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.webhooks = try container.decode([DevSigilWebhookList.WebhookView].self, forKey: .webhooks)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(webhooks, forKey: .webhooks)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }

        /// `InvalidRequest`.
        public static func invalidRequest(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "InvalidRequest", errorMessage: message)
        }
    }

    /// A change of the record that could not be read back yet; retried with backoff until it is, or the record is deleted.
    public struct ReadbackView: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.webhook.list#readbackView"

        public var attempts: Int
        public var lastError: String
        public var nextAttemptAt: String
        public var since: String

        public init(attempts: Int, lastError: String, nextAttemptAt: String, since: String) {
            self.attempts = attempts
            self.lastError = lastError
            self.nextAttemptAt = nextAttemptAt
            self.since = since
        }

        enum CodingKeys: String, CodingKey {
            case attempts
            case lastError
            case nextAttemptAt
            case since
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.attempts = try container.decode(Int.self, forKey: .attempts)
            self.lastError = try container.decode(String.self, forKey: .lastError)
            self.nextAttemptAt = try container.decode(String.self, forKey: .nextAttemptAt)
            self.since = try container.decode(String.self, forKey: .since)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
            try container.encode(since, forKey: .since)
        }
    }

    /// One webhook (a place.wisp.v2.wh record of the caller) as Sigil runs it.
    public struct WebhookView: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.webhook.list#webhookView"

        public var enabled: Bool
        public var failingSince: String?
        public var inlineSecret: Bool?
        public var last24h: DevSigilWebhookList.Window
        public var lastAttempt: DevSigilWebhookDefs.Attempt?
        public var pausedReason: String?
        public var pending: Int
        public var readback: DevSigilWebhookList.ReadbackView?
        public var recordEnabled: Bool
        public var recordReadAt: String?
        public var signedWith: String?
        public var url: String
        public var webhook: String

        public init(enabled: Bool, failingSince: String? = nil, inlineSecret: Bool? = nil, last24h: DevSigilWebhookList.Window, lastAttempt: DevSigilWebhookDefs.Attempt? = nil, pausedReason: String? = nil, pending: Int, readback: DevSigilWebhookList.ReadbackView? = nil, recordEnabled: Bool, recordReadAt: String? = nil, signedWith: String? = nil, url: String, webhook: String) {
            self.enabled = enabled
            self.failingSince = failingSince
            self.inlineSecret = inlineSecret
            self.last24h = last24h
            self.lastAttempt = lastAttempt
            self.pausedReason = pausedReason
            self.pending = pending
            self.readback = readback
            self.recordEnabled = recordEnabled
            self.recordReadAt = recordReadAt
            self.signedWith = signedWith
            self.url = url
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case enabled
            case failingSince
            case inlineSecret
            case last24h
            case lastAttempt
            case pausedReason
            case pending
            case readback
            case recordEnabled
            case recordReadAt
            case signedWith
            case url
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.enabled = try container.decode(Bool.self, forKey: .enabled)
            self.failingSince = try container.decodeIfPresent(String.self, forKey: .failingSince)
            self.inlineSecret = try container.decodeIfPresent(Bool.self, forKey: .inlineSecret)
            self.last24h = try container.decode(DevSigilWebhookList.Window.self, forKey: .last24h)
            self.lastAttempt = try container.decodeIfPresent(DevSigilWebhookDefs.Attempt.self, forKey: .lastAttempt)
            self.pausedReason = try container.decodeIfPresent(String.self, forKey: .pausedReason)
            self.pending = try container.decode(Int.self, forKey: .pending)
            self.readback = try container.decodeIfPresent(DevSigilWebhookList.ReadbackView.self, forKey: .readback)
            self.recordEnabled = try container.decode(Bool.self, forKey: .recordEnabled)
            self.recordReadAt = try container.decodeIfPresent(String.self, forKey: .recordReadAt)
            self.signedWith = try container.decodeIfPresent(String.self, forKey: .signedWith)
            self.url = try container.decode(String.self, forKey: .url)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enabled, forKey: .enabled)
            try container.encodeIfPresent(failingSince, forKey: .failingSince)
            try container.encodeIfPresent(inlineSecret, forKey: .inlineSecret)
            try container.encode(last24h, forKey: .last24h)
            try container.encodeIfPresent(lastAttempt, forKey: .lastAttempt)
            try container.encodeIfPresent(pausedReason, forKey: .pausedReason)
            try container.encode(pending, forKey: .pending)
            try container.encodeIfPresent(readback, forKey: .readback)
            try container.encode(recordEnabled, forKey: .recordEnabled)
            try container.encodeIfPresent(recordReadAt, forKey: .recordReadAt)
            try container.encodeIfPresent(signedWith, forKey: .signedWith)
            try container.encode(url, forKey: .url)
            try container.encode(webhook, forKey: .webhook)
        }
    }

    /// Attempts in the last 24 hours at its newest 1,000 deliveries.
    public struct Window: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.webhook.list#window"

        public var attempts: Int
        public var medianLatencyMs: Int?
        public var succeeded: Int
        public var successPercent: Int?

        public init(attempts: Int, medianLatencyMs: Int? = nil, succeeded: Int, successPercent: Int? = nil) {
            self.attempts = attempts
            self.medianLatencyMs = medianLatencyMs
            self.succeeded = succeeded
            self.successPercent = successPercent
        }

        enum CodingKeys: String, CodingKey {
            case attempts
            case medianLatencyMs
            case succeeded
            case successPercent
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.attempts = try container.decode(Int.self, forKey: .attempts)
            self.medianLatencyMs = try container.decodeIfPresent(Int.self, forKey: .medianLatencyMs)
            self.succeeded = try container.decode(Int.self, forKey: .succeeded)
            self.successPercent = try container.decodeIfPresent(Int.self, forKey: .successPercent)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempts, forKey: .attempts)
            try container.encodeIfPresent(medianLatencyMs, forKey: .medianLatencyMs)
            try container.encode(succeeded, forKey: .succeeded)
            try container.encodeIfPresent(successPercent, forKey: .successPercent)
        }
    }
}
