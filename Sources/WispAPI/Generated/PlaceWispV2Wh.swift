// GENERATED from lexicons/place/wisp/v2/wh.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/WispAPI/Generated
// A test fails when this file and lexicons/ disagree.
import Lexicon
import XRPC

/// A webhook: POST matching record events under an AT-URI scope to an HTTPS endpoint.
public enum PlaceWispV2Wh {
    /// `AtUri`.
    public struct AtUri: Codable, Sendable, Equatable {
        public var aturi: String
        public var backlinks: Bool?

        public init(aturi: String, backlinks: Bool? = nil) {
            self.aturi = aturi
            self.backlinks = backlinks
        }
    }

    public static let nsid = "place.wisp.v2.wh"

    /// A `place.wisp.v2.wh` record.
    public struct Record: Codable, Sendable, Equatable {
        /// Always `place.wisp.v2.wh`.
        public var type: String = "place.wisp.v2.wh"
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
            case type = "$type"
            case createdAt
            case enabled
            case events
            case scope
            case secret
            case secretId
            case url
        }
    }
}
