// GENERATED from lexicons/dev/sigil/signingKey/rotate.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Rotate a signing key: a new key pair (the announced next one, if there is one) signs from now; with an overlap the old key also signs until it ends (two v1a entries), then is retired. Never more than two keys sign: a previous key still in its overlap is retired at once.
public enum DevSigilSigningKeyRotate: XRPCMethod {
    public static let nsid = "dev.sigil.signingKey.rotate"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var name: String
        public var overlapSeconds: Int?

        public init(name: String, overlapSeconds: Int? = nil) {
            self.name = name
            self.overlapSeconds = overlapSeconds
        }

        enum CodingKeys: String, CodingKey {
            case name
            case overlapSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.overlapSeconds = try container.decodeIfPresent(Int.self, forKey: .overlapSeconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(overlapSeconds, forKey: .overlapSeconds)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var name: String
        public var previousValidUntil: String?
        public var publicKey: String
        public var rotatedAt: String

        public init(name: String, previousValidUntil: String? = nil, publicKey: String, rotatedAt: String) {
            self.name = name
            self.previousValidUntil = previousValidUntil
            self.publicKey = publicKey
            self.rotatedAt = rotatedAt
        }

        enum CodingKeys: String, CodingKey {
            case name
            case previousValidUntil
            case publicKey
            case rotatedAt
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.previousValidUntil = try container.decodeIfPresent(String.self, forKey: .previousValidUntil)
            self.publicKey = try container.decode(String.self, forKey: .publicKey)
            self.rotatedAt = try container.decode(String.self, forKey: .rotatedAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(previousValidUntil, forKey: .previousValidUntil)
            try container.encode(publicKey, forKey: .publicKey)
            try container.encode(rotatedAt, forKey: .rotatedAt)
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
