// GENERATED from lexicons/dev/sigil/secret/revokePrevious.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// End a secret's overlap now: from the moment this returns, nothing is signed with the previous token, on any replica.
public enum DevSigilSecretRevokePrevious: XRPCMethod {
    public static let nsid = "dev.sigil.secret.revokePrevious"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
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

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var name: String
        public var revokedAt: String

        public init(name: String, revokedAt: String) {
            self.name = name
            self.revokedAt = revokedAt
        }

        enum CodingKeys: String, CodingKey {
            case name
            case revokedAt
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.revokedAt = try container.decode(String.self, forKey: .revokedAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(revokedAt, forKey: .revokedAt)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest", "NotFound", "NoPreviousToken"]

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

        /// `NoPreviousToken`.
        public static func noPreviousToken(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "NoPreviousToken", errorMessage: message)
        }
    }
}
