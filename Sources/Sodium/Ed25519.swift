import CSodium

extension Sodium {
    /// Ed25519 signatures (libsodium's `crypto_sign_*`): deterministic, 64-byte signatures, 32-byte public keys.
    /// A key pair is made from a 32-byte seed, which is all that has to be kept secret (and sealed at rest).
    public enum Ed25519 {
        public static let seedBytes = Int(crypto_sign_SEEDBYTES)
        public static let publicKeyBytes = Int(crypto_sign_PUBLICKEYBYTES)
        public static let secretKeyBytes = Int(crypto_sign_SECRETKEYBYTES)
        public static let signatureBytes = Int(crypto_sign_BYTES)

        /// A key pair: libsodium's 64-byte secret key (seed ‖ public key) and the public key. Its description and
        /// mirror never show the secret key.
        public struct KeyPair: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
            public let publicKey: [UInt8]
            public let secretKey: [UInt8]
            public var seed: [UInt8] { Array(secretKey.prefix(Ed25519.seedBytes)) }
            public var description: String { "Ed25519.KeyPair(secret key redacted)" }
            public var debugDescription: String { description }
            public var customMirror: Mirror { Mirror(self, children: [:]) }
        }

        /// The key pair of a 32-byte seed; nil for a seed of another length.
        public static func keyPair(seed: [UInt8]) -> KeyPair? {
            Sodium.ensureReadyForExtensions()
            guard seed.count == seedBytes else { return nil }
            var publicKey = [UInt8](repeating: 0, count: publicKeyBytes)
            var secretKey = [UInt8](repeating: 0, count: secretKeyBytes)
            guard crypto_sign_seed_keypair(&publicKey, &secretKey, seed) == 0 else { return nil }
            return KeyPair(publicKey: publicKey, secretKey: secretKey)
        }

        /// The detached signature of `message` under a 64-byte secret key.
        public static func sign(_ message: some Collection<UInt8>, secretKey: [UInt8]) -> [UInt8] {
            Sodium.ensureReadyForExtensions()
            precondition(secretKey.count == secretKeyBytes, "an Ed25519 secret key is \(secretKeyBytes) bytes")
            var signature = [UInt8](repeating: 0, count: signatureBytes)
            let signed: Bool? = message.withContiguousStorageIfAvailable { buffer in
                crypto_sign_detached(&signature, nil, buffer.baseAddress, UInt64(buffer.count), secretKey) == 0
            }
            if signed == nil {
                let copy = Array(message)
                _ = crypto_sign_detached(&signature, nil, copy, UInt64(copy.count), secretKey)
            }
            return signature
        }

        /// Whether `signature` is `publicKey`'s over `message`. libsodium refuses non-canonical signatures (S ≥ L)
        /// and small-order public keys, so a signature is never malleable into a second valid one.
        public static func verify(_ signature: [UInt8], message: some Collection<UInt8>, publicKey: [UInt8]) -> Bool {
            Sodium.ensureReadyForExtensions()
            guard signature.count == signatureBytes, publicKey.count == publicKeyBytes else { return false }
            let verified: Bool? = message.withContiguousStorageIfAvailable { buffer in
                crypto_sign_verify_detached(signature, buffer.baseAddress, UInt64(buffer.count), publicKey) == 0
            }
            if let verified { return verified }
            let copy = Array(message)
            return crypto_sign_verify_detached(signature, copy, UInt64(copy.count), publicKey) == 0
        }
    }
}
