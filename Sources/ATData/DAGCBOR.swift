/// Why bytes are not canonical DAG-CBOR of the atproto data model; the message names the offset and the rule.
public struct DAGCBORError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "DAG-CBOR at byte \(offset): \(reason)" }
}

/// The atproto data model in DAG-CBOR: strict decoding (only the canonical encoding of each value is accepted) and
/// canonical encoding, so encode(decode(x)) == x for every x that decodes.
///
/// Canonical: integers, lengths and tags in their shortest form; no indefinite lengths; no floats, no `undefined`,
/// no tags but 42 (a CID: a byte string of 0x00 and the binary CID); map keys are text, unique, sorted by length
/// and then bytewise; text is valid UTF-8. Every limit is explicit (``Limits``).
public enum DAGCBOR {
    /// What one decode may take.
    public struct Limits: Sendable {
        /// Bytes of input.
        public var maxBytes = 2 << 20
        /// Nesting of arrays and maps.
        public var maxDepth = 64
        /// Items in one array or map.
        public var maxItems = 100_000
        public init() {}
    }

    // MARK: - Encoding

    /// The canonical encoding of `value`.
    public static func encode(_ value: DataValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    static func head(_ major: UInt8, _ argument: UInt64, into out: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24: out.append(type | UInt8(argument))
        case 24...0xFF: out += [type | 24, UInt8(argument)]
        case 0x100...0xFFFF: out += [type | 25, UInt8(argument >> 8), UInt8(argument & 0xFF)]
        case 0x10000...0xFFFF_FFFF: out += [type | 26] + (0..<4).reversed().map { UInt8(argument >> (8 * UInt64($0)) & 0xFF) }
        default: out += [type | 27] + (0..<8).reversed().map { UInt8(argument >> (8 * UInt64($0)) & 0xFF) }
        }
    }

