// GENERATED from lexicons/dev/sigil/signingKey/defs.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Types of the lexicon `dev.sigil.signingKey.defs`.
public enum DevSigilSigningKeyDefs {
    /// A signing key as its account sees it. Never the secret key.
    public struct KeyView: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.signingKey.defs#keyView"

        public var at: String?
        public var createdAt: String
        public var daysUntilNextRotation: Int?
        public var intervalDays: Int?
        public var lastMessage: String?
        public var lastRotatedAt: String?
        public var lastRotationManual: Bool?
        public var lastStatus: String?
        public var name: String
        public var nextPublicKey: String?
        public var nextRotationAt: String?
        public var overlapSeconds: Int
        public var previousPublicKey: String?
        public var previousValidUntil: String?
        public var publicKey: String
        public var status: String
        public var version: Int

        public init(at: String? = nil, createdAt: String, daysUntilNextRotation: Int? = nil, intervalDays: Int? = nil, lastMessage: String? = nil, lastRotatedAt: String? = nil, lastRotationManual: Bool? = nil, lastStatus: String? = nil, name: String, nextPublicKey: String? = nil, nextRotationAt: String? = nil, overlapSeconds: Int, previousPublicKey: String? = nil, previousValidUntil: String? = nil, publicKey: String, status: String, version: Int) {
            self.at = at
            self.createdAt = createdAt
            self.daysUntilNextRotation = daysUntilNextRotation
            self.intervalDays = intervalDays
            self.lastMessage = lastMessage
            self.lastRotatedAt = lastRotatedAt
            self.lastRotationManual = lastRotationManual
            self.lastStatus = lastStatus
            self.name = name
            self.nextPublicKey = nextPublicKey
            self.nextRotationAt = nextRotationAt
            self.overlapSeconds = overlapSeconds
            self.previousPublicKey = previousPublicKey
            self.previousValidUntil = previousValidUntil
            self.publicKey = publicKey
            self.status = status
            self.version = version
        }

        enum CodingKeys: String, CodingKey {
            case at
            case createdAt
            case daysUntilNextRotation
            case intervalDays
            case lastMessage
            case lastRotatedAt
            case lastRotationManual
            case lastStatus
            case name
            case nextPublicKey
            case nextRotationAt
            case overlapSeconds
            case previousPublicKey
            case previousValidUntil
            case publicKey
            case status
            case version
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.at = try container.decodeIfPresent(String.self, forKey: .at)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.daysUntilNextRotation = try container.decodeIfPresent(Int.self, forKey: .daysUntilNextRotation)
            self.intervalDays = try container.decodeIfPresent(Int.self, forKey: .intervalDays)
            self.lastMessage = try container.decodeIfPresent(String.self, forKey: .lastMessage)
            self.lastRotatedAt = try container.decodeIfPresent(String.self, forKey: .lastRotatedAt)
            self.lastRotationManual = try container.decodeIfPresent(Bool.self, forKey: .lastRotationManual)
            self.lastStatus = try container.decodeIfPresent(String.self, forKey: .lastStatus)
            self.name = try container.decode(String.self, forKey: .name)
            self.nextPublicKey = try container.decodeIfPresent(String.self, forKey: .nextPublicKey)
            self.nextRotationAt = try container.decodeIfPresent(String.self, forKey: .nextRotationAt)
            self.overlapSeconds = try container.decode(Int.self, forKey: .overlapSeconds)
            self.previousPublicKey = try container.decodeIfPresent(String.self, forKey: .previousPublicKey)
            self.previousValidUntil = try container.decodeIfPresent(String.self, forKey: .previousValidUntil)
            self.publicKey = try container.decode(String.self, forKey: .publicKey)
            self.status = try container.decode(String.self, forKey: .status)
            self.version = try container.decode(Int.self, forKey: .version)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(at, forKey: .at)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encodeIfPresent(daysUntilNextRotation, forKey: .daysUntilNextRotation)
            try container.encodeIfPresent(intervalDays, forKey: .intervalDays)
            try container.encodeIfPresent(lastMessage, forKey: .lastMessage)
            try container.encodeIfPresent(lastRotatedAt, forKey: .lastRotatedAt)
            try container.encodeIfPresent(lastRotationManual, forKey: .lastRotationManual)
            try container.encodeIfPresent(lastStatus, forKey: .lastStatus)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(nextPublicKey, forKey: .nextPublicKey)
            try container.encodeIfPresent(nextRotationAt, forKey: .nextRotationAt)
            try container.encode(overlapSeconds, forKey: .overlapSeconds)
            try container.encodeIfPresent(previousPublicKey, forKey: .previousPublicKey)
            try container.encodeIfPresent(previousValidUntil, forKey: .previousValidUntil)
            try container.encode(publicKey, forKey: .publicKey)
            try container.encode(status, forKey: .status)
            try container.encode(version, forKey: .version)
        }

        /// Suggested values of `lastStatus` (others are allowed).
        public enum LastStatusKnownValues {
            public static let rotated = "rotated"
            public static let failed = "failed"
        }
        /// Suggested values of `status` (others are allowed).
        public enum StatusKnownValues {
            public static let active = "active"
            public static let overlapping = "overlapping"
        }    }

    /// A public key receivers should accept, and when.
    public struct PublicKey: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.signingKey.defs#publicKey"

        public var publicKey: String
        public var validFrom: String
        public var validUntil: String?

        public init(publicKey: String, validFrom: String, validUntil: String? = nil) {
            self.publicKey = publicKey
            self.validFrom = validFrom
            self.validUntil = validUntil
        }

        enum CodingKeys: String, CodingKey {
            case publicKey
            case validFrom
            case validUntil
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.publicKey = try container.decode(String.self, forKey: .publicKey)
            self.validFrom = try container.decode(String.self, forKey: .validFrom)
            self.validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(publicKey, forKey: .publicKey)
            try container.encode(validFrom, forKey: .validFrom)
            try container.encodeIfPresent(validUntil, forKey: .validUntil)
        }
    }
}
