// GENERATED from lexicons/dev/sigil/secret/get.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// A secret's rotation state: versions, times, policy and status. Never a token.
public enum DevSigilSecretGet: XRPCMethod {
    public static let nsid = "dev.sigil.secret.get"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var name: String

        public init(name: String) {
            self.name = name
        }

        enum CodingKeys: String, CodingKey {
            case name
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var createdAt: String
        public var expiresAt: String?
        public var lastMessage: String?
        public var lastRotatedAt: String?
        public var lastRotationBy: String?
        public var lastRotationManual: Bool
        public var name: String
        public var policy: DevSigilSecretDefs.Policy
        public var previousValidUntil: String?
        public var rotationDueAt: String?
        public var status: String
        public var version: Int

        public init(createdAt: String, expiresAt: String? = nil, lastMessage: String? = nil, lastRotatedAt: String? = nil, lastRotationBy: String? = nil, lastRotationManual: Bool, name: String, policy: DevSigilSecretDefs.Policy, previousValidUntil: String? = nil, rotationDueAt: String? = nil, status: String, version: Int) {
            self.createdAt = createdAt
            self.expiresAt = expiresAt
            self.lastMessage = lastMessage
            self.lastRotatedAt = lastRotatedAt
            self.lastRotationBy = lastRotationBy
            self.lastRotationManual = lastRotationManual
            self.name = name
            self.policy = policy
            self.previousValidUntil = previousValidUntil
            self.rotationDueAt = rotationDueAt
            self.status = status
            self.version = version
        }

        enum CodingKeys: String, CodingKey {
            case createdAt
            case expiresAt
            case lastMessage
            case lastRotatedAt
            case lastRotationBy
            case lastRotationManual
            case name
            case policy
            case previousValidUntil
            case rotationDueAt
            case status
            case version
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
            self.lastMessage = try container.decodeIfPresent(String.self, forKey: .lastMessage)
            self.lastRotatedAt = try container.decodeIfPresent(String.self, forKey: .lastRotatedAt)
            self.lastRotationBy = try container.decodeIfPresent(String.self, forKey: .lastRotationBy)
            self.lastRotationManual = try container.decode(Bool.self, forKey: .lastRotationManual)
            self.name = try container.decode(String.self, forKey: .name)
            self.policy = try container.decode(DevSigilSecretDefs.Policy.self, forKey: .policy)
            self.previousValidUntil = try container.decodeIfPresent(String.self, forKey: .previousValidUntil)
            self.rotationDueAt = try container.decodeIfPresent(String.self, forKey: .rotationDueAt)
            self.status = try container.decode(String.self, forKey: .status)
            self.version = try container.decode(Int.self, forKey: .version)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
            try container.encodeIfPresent(lastMessage, forKey: .lastMessage)
            try container.encodeIfPresent(lastRotatedAt, forKey: .lastRotatedAt)
            try container.encodeIfPresent(lastRotationBy, forKey: .lastRotationBy)
            try container.encode(lastRotationManual, forKey: .lastRotationManual)
            try container.encode(name, forKey: .name)
            try container.encode(policy, forKey: .policy)
            try container.encodeIfPresent(previousValidUntil, forKey: .previousValidUntil)
            try container.encodeIfPresent(rotationDueAt, forKey: .rotationDueAt)
            try container.encode(status, forKey: .status)
            try container.encode(version, forKey: .version)
        }

        /// Suggested values of `lastRotationBy` (others are allowed).
        public enum LastRotationByKnownValues {
            public static let account = "account"
            public static let token = "token"
            public static let schedule = "schedule"
            public static let `operator` = "operator"
        }
        /// Suggested values of `status` (others are allowed).
        public enum StatusKnownValues {
            public static let active = "active"
            public static let overlapping = "overlapping"
            public static let expired = "expired"
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