    static func encode(_ value: DataValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(0xF6)
        case .bool(let flag): out.append(flag ? 0xF5 : 0xF4)
        case .integer(let integer):
            if integer >= 0 { head(0, UInt64(integer), into: &out) } else { head(1, UInt64(-(integer + 1)), into: &out) }
        case .string(let text):
            head(3, UInt64(text.utf8.count), into: &out)
            out += text.utf8
        case .bytes(let bytes):
            head(2, UInt64(bytes.count), into: &out)
            out += bytes
        case .link(let cid):
            head(6, 42, into: &out)
            head(2, 37, into: &out)
            out.append(0)
            out += cid.bytes
        case .array(let items):
            head(4, UInt64(items.count), into: &out)
            for item in items { encode(item, into: &out) }
        case .map(let fields):
            head(5, UInt64(fields.count), into: &out)
            for key in fields.keys.sorted(by: keyOrder) {
                head(3, UInt64(key.utf8.count), into: &out)
                out += key.utf8
                encode(fields[key]!, into: &out)
            }
        }
    }

    /// DAG-CBOR's key order: shorter first, then bytewise.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        return x.count != y.count ? x.count < y.count : x.lexicographicallyPrecedes(y)
    }

    // MARK: - Decoding

    /// Decodes exactly one value filling `bytes`.
    public static func decode(_ bytes: [UInt8], limits: Limits = Limits()) throws(DAGCBORError) -> DataValue {
        guard bytes.count <= limits.maxBytes else { throw DAGCBORError(offset: 0, reason: "more than \(limits.maxBytes) bytes") }
        let result: Result<DataValue, DAGCBORError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, limits: limits)
            do throws(DAGCBORError) {
                let value = try reader.value(depth: 0)
                guard reader.offset == buffer.count else { throw DAGCBORError(offset: reader.offset, reason: "bytes after the value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Reads from the caller's buffer (valid for the whole decode): no copies but the values' own storage.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: Limits
        var offset = 0

        func fail(_ reason: String, at position: Int? = nil) -> DAGCBORError { DAGCBORError(offset: position ?? offset, reason: reason) }

        mutating func byte() throws(DAGCBORError) -> UInt8 {
            guard offset < bytes.count else { throw fail("unexpected end") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws(DAGCBORError) -> UnsafeBufferPointer<UInt8> {
            guard count <= UInt64(bytes.count - offset) else { throw fail("a length of \(count) runs past the end") }
            let end = offset + Int(count)
            defer { offset = end }
            return UnsafeBufferPointer(rebasing: bytes[offset..<end])
        }

        /// A head: the major type and its argument, in shortest form only.
        mutating func head() throws(DAGCBORError) -> (major: UInt8, argument: UInt64, start: Int) {
            let start = offset
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            var argument: UInt64
            switch info {
            case 0..<24: return (major, UInt64(info), start)
            case 24: argument = UInt64(try byte())
            case 25, 26, 27:
                let width = 1 << (info - 24)
                argument = 0
                for _ in 0..<width { argument = argument << 8 | UInt64(try byte()) }
            default:
                throw fail(info == 31 ? "indefinite lengths are not allowed" : "reserved additional information \(info)", at: start)
            }
            let minimum: UInt64 = info == 24 ? 24 : info == 25 ? 0x100 : info == 26 ? 0x1_0000 : 0x1_0000_0000
            guard argument >= minimum else { throw fail("\(argument) is not in its shortest form", at: start) }
            return (major, argument, start)
        }

        mutating func value(depth: Int) throws(DAGCBORError) -> DataValue {
            guard depth <= limits.maxDepth else { throw fail("nested deeper than \(limits.maxDepth)") }
            let (major, argument, start) = try head()
            switch major {
            case 0:
                guard argument <= UInt64(Int64.max) else { throw fail("integer out of range", at: start) }
                return .integer(Int64(argument))
            case 1:
                guard argument <= UInt64(Int64.max) else { throw fail("integer out of range", at: start) }
                return .integer(-1 - Int64(argument))
            case 2: return .bytes(Array(try take(argument)))
            case 3: return .string(try text(argument))
            case 4:
                guard argument <= UInt64(limits.maxItems) else { throw fail("more than \(limits.maxItems) items", at: start) }
                var items: [DataValue] = []
                items.reserveCapacity(min(Int(argument), 1_024))
                for _ in 0..<argument { items.append(try value(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard argument <= UInt64(limits.maxItems) else { throw fail("more than \(limits.maxItems) entries", at: start) }
                var fields: [String: DataValue] = [:]
                fields.reserveCapacity(Int(min(argument, 64)))
                var previous: UnsafeBufferPointer<UInt8>?
                for _ in 0..<argument {
                    let keyStart = offset
                    let (keyMajor, length, _) = try head()
                    guard keyMajor == 3 else { throw fail("a map key that is not text", at: keyStart) }
                    let keyBytes = try take(length)
                    guard let key = Self.string(keyBytes) else { throw fail("a map key that is not UTF-8", at: keyStart) }
                    if let previous {
                        let ordered =
                            previous.count != keyBytes.count ? previous.count < keyBytes.count : previous.lexicographicallyPrecedes(keyBytes)
                        guard ordered else {
                            throw fail(previous.elementsEqual(keyBytes) ? "a repeated map key" : "map keys out of canonical order", at: keyStart)
                        }
                    }
                    previous = keyBytes
                    // Swift strings compare by canonical equivalence: "é" and "e\u{301}" are distinct keys in bytes
                    // but one key here. Such a map cannot round-trip, so it is refused.
                    guard fields.updateValue(try value(depth: depth + 1), forKey: key) == nil else {
                        throw fail("two map keys that are the same text in different Unicode forms", at: keyStart)
                    }
                }
                return .map(fields)
            case 6:
                guard argument == 42 else { throw fail("tag \(argument): only 42 (a CID) is allowed", at: start) }
                let (inner, length, innerStart) = try head()
                guard inner == 2 else { throw fail("tag 42 on something that is not bytes", at: innerStart) }
                let payload = Array(try take(length))
                guard payload.first == 0, let cid = CID(bytes: payload.dropFirst()) else {
                    throw fail("tag 42 without a v1 sha2-256 CID (dag-cbor or raw) after a 0x00 byte", at: innerStart)
                }
                return .link(cid)
            default:
                switch argument {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                default:
                    let info = bytes[start] & 0x1F
                    throw fail((25...27).contains(info) ? "floats are not part of the data model" : "simple value \(argument)", at: start)
                }
            }
        }

        mutating func text(_ length: UInt64) throws(DAGCBORError) -> String {
            let start = offset
            let raw = try take(length)
            guard let text = Self.string(raw) else { throw fail("text that is not UTF-8", at: start) }
            return text
        }

        /// The text of valid UTF-8 bytes, nil otherwise; ASCII (nearly every key) without the generic validator.
        static func string(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
            var ascii = true
            for byte in raw where byte >= 0x80 {
                ascii = false
                break
            }
            return ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
        }
    }
}
