import Foundation
import Sodium

/// The header names of the two signature formats a Sigil delivery carries.
public enum WebhookHeaderName {
    /// wisp.place's format: `sha256=<lowercase hex HMAC-SHA256(body)>`, keyed by the token's UTF-8 bytes.
    public static let wispSignature = "X-Webhook-Signature"
    /// Standard Webhooks: the message id (`{id}` in the signed content).
    public static let id = "webhook-id"
    /// Standard Webhooks: Unix seconds of this attempt (`{timestamp}` in the signed content).
    public static let timestamp = "webhook-timestamp"
    /// Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>` entries.
    public static let signature = "webhook-signature"
}

/// Why a token cannot be used as a signing secret. Messages never contain the token.
public enum WebhookSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// It does not start with `whsec_`.
    case missingPrefix
    /// The part after `whsec_` is not canonical standard base64 (`A–Z a–z 0–9 + /`, `=` padding).
    case notBase64
    /// It decodes to this many bytes; Standard Webhooks secrets are 24 to 512 bytes.
    case badKeyLength(Int)
    /// Without `whsec_`, it is not a registered token either (``RegisteredToken``).
    case notAToken

    public var description: String {
        switch self {
        case .missingPrefix:
            "the secret must start with whsec_"
        case .notBase64:
            "the part of the secret after whsec_ is not standard base64 (A-Z a-z 0-9 + /, padded with =)"
        case .badKeyLength(let count):
            "the secret decodes to \(count) bytes; Standard Webhooks secrets are \(WebhookSecret.keyBytes.lowerBound) to \(WebhookSecret.keyBytes.upperBound) bytes"
        case .notAToken:
            "the secret is neither whsec_ + standard base64 nor a registered token (\(RegisteredToken.rule))"
        }
    }
}

/// wisp.place's rule for a token the receiving system generated itself and registered with `create` (or
/// `rotate`): 32 to 256 printable ASCII characters, no whitespace. Such a token keys both formats with its
/// UTF-8 bytes: wisp's `X-Webhook-Signature` as always, and Standard Webhooks' `v1`, so a receiver using a stock
/// Standard Webhooks library gives it `whsec_` + base64 of the token.
public enum RegisteredToken {
    /// Its length in characters (one byte each).
    public static let lengths = 32...256
    /// The rule, for messages.
    public static let rule = "32 to 256 printable ASCII characters, without whitespace"

    /// Whether `text` follows the rule.
    public static func isValid(_ text: String) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// The `whsec_` secret a stock Standard Webhooks library needs to check the `v1` signatures of deliveries
    /// signed with the registered token `text`.
    public static func standardWebhooksSecret(for text: String) -> String {
        WebhookSecret.prefix + Data(text.utf8).base64EncodedString()
    }
}

/// A parsed `whsec_…` token (or a registered token) and the two HMAC keys derived from it. Never printed.
struct WebhookSecret: Sendable {
    static let prefix = "whsec_"
    static let keyBytes = 24...512

    /// wisp.place's key: the whole token's UTF-8 bytes.
    let wispKey: [UInt8]
    /// Standard Webhooks' key: the base64-decoded part after `whsec_`.
    let standardKey: [UInt8]

    init(token: String) throws(WebhookSecretError) {
        guard token.hasPrefix(Self.prefix) else { throw .missingPrefix }
        let encoded = String(token.dropFirst(Self.prefix.count))
        // Longest canonical encoding of the largest key; also bounds the work done on junk.
        guard encoded.utf8.count <= (Self.keyBytes.upperBound + 2) / 3 * 4,
            encoded.utf8.allSatisfy(Base64.isStandardAlphabetOrPadding),
            let key = Data(base64Encoded: encoded),
            key.base64EncodedString() == encoded  // canonical: padded, no stray bits, no whitespace
        else { throw .notBase64 }
        guard Self.keyBytes.contains(key.count) else { throw .badKeyLength(key.count) }
        wispKey = Array(token.utf8)
        standardKey = [UInt8](key)
    }

    /// A `whsec_` token as ``init(token:)`` parses it, or a ``RegisteredToken``, whose UTF-8 bytes are both keys.
    init(anyToken token: String) throws(WebhookSecretError) {
        if token.hasPrefix(Self.prefix) {
            self = try WebhookSecret(token: token)
            return
        }
        guard RegisteredToken.isValid(token) else { throw .notAToken }
        self.init(wispKey: Array(token.utf8), standardKey: Array(token.utf8))
    }

    private init(wispKey: [UInt8], standardKey: [UInt8]) {
        self.wispKey = wispKey
        self.standardKey = standardKey
    }

    /// `sha256=<lowercase hex>` over the raw body.
    func wispMAC(body: some Collection<UInt8>) -> [UInt8] {
        Sodium.hmacSHA256(key: wispKey, message: body)
    }

