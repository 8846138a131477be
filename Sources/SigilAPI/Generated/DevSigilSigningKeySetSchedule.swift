// GENERATED from lexicons/dev/sigil/signingKey/setSchedule.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Rotate a signing key on a schedule: every intervalDays days (counted from now, then from each rotation), at a UTC time of day if given, keeping overlapSeconds. The next key is published (listPublic) from the moment a schedule is set, before it signs. Without intervalDays the schedule is removed.
public enum DevSigilSigningKeySetSchedule: XRPCMethod {
    public static let nsid = "dev.sigil.signingKey.setSchedule"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var at: String?
        public var intervalDays: Int?
        public var name: String
        public var overlapSeconds: Int?

        public init(at: String? = nil, intervalDays: Int? = nil, name: String, overlapSeconds: Int? = nil) {
            self.at = at
            self.intervalDays = intervalDays
            self.name = name
            self.overlapSeconds = overlapSeconds
        }

        enum CodingKeys: String, CodingKey {
            case at
            case intervalDays
            case name
            case overlapSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.at = try container.decodeIfPresent(String.self, forKey: .at)
            self.intervalDays = try container.decodeIfPresent(Int.self, forKey: .intervalDays)
            self.name = try container.decode(String.self, forKey: .name)
            self.overlapSeconds = try container.decodeIfPresent(Int.self, forKey: .overlapSeconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(at, forKey: .at)
            try container.encodeIfPresent(intervalDays, forKey: .intervalDays)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(overlapSeconds, forKey: .overlapSeconds)
        }
    }

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var key: DevSigilSigningKeyDefs.KeyView

        public init(key: DevSigilSigningKeyDefs.KeyView) {
            self.key = key
        }

        enum CodingKeys: String, CodingKey {
            case key
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.key = try container.decode(DevSigilSigningKeyDefs.KeyView.self, forKey: .key)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
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
