// GENERATED from lexicons/dev/sigil/webhook/recover.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Queue again every dead or cancelled delivery of a webhook created in a time window (at most 1,000 per call, oldest first): each with its original id (webhook-id), to the webhook as it is now, signed with what signs now. A delivery already queued again is not queued twice; one never queued (no body kept) cannot be.
public enum DevSigilWebhookRecover: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.recover"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var since: String
        public var until: String?
        public var webhook: String

        public init(since: String, until: String? = nil, webhook: String) {
            self.since = since
            self.until = until
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case since
            case until
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.since = try container.decode(String.self, forKey: .since)
            self.until = try container.decodeIfPresent(String.self, forKey: .until)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(since, forKey: .since)
            try container.encodeIfPresent(until, forKey: .until)
            try container.encode(webhook, forKey: .webhook)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var more: Bool?
        public var queued: Int

        public init(more: Bool? = nil, queued: Int) {
            self.more = more
            self.queued = queued
        }

        enum CodingKeys: String, CodingKey {
            case more
            case queued
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.more = try container.decodeIfPresent(Bool.self, forKey: .more)
            self.queued = try container.decode(Int.self, forKey: .queued)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(more, forKey: .more)
            try container.encode(queued, forKey: .queued)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest", "NotFound"]

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

        /// `NotFound`.
        public static func notFound(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "NotFound", errorMessage: message)
        }
    }
}
