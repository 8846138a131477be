import Crypto

/// A content identifier as atproto uses them: CID v1, codec dag-cbor (0x71) or raw (0x55), multihash sha2-256
/// (a 32-byte digest); written as multibase base32 (`b…`, lowercase, unpadded).
public struct CID: Sendable, Hashable, CustomStringConvertible {
    /// The multicodec of the content: ``dagCBOR`` or ``raw``.
    public let codec: UInt8
    /// The SHA-256 digest of the content.
    public let digest: [UInt8]

    public static let dagCBOR: UInt8 = 0x71
    public static let raw: UInt8 = 0x55

    public init(codec: UInt8, digest: [UInt8]) {
        self.codec = codec
        self.digest = digest
    }

    /// The CID of `bytes` with `codec`.
    public static func of(_ bytes: some Collection<UInt8>, codec: UInt8 = dagCBOR) -> CID {
        CID(codec: codec, digest: Array(SHA256.hash(data: Array(bytes))))
    }

    /// The binary form: version 1, codec, sha2-256 (0x12), length 32, digest.
    public var bytes: [UInt8] { [0x01, codec, 0x12, 0x20] + digest }

    /// Parses the binary form; nil unless it is a v1 dag-cbor or raw CID with a sha2-256 digest.
    public init?(bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard bytes.count == 36, bytes[0] == 0x01, [Self.dagCBOR, Self.raw].contains(bytes[1]), bytes[2] == 0x12, bytes[3] == 0x20 else { return nil }
        self.init(codec: bytes[1], digest: Array(bytes[4...]))
    }

    /// Parses the text form (`b` + base32); nil for anything else.
    public init?(_ text: String) {
        guard text.first == "b", let bytes = Base32.decode(text.dropFirst()) else { return nil }
        self.init(bytes: bytes)
    }

    public var description: String { "b" + Base32.encode(bytes) }
}

/// RFC 4648 base32, lowercase, without padding (multibase `b`).
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 1_024 else { return nil }
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = character - UInt8(ascii: "2") + 26
            default: return nil
            }
            buffer = (buffer << 5 | UInt32(value)) & 0xFFFF
            bits += 5
            if bits >= 8 {
                out.append(UInt8(buffer >> UInt32(bits - 8) & 0xFF))
                bits -= 8
            }
        }
        // Leftover bits must be zero padding, fewer than a byte (canonical).
        guard bits < 5, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
