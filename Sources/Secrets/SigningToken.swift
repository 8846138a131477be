import Foundation
import Sodium

/// A webhook signing token: `whsec_` + standard base64 of 32 random bytes, so every Standard Webhooks
/// library accepts it as a secret as it is. Its description never shows the value.
public struct SigningToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let prefix = "whsec_"
    public static let keyBytes = 32

    /// The full token text, as returned to the owner once.
    public let text: String

    /// A fresh token from libsodium's CSPRNG.
    public static func generate() -> SigningToken {
        SigningToken(unchecked: prefix + Data(Sodium.randomBytes(keyBytes)).base64EncodedString())
    }

    /// Parses token text; `nil` unless it is `whsec_` + base64 of at least 24 bytes (longest accepted: 512 bytes).
    public init?(_ text: String) {
        guard text.utf8.count <= 512, text.hasPrefix(Self.prefix),
              let key = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))), key.count >= 24 else { return nil }
        self.text = text
    }

    private init(unchecked text: String) {
        self.text = text
    }

    /// The HMAC key for wisp's `X-Webhook-Signature`: the token's UTF-8 bytes.
    public var wispKey: [UInt8] { Array(text.utf8) }

    /// The HMAC key for Standard Webhooks: the base64-decoded part after `whsec_`.
    public var standardWebhooksKey: [UInt8] {
        Data(base64Encoded: String(text.dropFirst(Self.prefix.count))).map { [UInt8]($0) } ?? []
    }

    public var description: String { "whsec_…(redacted)" }
    public var debugDescription: String { description }

    public static func == (lhs: SigningToken, rhs: SigningToken) -> Bool {
        Sodium.constantTimeEqual(Array(lhs.text.utf8), Array(rhs.text.utf8))
    }
}
