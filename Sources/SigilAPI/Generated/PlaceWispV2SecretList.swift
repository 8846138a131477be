// GENERATED from lexicons/place/wisp/v2/secret/list.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
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
        public var secrets: [PlaceWispV2SecretList.SecretMeta]

        public init(cursor: String? = nil, secrets: [PlaceWispV2SecretList.SecretMeta]) {
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
            self.secrets = try container.decode([PlaceWispV2SecretList.SecretMeta].self, forKey: .secrets)
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

    /// A secret's metadata; never its token.
    public struct SecretMeta: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "place.wisp.v2.secret.list#secretMeta"

        public var createdAt: String
        public var lastRotatedAt: String?
        public var name: String

        public init(createdAt: String, lastRotatedAt: String? = nil, name: String) {
            self.createdAt = createdAt
            self.lastRotatedAt = lastRotatedAt
            self.name = name
        }

        enum CodingKeys: String, CodingKey {
            case createdAt
            case lastRotatedAt
            case name
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.lastRotatedAt = try container.decodeIfPresent(String.self, forKey: .lastRotatedAt)
            self.name = try container.decode(String.self, forKey: .name)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encodeIfPresent(lastRotatedAt, forKey: .lastRotatedAt)
            try container.encode(name, forKey: .name)
        }
    }
}
