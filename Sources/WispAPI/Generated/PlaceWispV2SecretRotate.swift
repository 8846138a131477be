// GENERATED from lexicons/place/wisp/v2/secret/rotate.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and lexicons/ disagree.
import Lexicon
import XRPC

/// Rotate a webhook signing secret, generating a new token. The old token stops working immediately. The new token is only returned in this response.
public enum PlaceWispV2SecretRotate: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.rotate"

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Equatable {
        public var name: String

        public init(name: String) {
            self.name = name
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Equatable {
        public var name: String
        public var rotatedAt: String
        public var token: String

        public init(name: String, rotatedAt: String, token: String) {
            self.name = name
            self.rotatedAt = rotatedAt
            self.token = token
        }
    }

    /// Errors this method declares; thrown by a handler they answer 400 with their name.
    public struct DeclaredError: XRPCDeclaredError, Equatable {
        public let errorName: String
        public let errorMessage: String?

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }

        /// `NotFound`.
        public static func notFound(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "NotFound", errorMessage: message)
        }
    }
}
