// GENERATED from lexicons/place/wisp/v2/secret/create.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Create a named webhook signing secret for the calling account. The token is only returned in this response.
public enum PlaceWispV2SecretCreate: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.create"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var name: String
        public var token: String?

        public init(name: String, token: String? = nil) {
            self.name = name
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case name
            case token
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.token = try container.decodeIfPresent(String.self, forKey: .token)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(token, forKey: .token)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var createdAt: String
        public var name: String
        public var token: String

        public init(createdAt: String, name: String, token: String) {
            self.createdAt = createdAt
            self.name = name
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case createdAt
            case name
            case token
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.name = try container.decode(String.self, forKey: .name)
            self.token = try container.decode(String.self, forKey: .token)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(name, forKey: .name)
            try container.encode(token, forKey: .token)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest", "AlreadyExists"]

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

        /// `AlreadyExists`.
        public static func alreadyExists(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AlreadyExists", errorMessage: message)
        }
    }
}
