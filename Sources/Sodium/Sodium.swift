import CSodium

/// The only Swift door to libsodium: CSPRNG bytes, XChaCha20-Poly1305 AEAD, HMAC-SHA-256, Ed25519 and
/// constant-time comparison. Nothing else in Sigil calls libsodium directly.
public enum Sodium {
    /// `sodium_init` must run once before any other call; it is idempotent and thread-safe.
    private static let ready: Bool = sodium_init() >= 0

    private static func ensureReady() {
        precondition(ready, "libsodium failed to initialize")  // Only if the library is unusable at all.
    }

    /// ``ensureReady()`` for the extensions in other files.
    static func ensureReadyForExtensions() { ensureReady() }

    /// `count` bytes from libsodium's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureReady()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Compares in time independent of where the inputs differ. Different lengths are unequal
    /// (length is not secret here: tokens and MACs have fixed sizes).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        ensureReady()
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return sodium_memcmp(a, b, a.count) == 0
    }

    /// Overwrites secret bytes in place.
    public static func wipe(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let count = bytes.count
        bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, count) }
    }

    /// HMAC-SHA-256 of `message` under a key of any length.
    public static func hmacSHA256(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        ensureReady()
        var state = crypto_auth_hmacsha256_state()
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        let fed: Bool? = message.withContiguousStorageIfAvailable { buffer in
            _ = crypto_auth_hmacsha256_update(&state, buffer.baseAddress, UInt64(buffer.count))
            return true
        }
        if fed == nil {
            let copy = Array(message)
            _ = crypto_auth_hmacsha256_update(&state, copy, UInt64(copy.count))
        }
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return mac
    }

    /// XChaCha20-Poly1305 (IETF) authenticated encryption with associated data.
    public enum AEAD {
        public static let keyBytes = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
        public static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
        public static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

        /// The key or sealed value is unusable, or the associated data does not match.
        public struct OpenFailed: Error, Sendable, Equatable {}

        /// `nonce ‖ ciphertext ‖ tag` with a fresh random nonce.
        public static func seal(_ message: [UInt8], associatedData: [UInt8], key: [UInt8]) -> [UInt8] {
            ensureReady()
            precondition(key.count == keyBytes, "AEAD key must be \(keyBytes) bytes")
            let nonce = randomBytes(nonceBytes)
            var ciphertext = [UInt8](repeating: 0, count: message.count + tagBytes)
            var length: UInt64 = 0
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                &ciphertext, &length, message, UInt64(message.count),
                associatedData, UInt64(associatedData.count), nil, nonce, key)
            return nonce + ciphertext[..<Int(length)]
        }

        /// The message, if `sealed` was made under `key` with exactly this associated data.
        public static func open(_ sealed: [UInt8], associatedData: [UInt8], key: [UInt8]) throws(OpenFailed) -> [UInt8] {
            ensureReady()
            guard key.count == keyBytes, sealed.count >= nonceBytes + tagBytes else { throw OpenFailed() }
            let nonce = Array(sealed[..<nonceBytes])
            let ciphertext = Array(sealed[nonceBytes...])
            var message = [UInt8](repeating: 0, count: ciphertext.count - tagBytes)
            var length: UInt64 = 0
            guard
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    &message, &length, nil, ciphertext, UInt64(ciphertext.count),
                    associatedData, UInt64(associatedData.count), nonce, key) == 0
            else {
                throw OpenFailed()
            }
            return Array(message[..<Int(length)])
        }
    }
}
