import Lexicon

/// The parts of a DID document atproto uses: the `#atproto` signing key and services.
public struct DIDDocument: Sendable {
    public let id: String
    /// Verification methods by fragment (`atproto` for `#atproto`), as `publicKeyMultibase` strings.
    public let multikeys: [String: String]
    /// Service endpoints by fragment (`atproto_pds` for `#atproto_pds`).
    public let services: [String: String]
    /// The account's `#atproto` signing key, decoded once (point decompression is not cheap).
    public let atprotoKey: Multikey?

    /// Largest document accepted, in bytes.
    public static let maxBytes = 64 * 1024

    /// Why a document was refused.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses a document and checks that it is about `did`.
    public init(json bytes: [UInt8], expecting did: String) throws(Failure) {
        guard bytes.count <= Self.maxBytes else { throw Failure(description: "DID document is larger than \(Self.maxBytes) bytes") }
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch { throw Failure(description: "DID document is not valid JSON") }
        guard case .string(let id)? = value["id"] else { throw Failure(description: "DID document has no id") }
        guard id == did else { throw Failure(description: "DID document is for \(id.prefix(200)), not \(did)") }
        self.id = id
        var keys: [String: String] = [:]
        for method in value["verificationMethod"]?.arrayValue ?? [] {
            guard let methodID = method["id"]?.stringValue, let fragment = Self.fragment(methodID, did: did),
                method["type"]?.stringValue == "Multikey",
                let multibase = method["publicKeyMultibase"]?.stringValue
            else { continue }
            if let controller = method["controller"]?.stringValue, controller != did { continue }
            keys[fragment] = multibase
        }
        multikeys = keys
        atprotoKey = keys["atproto"].flatMap { try? Multikey(multibase: $0) }
        var services: [String: String] = [:]
        for service in value["service"]?.arrayValue ?? [] {
            guard let serviceID = service["id"]?.stringValue, let fragment = Self.fragment(serviceID, did: did),
                let endpoint = service["serviceEndpoint"]?.stringValue
            else { continue }
            services[fragment] = endpoint
        }
        self.services = services
    }

    public init(id: String, multikeys: [String: String], services: [String: String] = [:]) {
        self.id = id
        self.multikeys = multikeys
        self.services = services
        atprotoKey = multikeys["atproto"].flatMap { try? Multikey(multibase: $0) }
    }

    /// `#atproto` → `atproto`, `did:…#atproto` → `atproto` (only for this DID).
    private static func fragment(_ reference: String, did: String) -> String? {
        if reference.hasPrefix("#") { return String(reference.dropFirst()) }
        if reference.hasPrefix(did + "#") { return String(reference.dropFirst(did.count + 1)) }
        return nil
    }

    /// A minimal document for `id` with an `#atproto` key (and services), as JSON.
    public static func json(id: String, atprotoKey: Multikey?, services: [(id: String, type: String, endpoint: String)] = []) -> JSONValue {
        var document: [String: JSONValue] = [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": .string(id),
        ]
        if let atprotoKey {
            document["verificationMethod"] = [
                [
                    "id": .string(id + "#atproto"), "type": "Multikey", "controller": .string(id),
                    "publicKeyMultibase": .string(atprotoKey.multibase),
                ]
            ]
        }
        if !services.isEmpty {
            document["service"] = .array(
                services.map { ["id": .string("#" + $0.id), "type": .string($0.type), "serviceEndpoint": .string($0.endpoint)] })
        }
        return .object(document)
    }
}
