import Sodium

/// Sealing tokens for storage: XChaCha20-Poly1305 under the master key, with the owner DID, secret name
/// and version as associated data, so a sealed value moved to another row (or version) does not open.
///
/// Layout: `key id (8) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`; the key id picks the key from the ring.
public enum SealedToken {
    static func associatedData(owner: String, name: String, version: Int64) -> [UInt8] {
        Array("sigil:secret:v1\u{0}\(owner)\u{0}\(name)\u{0}\(version)".utf8)
    }

    /// `nonce ‖ ciphertext ‖ tag` of the token text.
    public static func seal(_ token: SigningToken, owner: String, name: String, version: Int64, key: MasterKey) -> [UInt8] {
        seal(Array(token.text.utf8), associatedData: associatedData(owner: owner, name: name, version: version), key: key)
    }

    /// The token sealed in `secret`, or `nil` if it does not open (unknown key, moved or tampered value).
    public static func open(_ secret: StoredSecret, keys: MasterKeyRing) -> SigningToken? {
        open(secret.sealed, owner: secret.owner, name: secret.name, version: secret.version, keys: keys)
    }

    /// A sealed token of `owner`'s `name` at `version` (a previous token), or `nil` if it does not open.
    public static func open(_ sealed: [UInt8], owner: String, name: String, version: Int64, keys: MasterKeyRing) -> SigningToken? {
        guard var bytes = open(sealed, associatedData: associatedData(owner: owner, name: name, version: version), keys: keys) else { return nil }
        defer { Sodium.wipe(&bytes) }
        return SigningToken(String(decoding: bytes, as: UTF8.self))
    }

    static func seal(_ message: [UInt8], associatedData: [UInt8], key: MasterKey) -> [UInt8] {
        key.id + Sodium.AEAD.seal(message, associatedData: associatedData, key: key.bytes)
    }

    static func open(_ sealed: [UInt8], associatedData: [UInt8], keys: MasterKeyRing) -> [UInt8]? {
        guard sealed.count > 8, let key = keys.key(id: sealed[..<8]) else { return nil }
        return try? Sodium.AEAD.open(Array(sealed[8...]), associatedData: associatedData, key: key.bytes)
    }

    /// Whether `sealed` is under the ring's current key (a re-key skips those).
    static func isSealedUnderCurrent(_ sealed: [UInt8], keys: MasterKeyRing) -> Bool {
        sealed.count > 8 && sealed[..<8] == keys.current.id[...]
    }
}
