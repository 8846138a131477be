// GENERATED from lexicons/dev/sigil/webhook/setEnabled.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Pause or resume a webhook without editing its record. Recorded; a later change of the record wins.
public enum DevSigilWebhookSetEnabled: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.setEnabled"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var enabled: Bool
        public var webhook: String

        public init(enabled: Bool, webhook: String) {
            self.enabled = enabled
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case enabled
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.enabled = try container.decode(Bool.self, forKey: .enabled)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(webhook, forKey: .webhook)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var enabled: Bool
        public var webhook: String

        public init(enabled: Bool, webhook: String) {
            self.enabled = enabled
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case enabled
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.enabled = try container.decode(Bool.self, forKey: .enabled)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(webhook, forKey: .webhook)
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
