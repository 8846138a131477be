// GENERATED from lexicons/place/wisp/v2/secret/delete.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and lexicons/ disagree.
import Lexicon
import XRPC

/// Delete a webhook signing secret. Deliveries that name it stop being signed with it at once.
public enum PlaceWispV2SecretDelete: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.delete"

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
        public var deleted: Bool
        public var name: String

        public init(deleted: Bool, name: String) {
            self.deleted = deleted
            self.name = name
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
