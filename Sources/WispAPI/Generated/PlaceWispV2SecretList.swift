// GENERATED from lexicons/place/wisp/v2/secret/list.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and lexicons/ disagree.
import Lexicon
import XRPC

/// List the calling account's webhook signing secrets. Never returns tokens.
public enum PlaceWispV2SecretList: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.list"

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Equatable {
        public var cursor: String?
        public var limit: Int

        public init(cursor: String? = nil, limit: Int) {
            self.cursor = cursor
            self.limit = limit
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Equatable {
        public var cursor: String?
        public var secrets: [PlaceWispV2SecretList.SecretView]

        public init(cursor: String? = nil, secrets: [PlaceWispV2SecretList.SecretView]) {
            self.cursor = cursor
            self.secrets = secrets
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
    }

    /// `SecretView`.
    public struct SecretView: Codable, Sendable, Equatable {
        public var createdAt: String
        public var name: String
        public var rotatedAt: String?

        public init(createdAt: String, name: String, rotatedAt: String? = nil) {
            self.createdAt = createdAt
            self.name = name
            self.rotatedAt = rotatedAt
        }
    }
}
