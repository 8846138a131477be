import Lexicon

/// Turns a URL query string into a params object, strictly per the method's `params` schema.
///
/// Integers must be `-?[0-9]+` within 64 bits, booleans exactly `true` or `false`; a name given more than
/// once is an error unless the schema says array. Unknown names are ignored (lexicons may gain parameters).
/// Constraints and defaults are applied afterwards by the lexicon validator.
public enum QueryParameters {
    /// Most parameters (name=value pairs) one request may carry.
    public static let maxPairs = 256

    /// Coerces the raw query (without `?`) against `schema`; errors are ``XRPCError/invalidRequest(_:)``.
    public static func coerce(query: Substring?, schema: ObjectSchema?) throws(XRPCError) -> JSONValue {
        guard let schema, !schema.properties.isEmpty else { return .object([:]) }
        let pairs = try parse(query ?? "")
        var object: [String: JSONValue] = [:]
        for (name, propertySchema) in schema.properties {
            let values = pairs.lazy.filter { $0.name == name }.map(\.value)
            guard let first = values.first else { continue }
            if case .array(let array) = propertySchema {
                var items: [JSONValue] = []
                for value in values { items.append(try scalar(value, array.items, name: name)) }
                object[name] = .array(items)
            } else {
                if values.dropFirst().first != nil {
                    throw .invalidRequest("Params/\(name) must be given once, not repeated")
                }
                object[name] = try scalar(first, propertySchema, name: name)
            }
        }
        return .object(object)
    }

    private static func scalar(_ raw: String, _ schema: FieldSchema, name: String) throws(XRPCError) -> JSONValue {
        switch schema {
        case .integer:
            guard let value = parseInteger(raw) else { throw .invalidRequest("Params/\(name) must be an integer") }
            return .integer(value)
        case .boolean:
            switch raw {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .invalidRequest("Params/\(name) must be a boolean (true or false)")
            }
        default:
            return .string(raw)
        }
    }

    /// `-?[0-9]+` that fits in Int64; nothing else (no `+`, spaces, hex or exponents).
    static func parseInteger(_ raw: String) -> Int64? {
        var digits = Substring(raw)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(raw)
    }

    /// Splits `a=1&b=2` into percent-decoded pairs (`+` is a space, as in HTML forms).
    static func parse(_ query: Substring) throws(XRPCError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard pairs.count < maxPairs else { throw .invalidRequest("Too many query parameters (the limit is \(maxPairs))") }
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(pieces[0]), let value = percentDecode(pieces.count == 2 ? pieces[1] : "") else {
                throw .invalidRequest("Malformed query string: bad percent-encoding")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func percentDecode(_ text: Substring) -> String? {
        if !text.utf8.contains(where: { $0 == 0x25 || $0 == 0x2B }) { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 0x2B: bytes.append(0x20)
            case 0x25:
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
