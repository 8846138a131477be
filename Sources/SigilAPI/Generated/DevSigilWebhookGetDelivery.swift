// GENERATED from lexicons/dev/sigil/webhook/getDelivery.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// One delivery with every attempt and the exact JSON that was or will be sent.
public enum DevSigilWebhookGetDelivery: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.getDelivery"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var id: String

        public init(id: String) {
            self.id = id
        }

        enum CodingKeys: String, CodingKey {
            case id
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.id = try container.decode(String.self, forKey: .id)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var attempts: [DevSigilWebhookDefs.Attempt]
        public var delivery: DevSigilWebhookDefs.Delivery
        public var payload: String

        public init(attempts: [DevSigilWebhookDefs.Attempt], delivery: DevSigilWebhookDefs.Delivery, payload: String) {
            self.attempts = attempts
            self.delivery = delivery
            self.payload = payload
        }

        enum CodingKeys: String, CodingKey {
            case attempts
            case delivery
            case payload
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.attempts = try container.decode([DevSigilWebhookDefs.Attempt].self, forKey: .attempts)
            self.delivery = try container.decode(DevSigilWebhookDefs.Delivery.self, forKey: .delivery)
            self.payload = try container.decode(String.self, forKey: .payload)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(delivery, forKey: .delivery)
            try container.encode(payload, forKey: .payload)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "NotFound"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }

        /// `NotFound`.
        public static func notFound(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "NotFound", errorMessage: message)
        }
    }
}
