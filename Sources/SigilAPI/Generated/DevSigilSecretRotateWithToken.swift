// GENERATED from lexicons/dev/sigil/secret/rotateWithToken.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Rotate the secret whose current token is presented as the bearer (Authorization: Bearer whsec_…), under the secret's policy; a cron job on the receiver's side needs no account credential. Any token that is not the current, unexpired token of a secret (wrong, previous, expired, deleted) answers 401, the same way.
public enum DevSigilSecretRotateWithToken: XRPCMethod {
    public static let nsid = "dev.sigil.secret.rotateWithToken"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {

        public init() {
        }

        enum CodingKeys: CodingKey {
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
        }
    }

    public typealias Output = DevSigilSecretDefs.Rotation

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = ["AuthenticationRequired", "RotationInProgress"]

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }

        /// `AuthenticationRequired`.
        public static func authenticationRequired(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "AuthenticationRequired", errorMessage: message)
        }

        /// `RotationInProgress`.
        public static func rotationInProgress(_ message: String? = nil) -> DeclaredError {
            DeclaredError(errorName: "RotationInProgress", errorMessage: message)
        }
    }
}
