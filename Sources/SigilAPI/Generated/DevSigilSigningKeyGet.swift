// GENERATED from lexicons/dev/sigil/signingKey/get.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// One signing key: its public keys, schedule and last rotation (the Cloudflare and Infisical fields).
public enum DevSigilSigningKeyGet: XRPCMethod {
    public static let nsid = "dev.sigil.signingKey.get"
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
        public var key: DevSigilSigningKeyDefs.KeyView

        public init(key: DevSigilSigningKeyDefs.KeyView) {
            self.key = key
        }

        enum CodingKeys: String, CodingKey {
            case key
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.key = try container.decode(DevSigilSigningKeyDefs.KeyView.self, forKey: .key)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
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
