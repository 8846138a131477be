// GENERATED from lexicons/dev/sigil/webhook/defs.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Types of the lexicon `dev.sigil.webhook.defs`.
public enum DevSigilWebhookDefs {
    /// One attempt at a delivery.
    public struct Attempt: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.webhook.defs#attempt"

        public var at: String
        public var durationMs: Int
        public var error: String?
        public var status: Int?

        public init(at: String, durationMs: Int, error: String? = nil, status: Int? = nil) {
            self.at = at
            self.durationMs = durationMs
            self.error = error
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case at
            case durationMs
            case error
            case status
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.at = try container.decode(String.self, forKey: .at)
            self.durationMs = try container.decode(Int.self, forKey: .durationMs)
            self.error = try container.decodeIfPresent(String.self, forKey: .error)
            self.status = try container.decodeIfPresent(Int.self, forKey: .status)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(at, forKey: .at)
            try container.encode(durationMs, forKey: .durationMs)
            try container.encodeIfPresent(error, forKey: .error)
            try container.encodeIfPresent(status, forKey: .status)
        }
    }

    /// One delivery of an event to a webhook. Never a token or a signature.
    public struct Delivery: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "dev.sigil.webhook.defs#delivery"

        public var attempts: Int
        public var collection: String
        public var createdAt: String
        public var did: String?
        public var event: String
        public var id: String
        public var lastError: String?
        public var lastStatus: Int?
        public var nextAttemptAt: String?
        public var rkey: String
        public var status: String
        public var updatedAt: String
        public var webhook: String

        public init(attempts: Int, collection: String, createdAt: String, did: String? = nil, event: String, id: String, lastError: String? = nil, lastStatus: Int? = nil, nextAttemptAt: String? = nil, rkey: String, status: String, updatedAt: String, webhook: String) {
            self.attempts = attempts
            self.collection = collection
            self.createdAt = createdAt
            self.did = did
            self.event = event
            self.id = id
            self.lastError = lastError
            self.lastStatus = lastStatus
            self.nextAttemptAt = nextAttemptAt
            self.rkey = rkey
            self.status = status
            self.updatedAt = updatedAt
            self.webhook = webhook
        }

        enum CodingKeys: String, CodingKey {
            case attempts
            case collection
            case createdAt
            case did
            case event
            case id
            case lastError
            case lastStatus
            case nextAttemptAt
            case rkey
            case status
            case updatedAt
            case webhook
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.attempts = try container.decode(Int.self, forKey: .attempts)
            self.collection = try container.decode(String.self, forKey: .collection)
            self.createdAt = try container.decode(String.self, forKey: .createdAt)
            self.did = try container.decodeIfPresent(String.self, forKey: .did)
            self.event = try container.decode(String.self, forKey: .event)
            self.id = try container.decode(String.self, forKey: .id)
            self.lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
            self.lastStatus = try container.decodeIfPresent(Int.self, forKey: .lastStatus)
            self.nextAttemptAt = try container.decodeIfPresent(String.self, forKey: .nextAttemptAt)
            self.rkey = try container.decode(String.self, forKey: .rkey)
            self.status = try container.decode(String.self, forKey: .status)
            self.updatedAt = try container.decode(String.self, forKey: .updatedAt)
            self.webhook = try container.decode(String.self, forKey: .webhook)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(collection, forKey: .collection)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encodeIfPresent(did, forKey: .did)
            try container.encode(event, forKey: .event)
            try container.encode(id, forKey: .id)
            try container.encodeIfPresent(lastError, forKey: .lastError)
            try container.encodeIfPresent(lastStatus, forKey: .lastStatus)
            try container.encodeIfPresent(nextAttemptAt, forKey: .nextAttemptAt)
            try container.encode(rkey, forKey: .rkey)
            try container.encode(status, forKey: .status)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(webhook, forKey: .webhook)
        }

        /// Suggested values of `event` (others are allowed).
        public enum EventKnownValues {
            public static let create = "create"
            public static let update = "update"
            public static let delete = "delete"
            public static let ping = "ping"
        }
        /// Suggested values of `status` (others are allowed).
        public enum StatusKnownValues {
            public static let pending = "pending"
            public static let delivered = "delivered"
            public static let dead = "dead"
            public static let cancelled = "cancelled"
        }    }
}