    /// HMAC-SHA256 of `"{id}.{timestamp}.{body}"` under the decoded key.
    func standardMAC(body: some Collection<UInt8>, id: String, timestamp: String) -> [UInt8] {
        Sodium.hmacSHA256(key: standardKey, message: StandardContent.bytes(body: body, id: id, timestamp: timestamp))
    }
}

/// Signs a webhook delivery in both formats receivers may check: wisp.place's `X-Webhook-Signature` and
/// Standard Webhooks' `webhook-id` / `webhook-timestamp` / `webhook-signature`.
///
/// ```swift
/// let signer = try WebhookSigner(token: "whsec_…")
/// for (name, value) in signer.headers(body: body, id: "msg_…", timestamp: Int64(Date().timeIntervalSince1970)) {
///     request.headers.add(name: name, value: value)
/// }
/// ```
///
/// Its description, debug description and mirror never show the token.
public struct WebhookSigner: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let secret: WebhookSecret

    /// `token` must be `whsec_` + canonical standard base64 of 24 to 512 bytes (what `sigil` issues: 32 bytes).
    public init(token: String) throws(WebhookSecretError) {
        secret = try WebhookSecret(token: token)
    }

    /// A `whsec_` token as ``init(token:)`` takes it, or a ``RegisteredToken`` (its UTF-8 bytes key both formats).
    public init(anyToken token: String) throws(WebhookSecretError) {
        secret = try WebhookSecret(anyToken: token)
    }

    /// The four headers of a delivery of `body` (the exact bytes sent), in this order:
    /// `X-Webhook-Signature`, `webhook-id`, `webhook-timestamp`, `webhook-signature` (one `v1,` entry).
    ///
    /// `id` is the delivery's stable message id (the same on every retry); it goes into a header as is, so it
    /// must be printable ASCII, and, as the spec asks, should contain no `.`. `timestamp` is this attempt's
    /// Unix time in seconds.
    public func headers(body: some Collection<UInt8>, id: String, timestamp: Int64) -> [(name: String, value: String)] {
        [
            (WebhookHeaderName.wispSignature, wispSignature(body: body)),
            (WebhookHeaderName.id, id),
            (WebhookHeaderName.timestamp, String(timestamp)),
            (WebhookHeaderName.signature, standardSignature(body: body, id: id, timestamp: timestamp)),
        ]
    }

    /// The headers of a delivery signed by several tokens at once (a rotation's overlap, newest token first):
    /// `X-Webhook-Signature` by the first signer only (wisp's header holds one signature), and one `v1,` entry per
    /// signer in `webhook-signature`, space-separated in the same order, as Standard Webhooks allows so that a
    /// receiver holding either token verifies. `signers` must not be empty.
    public static func headers(
        body: some Collection<UInt8>, id: String, timestamp: Int64,
        signers: [WebhookSigner]
    ) -> [(name: String, value: String)] {
        guard let first = signers.first else { return [] }
        return [
            (WebhookHeaderName.wispSignature, first.wispSignature(body: body)),
            (WebhookHeaderName.id, id),
            (WebhookHeaderName.timestamp, String(timestamp)),
            (WebhookHeaderName.signature, signers.map { $0.standardSignature(body: body, id: id, timestamp: timestamp) }.joined(separator: " ")),
        ]
    }

    /// The `X-Webhook-Signature` value: `sha256=` + lowercase hex HMAC-SHA256 of `body`, keyed by the token's UTF-8 bytes.
    public func wispSignature(body: some Collection<UInt8>) -> String {
        "sha256=" + Hex.lowercase(secret.wispMAC(body: body))
    }

    /// The `X-Webhook-Signature` value for any secret, `whsec_` or not (wisp records may carry a plaintext
    /// `secret` of their own): `sha256=` + lowercase hex HMAC-SHA256 of `body`, keyed by the secret's UTF-8 bytes.
    public static func wispSignature(secret: String, body: some Collection<UInt8>) -> String {
        "sha256=" + Hex.lowercase(Sodium.hmacSHA256(key: Array(secret.utf8), message: body))
    }

    /// One `webhook-signature` entry: `v1,` + base64 HMAC-SHA256 of `"{id}.{timestamp}.{body}"`.
    public func standardSignature(body: some Collection<UInt8>, id: String, timestamp: Int64) -> String {
        "v1," + Data(secret.standardMAC(body: body, id: id, timestamp: String(timestamp))).base64EncodedString()
    }

    public var description: String { "WebhookSigner(whsec_…redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Lowercase hex encoding and case-insensitive decoding.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func lowercase(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text` (either case), or `nil` unless it is an even number of hex digits.
    static func decode(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Strict standard (RFC 4648 §4) base64 helpers.
enum Base64 {
    static func isStandardAlphabetOrPadding(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    /// The bytes of canonical padded standard base64 `text`, else `nil`.
    static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count.isMultiple(of: 4), text.utf8.allSatisfy(isStandardAlphabetOrPadding),
            let data = Data(base64Encoded: String(text))
        else { return nil }
        return [UInt8](data)
    }
}
