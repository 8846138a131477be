// GENERATED from lexicons/dev/sigil/secret/setPolicy.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Set a secret's rotation policy; a field left out clears that rule.
public enum DevSigilSecretSetPolicy: XRPCMethod {
    public static let nsid = "dev.sigil.secret.setPolicy"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var expiresAt: String?
        public var name: String
        public var overlapSeconds: Int?
        public var rotationPeriodSeconds: Int?

        public init(expiresAt: String? = nil, name: String, overlapSeconds: Int? = nil, rotationPeriodSeconds: Int? = nil) {
            self.expiresAt = expiresAt
            self.name = name
            self.overlapSeconds = overlapSeconds
            self.rotationPeriodSeconds = rotationPeriodSeconds
        }

        enum CodingKeys: String, CodingKey {
            case expiresAt
            case name
            case overlapSeconds
            case rotationPeriodSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
            self.name = try container.decode(String.self, forKey: .name)
            self.overlapSeconds = try container.decodeIfPresent(Int.self, forKey: .overlapSeconds)
            self.rotationPeriodSeconds = try container.decodeIfPresent(Int.self, forKey: .rotationPeriodSeconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(overlapSeconds, forKey: .overlapSeconds)
            try container.encodeIfPresent(rotationPeriodSeconds, forKey: .rotationPeriodSeconds)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var name: String
        public var policy: DevSigilSecretDefs.Policy

        public init(name: String, policy: DevSigilSecretDefs.Policy) {
            self.name = name
            self.policy = policy
        }

        enum CodingKeys: String, CodingKey {
            case name
            case policy
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.policy = try container.decode(DevSigilSecretDefs.Policy.self, forKey: .policy)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(policy, forKey: .policy)
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
