// GENERATED from lexicons/dev/sigil/webhook/listDeliveries.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// A webhook's deliveries, newest first: status, attempts, the receiver's last answer. Never a token or a signature.
public enum DevSigilWebhookListDeliveries: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.listDeliveries"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var cursor: String?
        public var limit: Int
        public var status: String?
        public var webhook: String

        public init(cursor: String? = nil, limit: Int = 50, status: String? = nil, webhook: String) {
            self.cursor = cursor
            self.limit = limit
            self.status = status
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case limit
            case status
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 50
            self.status = try container.decodeIfPresent(String.self, forKey: .status)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(limit, forKey: .limit)
            try container.encodeIfPresent(status, forKey: .status)
            try container.encode(webhook, forKey: .webhook)
        }

        /// Suggested values of `status` (others are allowed).
        public enum StatusKnownValues {
            public static let pending = "pending"
            public static let delivered = "delivered"
            public static let dead = "dead"
            public static let cancelled = "cancelled"
        }    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var cursor: String?
        public var deliveries: [DevSigilWebhookDefs.Delivery]

        public init(cursor: String? = nil, deliveries: [DevSigilWebhookDefs.Delivery]) {
            self.cursor = cursor
            self.deliveries = deliveries
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case deliveries
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.deliveries = try container.decode([DevSigilWebhookDefs.Delivery].self, forKey: .deliveries)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(deliveries, forKey: .deliveries)
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
