// GENERATED from lexicons/dev/sigil/secret/rotate.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Rotate a secret, optionally keeping the previous token signing for an overlap. Only two tokens are ever alive: a rotation inside a live overlap is refused unless forced, which first kills the older token.
public enum DevSigilSecretRotate: XRPCMethod {
    public static let nsid = "dev.sigil.secret.rotate"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var force: Bool?
        public var name: String
        public var overlapSeconds: Int?
        public var token: String?

        public init(force: Bool? = nil, name: String, overlapSeconds: Int? = nil, token: String? = nil) {
            self.force = force
            self.name = name
            self.overlapSeconds = overlapSeconds
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case force
            case name
            case overlapSeconds
            case token
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.force = try container.decodeIfPresent(Bool.self, forKey: .force)
            self.name = try container.decode(String.self, forKey: .name)
            self.overlapSeconds = try container.decodeIfPresent(Int.self, forKey: .overlapSeconds)
            self.token = try container.decodeIfPresent(String.self, forKey: .token)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(force, forKey: .force)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(overlapSeconds, forKey: .overlapSeconds)
            try container.encodeIfPresent(token, forKey: .token)
        }
    }

    public typealias Output = DevSigilSecretDefs.Rotation

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest", "NotFound", "RotationInProgress", "Expired"]

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

        /// `RotationInProgress`.
        public static func rotationInProgress(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "RotationInProgress", errorMessage: message)
        }

        /// `Expired`.
        public static func expired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "Expired", errorMessage: message)
        }
    }
}
