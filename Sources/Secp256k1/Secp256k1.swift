import CSecp256k1

/// The only Swift door to libsecp256k1: ECDSA over secp256k1 (atproto's `ES256K`), compact 64-byte signatures.
///
/// Verification accepts only low-S signatures; signing always produces them.
public enum Secp256k1 {
    /// A context for signing and verification. libsecp256k1 contexts are safe to share once created.
    nonisolated(unsafe) static let context: OpaquePointer = {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1: cannot create a context")  // Only on allocation failure at start.
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = generator.next() }
        _ = secp256k1_context_randomize(context, seed)
        return context
    }()

    /// Why a key or signature was refused.
    public enum Failure: Error, Sendable, Equatable {
        case invalidPublicKey
        case invalidPrivateKey
        case invalidSignature
    }

    /// A public key (a point on the curve).
    public struct PublicKey: Sendable, Equatable {
        let key: secp256k1_pubkey

        /// Parses a 33-byte compressed (or 65-byte uncompressed) SEC1 point.
        public init(sec1 bytes: [UInt8]) throws(Failure) {
            guard bytes.count == 33 || bytes.count == 65 else { throw .invalidPublicKey }
            var key = secp256k1_pubkey()
            guard secp256k1_ec_pubkey_parse(Secp256k1.context, &key, bytes, bytes.count) == 1 else { throw .invalidPublicKey }
            self.key = key
        }

        init(key: secp256k1_pubkey) {
            self.key = key
        }

        /// The 33-byte compressed form.
        public var compressed: [UInt8] {
            var output = [UInt8](repeating: 0, count: 33)
            var length = 33
            var key = self.key
            _ = secp256k1_ec_pubkey_serialize(Secp256k1.context, &output, &length, &key, UInt32(SECP256K1_EC_COMPRESSED))
            return output
        }

        /// Whether `signature` (64 bytes, `r‖s`) signs the 32-byte `digest`. High-S signatures are rejected.
        public func isValidSignature(_ signature: [UInt8], digest: [UInt8]) -> Bool {
            guard signature.count == 64, digest.count == 32, Secp256k1.isLowS(signature) else { return false }
            var parsed = secp256k1_ecdsa_signature()
            guard secp256k1_ecdsa_signature_parse_compact(Secp256k1.context, &parsed, signature) == 1 else { return false }
            var key = self.key
            return secp256k1_ecdsa_verify(Secp256k1.context, &parsed, digest, &key) == 1
        }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
            lhs.compressed == rhs.compressed
        }
    }

    /// A private key; used for development tokens and tests, never logged.
    public struct PrivateKey: Sendable {
        private let secret: [UInt8]

        /// A fresh random key.
        public init() {
            var generator = SystemRandomNumberGenerator()
            while true {
                var bytes = [UInt8](repeating: 0, count: 32)
                for i in bytes.indices { bytes[i] = generator.next() }
                if let key = try? PrivateKey(bytes: bytes) {
                    self = key
                    return
                }
            }
        }

        /// A key from 32 secret bytes (must be in 1..<n).
        public init(bytes: [UInt8]) throws(Failure) {
            guard bytes.count == 32, secp256k1_ec_seckey_verify(Secp256k1.context, bytes) == 1 else { throw .invalidPrivateKey }
            secret = bytes
        }

        /// The 32 secret bytes, for storing the key.
        public var rawRepresentation: [UInt8] { secret }

        public var publicKey: PublicKey {
            var key = secp256k1_pubkey()
            _ = secp256k1_ec_pubkey_create(Secp256k1.context, &key, secret)
            return PublicKey(key: key)
        }

        /// A low-S compact signature (`r‖s`, 64 bytes) of a 32-byte digest.
        public func signature(digest: [UInt8]) throws(Failure) -> [UInt8] {
            guard digest.count == 32 else { throw .invalidSignature }
            var signature = secp256k1_ecdsa_signature()
            guard secp256k1_ecdsa_sign(Secp256k1.context, &signature, digest, secret, nil, nil) == 1 else { throw .invalidSignature }
            var output = [UInt8](repeating: 0, count: 64)
            _ = secp256k1_ecdsa_signature_serialize_compact(Secp256k1.context, &output, &signature)
            return output
        }
    }

    /// Whether a compact signature's `s` is in the lower half of the group order (non-malleable form).
    public static func isLowS(_ signature: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        return CurveOrder.isLowS(Array(signature[32...]), halfOrder: CurveOrder.secp256k1Half)
    }
}

/// Big-endian 256-bit comparisons against half the group order, for both curves atproto uses.
public enum CurveOrder {
    /// ⌊n/2⌋ of secp256k1.
    public static let secp256k1Half: [UInt8] = hex("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
    /// ⌊n/2⌋ of P-256.
    public static let p256Half: [UInt8] = hex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8")
    /// n of secp256k1.
    public static let secp256k1: [UInt8] = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    /// n of P-256.
    public static let p256: [UInt8] = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    /// `s ≤ halfOrder`, comparing 32-byte big-endian numbers.
    public static func isLowS(_ s: [UInt8], halfOrder: [UInt8]) -> Bool {
        guard s.count == 32 else { return false }
        for (a, b) in zip(s, halfOrder) where a != b { return a < b }
        return true
    }

    /// `order - s` for 32-byte big-endian numbers: turns a low-S signature into its high-S twin (tests use it).
    public static func negate(_ s: [UInt8], order: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var difference = Int(order[i]) - Int(s[i]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[i] = UInt8(difference)
        }
        return result
    }

    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
