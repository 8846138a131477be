import Foundation

/// A `cid-link`: `{"$link": "<cid>"}` in JSON.
public struct CIDLink: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The CID in its string form.
    public let cid: String

    /// Wraps `cid` if it is a valid CID string.
    public init?(_ cid: String) {
        guard CIDString.isValid(cid) else { return nil }
        self.cid = cid
    }

    public var description: String { cid }

    private enum CodingKeys: String, CodingKey { case link = "$link" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cid = try container.decode(String.self, forKey: .link)
        guard CIDString.isValid(cid) else {
            throw DecodingError.dataCorruptedError(forKey: .link, in: container, debugDescription: "\"$link\" is not a valid CID")
        }
        self.cid = cid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cid, forKey: .link)
    }
}

/// `bytes`: `{"$bytes": "<base64>"}` in JSON. Encodes as standard base64 without padding, as atproto writes it.
public struct Bytes: Codable, Sendable, Hashable {
    public let data: [UInt8]

    public init(_ data: [UInt8]) {
        self.data = data
    }

    private enum CodingKeys: String, CodingKey { case bytes = "$bytes" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .bytes)
        guard Base64Syntax.decodedLength(text) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "\"$bytes\" is not base64")
        }
        let padded = text.hasSuffix("=") ? text : text + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "\"$bytes\" is not base64")
        }
        self.data = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var text = Data(data).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        try container.encode(text, forKey: .bytes)
    }
}

/// A `blob` reference: `{"$type": "blob", "ref": {"$link": cid}, "mimeType", "size"}` in JSON.
public struct BlobRef: Codable, Sendable, Hashable {
    public let ref: CIDLink
    public let mimeType: String
    public let size: Int

    public init(ref: CIDLink, mimeType: String, size: Int) {
        self.ref = ref
        self.mimeType = mimeType
        self.size = size
    }

    private enum CodingKeys: String, CodingKey {
        case type = "$type"
        case ref, mimeType, size
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decode(String.self, forKey: .type) == "blob" else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "a blob's $type is \"blob\"")
        }
        ref = try container.decode(CIDLink.self, forKey: .ref)
        mimeType = try container.decode(String.self, forKey: .mimeType)
        size = try container.decode(Int.self, forKey: .size)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("blob", forKey: .type)
        try container.encode(ref, forKey: .ref)
        try container.encode(mimeType, forKey: .mimeType)
        try container.encode(size, forKey: .size)
    }
}

/// A property that may be `null` (listed in its object's `nullable`): absent is `nil` of the
/// surrounding optional, present-but-null is ``null``, so both survive a decode → encode round trip.
public enum Nullable<Wrapped: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    case null
    case value(Wrapped)

    /// The value, or `nil` for null.
    public var value: Wrapped? {
        if case .value(let wrapped) = self { return wrapped }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Wrapped.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .value(let wrapped): try container.encode(wrapped)
        }
    }
}

/// Holds a value out of line, so a generated struct can contain (through a ref) a value of its own type,
/// as `app.bsky.feed.defs#threadViewPost` does. Reads and writes like the value itself.
@propertyWrapper
public struct Indirect<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Storage: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    public init(wrappedValue: Value) {
        storage = Storage(wrappedValue)
    }

    public var wrappedValue: Value {
        get { storage.value }
        set { storage = Storage(newValue) }
    }

    public static func == (a: Indirect, b: Indirect) -> Bool { a.wrappedValue == b.wrappedValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}
