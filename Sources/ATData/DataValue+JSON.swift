import Foundation
import Lexicon

/// Why a JSON value is not the data model.
public struct DataModelJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path.isEmpty ? "the value" : path): \(reason)" }
}

extension DataValue {
    /// The data model's JSON form: `{"$link": "<cid>"}` is a link, `{"$bytes": "<base64>"}` bytes (standard
    /// alphabet, no padding); floats are refused.
    public init(json: JSONValue, path: String = "") throws(DataModelJSONError) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let integer): self = .integer(integer)
        case .number: throw DataModelJSONError(path: path, reason: "floats are not part of the data model")
        case .string(let text): self = .string(text)
        case .array(let items):
            var values: [DataValue] = []
            for (index, item) in items.enumerated() { values.append(try DataValue(json: item, path: "\(path)/\(index)")) }
            self = .array(values)
        case .object(let fields):
            if fields.count == 1, let link = fields["$link"] {
                guard let text = link.stringValue, let cid = CID(text) else { throw DataModelJSONError(path: path, reason: "$link is not a CID") }
                self = .link(cid)
                return
            }
            if fields.count == 1, let encoded = fields["$bytes"] {
                guard let text = encoded.stringValue, let bytes = Self.base64(text) else {
                    throw DataModelJSONError(path: path, reason: "$bytes is not unpadded standard base64")
                }
                self = .bytes(bytes)
                return
            }
            var values: [String: DataValue] = [:]
            for (key, item) in fields { values[key] = try DataValue(json: item, path: "\(path)/\(key)") }
            self = .map(values)
        }
    }

    /// The JSON form (links and bytes as `$link` and `$bytes` objects).
    public var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let integer): .integer(integer)
        case .string(let text): .string(text)
        case .bytes(let bytes): .object(["$bytes": .string(Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: ""))])
        case .link(let cid): .object(["$link": .string(cid.description)])
        case .array(let items): .array(items.map(\.json))
        case .map(let fields): .object(fields.mapValues(\.json))
        }
    }

    static func base64(_ text: String) -> [UInt8]? {
        guard !text.contains("=") else { return nil }
        var padded = text
        while padded.utf8.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}
