// GENERATED from lexicons/place/wisp/v2/wh.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// A webhook: POST matching record events under an AT-URI scope to an HTTPS endpoint.
public enum PlaceWispV2Wh {
    /// `AtUri`.
    public struct AtUri: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "place.wisp.v2.wh#atUri"

        public var aturi: String
        public var backlinks: Bool?

        public init(aturi: String, backlinks: Bool? = nil) {
            self.aturi = aturi
            self.backlinks = backlinks
        }

        enum CodingKeys: String, CodingKey {
            case aturi
            case backlinks
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.aturi = try container.decode(String.self, forKey: .aturi)
            self.backlinks = try container.decodeIfPresent(Bool.self, forKey: .backlinks)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(aturi, forKey: .aturi)
            try container.encodeIfPresent(backlinks, forKey: .backlinks)
        }
    }

    public static let nsid = "place.wisp.v2.wh"

    /// A `place.wisp.v2.wh` record.
    public struct Record: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions and records.
        public static let lexiconType = "place.wisp.v2.wh"

        public var createdAt: String
        public var enabled: Bool?
        public var events: [String]?
        public var scope: PlaceWispV2Wh.AtUri
        public var secret: String?
        public var secretId: String?
        public var url: String

        public init(createdAt: String, enabled: Bool? = nil, events: [String]? = nil, scope: PlaceWispV2Wh.AtUri, secret: String? = nil, secretId: String? = nil, url: String) {
            self.createdAt = createdAt
            self.enabled = enabled
            self.events = events
            self.scope = scope
            self.secret = secret
            self.secretId = secretId
            self.url = url
        }

        enum CodingKeys: String, CodingKey {
            case lexiconType = "$type"
            case createdAt
            case enabled
            case events
            case scope
            case secret
            case secretId
            case url
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
            self.events = try container.decodeIfPresent([String].self, forKey: .events)
            self.scope = try container.decode(PlaceWispV2Wh.AtUri.self, forKey: .scope)
            self.secret = try container.decodeIfPresent(String.self, forKey: .secret)
            self.secretId = try container.decodeIfPresent(String.self, forKey: .secretId)
            self.url = try container.decode(String.self, forKey: .url)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("place.wisp.v2.wh", forKey: .lexiconType)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encodeIfPresent(enabled, forKey: .enabled)
            try container.encodeIfPresent(events, forKey: .events)
            try container.encode(scope, forKey: .scope)
            try container.encodeIfPresent(secret, forKey: .secret)
            try container.encodeIfPresent(secretId, forKey: .secretId)
            try container.encode(url, forKey: .url)
        }
    }
}
