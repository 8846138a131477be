// GENERATED from lexicons/place/wisp/v2/secret/list.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// List the calling account's webhook signing secrets. Never returns tokens.
public enum PlaceWispV2SecretList: XRPCMethod {
    public static let nsid = "place.wisp.v2.secret.list"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var cursor: String?
        public var limit: Int

        public init(cursor: String? = nil, limit: Int = 50) {
            self.cursor = cursor
            self.limit = limit
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case limit
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 50
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(limit, forKey: .limit)
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var cursor: String?
        public var secrets: [PlaceWispV2SecretList.SecretView]

        public init(cursor: String? = nil, secrets: [PlaceWispV2SecretList.SecretView]) {
            self.cursor = cursor
            self.secrets = secrets
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case secrets
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.secrets = try container.decode([PlaceWispV2SecretList.SecretView].self, forKey: .secrets)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(secrets, forKey: .secrets)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }
    }

    /// `SecretView`.
    public struct SecretView: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "place.wisp.v2.secret.list#secretView"

        public var createdAt: String
        public var name: String
        public var rotatedAt: String?

        public init(createdAt: String, name: String, rotatedAt: String? = nil) {
            self.createdAt = createdAt
            self.name = name
            self.rotatedAt = rotatedAt
        }

        enum CodingKeys: String, CodingKey {
            case createdAt
            case name
            case rotatedAt
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.name = try container.decode(String.self, forKey: .name)
            self.rotatedAt = try container.decodeIfPresent(String.self, forKey: .rotatedAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(rotatedAt, forKey: .rotatedAt)
        }
    }
}
