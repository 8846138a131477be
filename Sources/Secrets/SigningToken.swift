import Foundation
import Sodium
import WebhookSignature

/// A webhook signing token: `whsec_` + standard base64 of 32 random bytes, so every Standard Webhooks
/// library accepts it as a secret as it is; or a token the owner registered (``RegisteredToken``: its text keys
/// both signature formats). Its description never shows the value.
public struct SigningToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let prefix = "whsec_"
    public static let keyBytes = 32

    /// The full token text, as returned to the owner once.
    public let text: String

    /// A fresh token from libsodium's CSPRNG.
    public static func generate() -> SigningToken {
        SigningToken(unchecked: prefix + Data(Sodium.randomBytes(keyBytes)).base64EncodedString())
    }

    /// Parses token text; `nil` unless it is a secret Sigil signs with: `whsec_` + canonical standard base64 of
    /// 24 to 512 bytes, or a token the owner registered (``RegisteredToken``); the one parser,
    /// ``WebhookSigner/init(anyToken:)``'s.
    public init?(_ text: String) {
        guard (try? WebhookSigner(anyToken: text)) != nil else { return nil }
        self.text = text
    }

    /// A token the caller supplies to `create` or `rotate` (one its receiving system generated): wisp.place's rule
    /// (``RegisteredToken``), and one starting with `whsec_` must be a Standard Webhooks secret (else a stock library
    /// would read it differently from Sigil). Throws the rule that `text` breaks; the message never shows it.
    public static func supplied(_ text: String) throws(SecretServiceError) -> SigningToken {
        guard RegisteredToken.isValid(text) else { throw .invalidRequest("token must be \(RegisteredToken.rule)") }
        guard !text.hasPrefix(prefix) || (try? WebhookSigner(token: text)) != nil else {
            throw .invalidRequest("a token starting with whsec_ must be whsec_ + standard base64 of 24 to 512 bytes")
        }
        return SigningToken(unchecked: text)
    }

    /// Whether this token is a Standard Webhooks `whsec_` secret (else the owner registered it as plain text).
    public var isStandardWebhooksSecret: Bool { text.hasPrefix(Self.prefix) }

    private init(unchecked text: String) {
        self.text = text
    }

    /// The HMAC key for wisp's `X-Webhook-Signature`: the token's UTF-8 bytes.
    public var wispKey: [UInt8] { Array(text.utf8) }

    /// The HMAC key for Standard Webhooks: the base64-decoded part after `whsec_`; a registered token's UTF-8 bytes.
    public var standardWebhooksKey: [UInt8] {
        guard isStandardWebhooksSecret else { return Array(text.utf8) }
        return Data(base64Encoded: String(text.dropFirst(Self.prefix.count))).map { [UInt8]($0) } ?? []
    }

    public var description: String { "whsec_…(redacted)" }
    public var debugDescription: String { description }

    public static func == (lhs: SigningToken, rhs: SigningToken) -> Bool {
        Sodium.constantTimeEqual(Array(lhs.text.utf8), Array(rhs.text.utf8))
    }
}

/// The tokens a delivery is signed with now: the current one and, during an overlap, the previous one.
public struct SigningKeys: Sendable {
    public let current: SigningToken
    /// The current token's version.
    public let version: Int64
    /// The previous token while its overlap window is open.
    public let previous: SigningToken?

    public init(current: SigningToken, version: Int64, previous: SigningToken? = nil) {
        self.current = current
        self.version = version
        self.previous = previous
    }

    /// Current first, then the previous one if any.
    public var all: [SigningToken] { [current] + (previous.map { [$0] } ?? []) }
}

/// RFC 3339 UTC with milliseconds, for messages.
func iso8601(_ milliseconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}
