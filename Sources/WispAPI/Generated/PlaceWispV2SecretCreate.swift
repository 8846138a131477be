// GENERATED from lexicons/place/wisp/v2/secret/create.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and lexicons/ disagree.
import Lexicon
import XRPC

/// Create a named webhook signing secret for the calling account. The token is only returned in this response.
public enum PlaceWispV2SecretCreate: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.create"

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
        public var createdAt: String
        public var name: String
        public var token: String

        public init(createdAt: String, name: String, token: String) {
            self.createdAt = createdAt
            self.name = name
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
