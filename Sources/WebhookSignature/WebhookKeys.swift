import Foundation
import Sodium

/// Why a `whpk_` public key or `whsk_` secret key cannot be used. Messages never contain a secret key.
public enum WebhookKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// It does not start with the prefix (`whpk_` or `whsk_`).
    case missingPrefix(String)
    /// The part after the prefix is not canonical standard base64.
    case notBase64(String)
    /// It decodes to this many bytes (an Ed25519 public key is 32; a secret key 64, or its 32-byte seed).
    case badLength(prefix: String, bytes: Int)
    /// A 64-byte secret key whose second half is not the public key of its first.
    case mismatchedPublicKey

    public var description: String {
        switch self {
        case .missingPrefix(let prefix): "the key must start with \(prefix)"
        case .notBase64(let prefix): "the part of the key after \(prefix) is not standard base64 (A-Z a-z 0-9 + /, padded with =)"
        case .mismatchedPublicKey: "the secret key's public half is not the public key of its seed"
        case .badLength(let prefix, let bytes):
            prefix == WebhookPublicKey.prefix
                ? "the key decodes to \(bytes) bytes; an Ed25519 public key is 32"
                : "the key decodes to \(bytes) bytes; an Ed25519 secret key is 64 (or its 32-byte seed)"
        }
    }
}

/// A Standard Webhooks asymmetric public key: `whpk_` + standard base64 of a 32-byte Ed25519 public key. It
/// verifies `v1a,` signatures and cannot make them, so it may be published.
public struct WebhookPublicKey: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "whpk_"
    /// The 32 raw key bytes.
    public let bytes: [UInt8]

    public init(_ text: String) throws(WebhookKeyError) {
        bytes = try Self.decode(text, prefix: Self.prefix, lengths: [Sodium.Ed25519.publicKeyBytes])
    }

    public init(bytes: [UInt8]) throws(WebhookKeyError) {
        guard bytes.count == Sodium.Ed25519.publicKeyBytes else { throw .badLength(prefix: Self.prefix, bytes: bytes.count) }
        self.bytes = bytes
    }

    /// `whpk_…`.
    public var text: String { Self.prefix + Data(bytes).base64EncodedString() }
    public var description: String { text }

    static func decode(_ text: String, prefix: String, lengths: Set<Int>) throws(WebhookKeyError) -> [UInt8] {
        guard text.hasPrefix(prefix) else { throw .missingPrefix(prefix) }
        let encoded = text.dropFirst(prefix.count)
        // Bounded before decoding: the longest canonical encoding of 64 bytes is 88 characters.
        guard encoded.utf8.count <= 88, let bytes = Base64.decode(encoded), Data(bytes).base64EncodedString() == encoded else {
            throw .notBase64(prefix)
        }
        guard lengths.contains(bytes.count) else { throw .badLength(prefix: prefix, bytes: bytes.count) }
        return bytes
    }
}

/// A Standard Webhooks asymmetric signing key (Ed25519): signs `v1a,` entries over `{id}.{timestamp}.{body}`.
/// Its text form is `whsk_` + standard base64 of libsodium's 64-byte secret key (seed ‖ public key); a
/// 32-byte seed is accepted too. Its description, debug description and mirror never show the secret.
public struct WebhookSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let prefix = "whsk_"
    let keyPair: Sodium.Ed25519.KeyPair
    /// The key that verifies what this one signs.
    public let publicKey: WebhookPublicKey

    /// From a 32-byte seed (how Sigil stores its keys, sealed).
    public init(seed: [UInt8]) throws(WebhookKeyError) {
        guard let pair = Sodium.Ed25519.keyPair(seed: seed) else { throw .badLength(prefix: Self.prefix, bytes: seed.count) }
        keyPair = pair
        publicKey = try WebhookPublicKey(bytes: pair.publicKey)
    }

    /// From `whsk_…`: a 64-byte secret key must carry its own public key (a mismatch is refused as malformed).
    public init(secretKey text: String) throws(WebhookKeyError) {
        var bytes = try WebhookPublicKey.decode(text, prefix: Self.prefix, lengths: [Sodium.Ed25519.seedBytes, Sodium.Ed25519.secretKeyBytes])
        defer { Sodium.wipe(&bytes) }
        try self.init(seed: Array(bytes.prefix(Sodium.Ed25519.seedBytes)))
        if bytes.count == Sodium.Ed25519.secretKeyBytes, Array(bytes.suffix(Sodium.Ed25519.publicKeyBytes)) != publicKey.bytes {
            throw .mismatchedPublicKey
        }
    }

    /// A new random key.
    public static func generate() -> WebhookSigningKey {
        var seed = Sodium.randomBytes(Sodium.Ed25519.seedBytes)
        defer { Sodium.wipe(&seed) }
        return try! WebhookSigningKey(seed: seed)  // 32 bytes: always a key
    }

    /// `whsk_…` (for test vectors and the CLI only: Sigil never returns its keys).
    public var secretKeyText: String { Self.prefix + Data(keyPair.secretKey).base64EncodedString() }

    /// One `webhook-signature` entry: `v1a,` + base64 Ed25519 signature of `"{id}.{timestamp}.{body}"`.
    public func signature(body: some Collection<UInt8>, id: String, timestamp: Int64) -> String {
        "v1a,"
            + Data(Sodium.Ed25519.sign(StandardContent.bytes(body: body, id: id, timestamp: String(timestamp)), secretKey: keyPair.secretKey))
            .base64EncodedString()
    }

    /// The Standard Webhooks headers of a delivery signed by these keys (newest first during a rotation's
    /// overlap): `webhook-id`, `webhook-timestamp` and `webhook-signature` with one `v1a,` entry per key. No
    /// HMAC and no `X-Webhook-Signature`. `keys` must not be empty.
    public static func headers(
        body: some Collection<UInt8>, id: String, timestamp: Int64,
        keys: [WebhookSigningKey]
    ) -> [(name: String, value: String)] {
        guard !keys.isEmpty else { return [] }
        return [
            (WebhookHeaderName.id, id),
            (WebhookHeaderName.timestamp, String(timestamp)),
            (WebhookHeaderName.signature, keys.map { $0.signature(body: body, id: id, timestamp: timestamp) }.joined(separator: " ")),
        ]
    }

    public var description: String { "WebhookSigningKey(\(publicKey.text), whsk_…redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey.text]) }
}

/// What Standard Webhooks signs: `{id}.{timestamp}.{body}`.
enum StandardContent {
    static func bytes(body: some Collection<UInt8>, id: String, timestamp: String) -> [UInt8] {
        var content = [UInt8]()
        content.reserveCapacity(id.utf8.count + timestamp.utf8.count + 2 + body.count)
        content.append(contentsOf: id.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: timestamp.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: body)
        return content
    }
}
