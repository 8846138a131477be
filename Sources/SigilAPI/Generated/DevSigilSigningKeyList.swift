// GENERATED from lexicons/dev/sigil/signingKey/list.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// The account's signing keys, by name (at most 100).
public enum DevSigilSigningKeyList: XRPCMethod {
    public static let nsid = "dev.sigil.signingKey.list"
    public static let kind = XRPCMethodKind.query

    public typealias Parameters = XRPCNothing

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var keys: [DevSigilSigningKeyDefs.KeyView]

        public init(keys: [DevSigilSigningKeyDefs.KeyView]) {
            self.keys = keys
        }

        enum CodingKeys: String, CodingKey {
            case keys
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.keys = try container.decode([DevSigilSigningKeyDefs.KeyView].self, forKey: .keys)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(keys, forKey: .keys)
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
}
