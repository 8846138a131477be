import Sodium

/// A keyed fingerprint of a token: HMAC-SHA256 of the token text under a key derived from a master key. It is
/// stored beside the sealed token so that a presented token finds its secret by an index lookup, never by
/// scanning or decrypting rows; without the master key it says nothing about the token.
public enum TokenFingerprint {
    static let label = Array("sigil token fingerprint v1".utf8)

    /// The fingerprint of `token` under `key`.
    public static func of(_ token: SigningToken, key: MasterKey) -> [UInt8] {
        of(text: token.text, key: key)
    }

    /// The fingerprint of token text under `key` (also for text that is not a valid token: a lookup finds nothing).
    static func of(text: String, key: MasterKey) -> [UInt8] {
        var derived = Sodium.hmacSHA256(key: key.bytes, message: label)
        defer { Sodium.wipe(&derived) }
        return Sodium.hmacSHA256(key: derived, message: Array(text.utf8))
    }

    /// One fingerprint per key of the ring (current first): during an online re-key a row may still carry the
    /// fingerprint under the previous key.
    static func candidates(text: String, keys: MasterKeyRing) -> [[UInt8]] {
        ([keys.current] + keys.previous).map { of(text: text, key: $0) }
    }
}
