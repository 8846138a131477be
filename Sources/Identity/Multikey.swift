import Crypto
import Foundation
import Secp256k1

/// A public key as atproto publishes it: `Multikey` / `did:key`, multibase base58btc (`z…`) of a multicodec
/// prefix (`secp256k1-pub` 0xe7 0x01, `p256-pub` 0x80 0x24) and a 33-byte compressed point.
public enum Multikey: Sendable {
    case secp256k1(Secp256k1.PublicKey)
    case p256(P256.Signing.PublicKey)

    /// Why a key string was refused.
    public enum Failure: Error, Sendable, Equatable {
        case notBase58btc, badEncoding, unsupportedCodec, invalidPoint
    }

    static let secp256k1Prefix: [UInt8] = [0xE7, 0x01]
    static let p256Prefix: [UInt8] = [0x80, 0x24]

    /// Parses `z…` (a `publicKeyMultibase` value).
    public init(multibase: String) throws(Failure) {
        guard multibase.hasPrefix("z") else { throw .notBase58btc }
        guard let bytes = Base58.decode(multibase.dropFirst()), bytes.count > 2 else { throw .badEncoding }
        let prefix = Array(bytes.prefix(2))
        let point = Array(bytes.dropFirst(2))
        guard point.count == 33 else { throw prefix == Self.secp256k1Prefix || prefix == Self.p256Prefix ? .invalidPoint : .unsupportedCodec }
        switch prefix {
        case Self.secp256k1Prefix:
            do { self = .secp256k1(try Secp256k1.PublicKey(sec1: point)) } catch { throw .invalidPoint }
        case Self.p256Prefix:
            do { self = .p256(try P256.Signing.PublicKey(compressedRepresentation: point)) } catch { throw .invalidPoint }
        default:
            throw .unsupportedCodec
        }
    }

    /// Parses `did:key:z…`.
    public init(didKey: String) throws(Failure) {
        guard didKey.hasPrefix("did:key:") else { throw .badEncoding }
        try self.init(multibase: String(didKey.dropFirst("did:key:".count)))
    }

    /// The `publicKeyMultibase` form.
    public var multibase: String {
        switch self {
        case .secp256k1(let key): "z" + Base58.encode(Self.secp256k1Prefix + key.compressed)
        case .p256(let key): "z" + Base58.encode(Self.p256Prefix + Array(key.compressedRepresentation))
        }
    }

    /// The `did:key` form.
    public var didKey: String { "did:key:" + multibase }

    /// The JWT `alg` this key signs with.
    public var jwtAlgorithm: String {
        switch self {
        case .secp256k1: "ES256K"
        case .p256: "ES256"
        }
    }

    /// Whether `signature` (64 bytes `r‖s`, low-S only) signs SHA-256 of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: some DataProtocol) -> Bool {
        guard signature.count == 64 else { return false }
        switch self {
        case .secp256k1(let key):
            return key.isValidSignature(signature, digest: Array(SHA256.hash(data: message)))
        case .p256(let key):
            // swift-crypto accepts high-S; atproto does not.
            guard CurveOrder.isLowS(Array(signature[32...]), halfOrder: CurveOrder.p256Half),
                let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }
}
