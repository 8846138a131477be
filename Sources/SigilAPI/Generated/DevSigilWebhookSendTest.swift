// GENERATED from lexicons/dev/sigil/webhook/sendTest.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Send a signed ping event ("event": "ping") to the webhook's URL now and answer with the receiver's status and the latency, to check an endpoint and its secret in one call. Not queued, not retried.
public enum DevSigilWebhookSendTest: XRPCMethod {
    public static let nsid = "dev.sigil.webhook.sendTest"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var webhook: String

        public init(webhook: String) {
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(webhook, forKey: .webhook)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var error: String?
        public var latencyMs: Int
        public var ok: Bool
        public var status: Int?

        public init(error: String? = nil, latencyMs: Int, ok: Bool, status: Int? = nil) {
            self.error = error
            self.latencyMs = latencyMs
            self.ok = ok
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case error
            case latencyMs
            case ok
            case status
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.error = try container.decodeIfPresent(String.self, forKey: .error)
            self.latencyMs = try container.decode(Int.self, forKey: .latencyMs)
            self.ok = try container.decode(Bool.self, forKey: .ok)
            self.status = try container.decodeIfPresent(Int.self, forKey: .status)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(error, forKey: .error)
            try container.encode(latencyMs, forKey: .latencyMs)
            try container.encode(ok, forKey: .ok)
            try container.encodeIfPresent(status, forKey: .status)
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
