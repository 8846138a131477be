import Crypto
import Foundation
import Identity
import Lexicon
import Secp256k1
import Secrets

/// A local account for trying Sigil without a PDS: a secp256k1 key kept in the data directory (mode 0600)
/// and a `did:plc` derived from it, whose DID document `sigil serve --dev` answers itself.
public struct DevelopmentIdentity: Sendable {
    public let did: String
    let key: Secp256k1.PrivateKey

    /// The key file inside the data directory.
    public static func path(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("dev-identity.json")
    }

    /// Loads the identity, creating it (and the data directory) on first use.
    public static func loadOrCreate(dataDirectory: String) throws -> DevelopmentIdentity {
        let path = path(dataDirectory: dataDirectory)
        if let data = FileManager.default.contents(atPath: path) {
            guard let hex = (try? JSONValue(parsing: [UInt8](data)))?["privateKeyHex"]?.stringValue,
                let bytes = Self.bytes(hex: hex), let key = try? Secp256k1.PrivateKey(bytes: bytes)
            else {
                throw DevelopmentIdentityError("\(path) is not a development identity file; delete it to create a new one")
            }
            return DevelopmentIdentity(key: key)
        }
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let identity = DevelopmentIdentity(key: Secp256k1.PrivateKey())
        let json = JSONValue.object([
            "did": .string(identity.did), "privateKeyHex": .string(identity.key.rawRepresentation.map { String(format: "%02x", $0) }.joined()),
        ])
        // Exclusive: a process starting at the same moment keeps the identity the first one wrote.
        switch try ExclusiveFile.create(atPath: path, contents: json.serialized()) {
        case .created: return identity
        case .alreadyExists: return try loadOrCreate(dataDirectory: dataDirectory)
        }
    }

    init(key: Secp256k1.PrivateKey) {
        self.key = key
        let digest = Array(SHA256.hash(data: key.publicKey.compressed))
        did = "did:plc:" + Self.base32(digest).prefix(24)
    }

    /// The DID document `sigil serve --dev` pins for this identity.
    public var document: DIDDocument {
        DIDDocument(id: did, multikeys: ["atproto": Multikey.secp256k1(key.publicKey).multibase])
    }

    /// A service JWT for one call of `lxm`.
    public func token(audience: String, lxm: String, lifetime: Int64 = 60, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> String {
        let payload: JSONValue = [
            "iss": .string(did), "aud": .string(audience), "lxm": .string(lxm),
            "iat": .integer(now), "exp": .integer(now + lifetime), "jti": .string(UUID().uuidString),
        ]
        return try ServiceJWT.sign(header: ["alg": "ES256K", "typ": "JWT"], payload: payload) { input in
            try key.signature(digest: Array(SHA256.hash(data: input)))
        }
    }

    private static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        return out
    }

    private static func bytes(hex: String) -> [UInt8]? {
        guard hex.count == 64 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

/// The development identity file is unusable.
public struct DevelopmentIdentityError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
