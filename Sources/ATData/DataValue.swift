/// A value of the atproto data model: what a record, a commit or an MST node is made of. JSON has no bytes
/// and no links; DAG-CBOR has them natively (``DAGCBOR``), JSON spells them `{"$bytes": …}` and `{"$link": …}`
/// (``DataValue/init(json:)``). No floats: the data model has none.
public indirect enum DataValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case bytes([UInt8])
    case link(CID)
    case array([DataValue])
    case map([String: DataValue])

    /// The value at `key` of a map; nil otherwise.
    public subscript(key: String) -> DataValue? {
        if case .map(let fields) = self { return fields[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var bytesValue: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    public var linkValue: CID? {
        if case .link(let cid) = self { return cid }
        return nil
    }

    public var arrayValue: [DataValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

extension DataValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
