// GENERATED from lexicons/dev/sigil/webhook/redeliver.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Send a delivery's payload again, to the webhook as it is now, as a new attempt chain: the same webhook-id, a fresh signature with the current token.
public enum DevSigilWebhookRedeliver: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.redeliver"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
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

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var id: String
        public var status: String

        public init(id: String, status: String) {
            self.id = id
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case id
            case status
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.id = try container.decode(String.self, forKey: .id)
            self.status = try container.decode(String.self, forKey: .status)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
        }

        /// Suggested values of `status` (others are allowed).
        public enum StatusKnownValues {
            public static let pending = "pending"
        }    }

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
