import Lexicon

/// A compact JWS split and decoded, before any check of what it claims.
public struct ServiceJWT: Sendable {
    public let header: [String: JSONValue]
    public let payload: [String: JSONValue]
    public let signature: [UInt8]
    /// `base64url(header).base64url(payload)`: the bytes the signature covers.
    public let signingInput: [UInt8]

    /// Largest token accepted, in bytes.
    public static let maxBytes = 8 * 1024

    /// Splits and decodes; every malformation is `BadJwt` (never a crash).
    public init(compact token: String) throws(ServiceAuthError) {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxBytes else { throw .badJwt("token is larger than \(Self.maxBytes) bytes") }
        let dots = bytes.indices.filter { bytes[$0] == 0x2E }
        guard dots.count == 2 else { throw .badJwt("token must have three dot-separated parts") }
        header = try Self.object(bytes[..<dots[0]], "header")
        payload = try Self.object(bytes[(dots[0] + 1)..<dots[1]], "payload")
        guard let signature = Base64URL.decode(bytes[(dots[1] + 1)...]) else { throw .badJwt("signature is not base64url") }
        self.signature = signature
        signingInput = Array(bytes[..<dots[1]])
    }

    private static func object(_ part: ArraySlice<UInt8>, _ name: String) throws(ServiceAuthError) -> [String: JSONValue] {
        guard let bytes = Base64URL.decode(part) else { throw .badJwt("\(name) is not base64url") }
        guard let value = try? JSONValue(parsing: bytes) else { throw .badJwt("\(name) is not JSON") }
        guard case .object(let object) = value else { throw .badJwt("\(name) is not a JSON object") }
        return object
    }

    /// Builds and signs a token (development tokens and tests).
    public static func sign(header: JSONValue, payload: JSONValue, with sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(payload.serialized())
        return input + "." + Base64URL.encode(try sign(Array(input.utf8)))
    }
}
