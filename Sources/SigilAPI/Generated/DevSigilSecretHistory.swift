// GENERATED from lexicons/dev/sigil/secret/history.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// A secret's audit trail, newest first, paginated.
public enum DevSigilSecretHistory: XRPCMethod {
    public static let nsid = "dev.sigil.secret.history"
    public static let kind = XRPCMethodKind.query

    /// Query parameters.
    public struct Parameters: Codable, Sendable, Hashable {
        public var cursor: String?
        public var limit: Int
        public var name: String

        public init(cursor: String? = nil, limit: Int = 50, name: String) {
            self.cursor = cursor
            self.limit = limit
            self.name = name
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case limit
            case name
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 50
            self.name = try container.decode(String.self, forKey: .name)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(limit, forKey: .limit)
            try container.encode(name, forKey: .name)
        }
    }

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var cursor: String?
        public var events: [DevSigilSecretDefs.Event]

        public init(cursor: String? = nil, events: [DevSigilSecretDefs.Event]) {
            self.cursor = cursor
            self.events = events
        }

        enum CodingKeys: String, CodingKey {
            case cursor
            case events
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
            self.events = try container.decode([DevSigilSecretDefs.Event].self, forKey: .events)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cursor, forKey: .cursor)
            try container.encode(events, forKey: .events)
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "InvalidRequest", "NotFound"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }

        /// `InvalidRequest`.
        public static func invalidRequest(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "InvalidRequest", errorMessage: message)
        }

        /// `NotFound`.
        public static func notFound(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "NotFound", errorMessage: message)
        }
    }
}
