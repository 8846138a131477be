// GENERATED from lexicons/dev/sigil/secret/defs.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Types of the lexicon `dev.sigil.secret.defs`.
public enum DevSigilSecretDefs {
    /// One entry of a secret's audit trail.
    public struct Event: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.secret.defs#event"

        public var action: String
        public var at: String
        public var by: String
        public var version: Int

        public init(action: String, at: String, by: String, version: Int) {
            self.action = action
            self.at = at
            self.by = by
            self.version = version
        }

        enum CodingKeys: String, CodingKey {
            case action
            case at
            case by
            case version
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.action = try container.decode(String.self, forKey: .action)
            self.at = try container.decode(String.self, forKey: .at)
            self.by = try container.decode(String.self, forKey: .by)
            self.version = try container.decode(Int.self, forKey: .version)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(action, forKey: .action)
            try container.encode(at, forKey: .at)
            try container.encode(by, forKey: .by)
            try container.encode(version, forKey: .version)
        }

        /// Suggested values of `action` (others are allowed).
        public enum ActionKnownValues {
            public static let created = "created"
            public static let rotated = "rotated"
            public static let previousRevoked = "previousRevoked"
            public static let overlapEnded = "overlapEnded"
            public static let expired = "expired"
            public static let deleted = "deleted"
            public static let policySet = "policySet"
        }
        /// Suggested values of `by` (others are allowed).
        public enum ByKnownValues {
            public static let account = "account"
            public static let token = "token"
            public static let schedule = "schedule"
            public static let `operator` = "operator"
        }    }

    /// How a secret rotates. An absent field is no such rule.
    public struct Policy: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.secret.defs#policy"

        public var expiresAt: String?
        public var overlapSeconds: Int?
        public var rotationPeriodSeconds: Int?

        public init(expiresAt: String? = nil, overlapSeconds: Int? = nil, rotationPeriodSeconds: Int? = nil) {
            self.expiresAt = expiresAt
            self.overlapSeconds = overlapSeconds
            self.rotationPeriodSeconds = rotationPeriodSeconds
        }

        enum CodingKeys: String, CodingKey {
            case expiresAt
            case overlapSeconds
            case rotationPeriodSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
            self.overlapSeconds = try container.decodeIfPresent(Int.self, forKey: .overlapSeconds)
            self.rotationPeriodSeconds = try container.decodeIfPresent(Int.self, forKey: .rotationPeriodSeconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
            try container.encodeIfPresent(overlapSeconds, forKey: .overlapSeconds)
            try container.encodeIfPresent(rotationPeriodSeconds, forKey: .rotationPeriodSeconds)
        }
    }

    /// A rotation's result.
    public struct Rotation: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.secret.defs#rotation"

        public var name: String
        public var previousValidUntil: String?
        public var rotatedAt: String
        public var token: String

        public init(name: String, previousValidUntil: String? = nil, rotatedAt: String, token: String) {
            self.name = name
            self.previousValidUntil = previousValidUntil
            self.rotatedAt = rotatedAt
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case name
            case previousValidUntil
            case rotatedAt
            case token
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.previousValidUntil = try container.decodeIfPresent(String.self, forKey: .previousValidUntil)
            self.rotatedAt = try container.decode(String.self, forKey: .rotatedAt)
            self.token = try container.decode(String.self, forKey: .token)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(previousValidUntil, forKey: .previousValidUntil)
            try container.encode(rotatedAt, forKey: .rotatedAt)
            try container.encode(token, forKey: .token)
        }
    }
}
