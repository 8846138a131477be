// GENERATED from lexicons/dev/sigil/signingKey/listPublic.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Unauthenticated: every public key a receiver should accept now for an account's signing key, each with validFrom and validUntil: the current key, the previous one during an overlap, and the announced next one. A receiver that fetches this more often than the key rotates never misses a rotation.
public enum DevSigilSigningKeyListPublic: XRPCMethod {
    public static let nsid = "dev.sigil.signingKey.listPublic"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var did: String
        public var name: String

        public init(did: String, name: String) {
            self.did = did
            self.name = name
        }

        enum CodingKeys: String, CodingKey {
            case did
            case name
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.did = try container.decode(String.self, forKey: .did)
            self.name = try container.decode(String.self, forKey: .name)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(did, forKey: .did)
            try container.encode(name, forKey: .name)
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var keys: [DevSigilSigningKeyDefs.PublicKey]

        public init(keys: [DevSigilSigningKeyDefs.PublicKey]) {
            self.keys = keys
        }

        enum CodingKeys: String, CodingKey {
            case keys
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.keys = try container.decode([DevSigilSigningKeyDefs.PublicKey].self, forKey: .keys)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(keys, forKey: .keys)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["InvalidRequest", "NotFound"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
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
