import Foundation
import Lexicon

/// The hand-written JSON parser: alone (no crash, and what parses serializes and parses back to the same
/// value), and against Foundation's `JSONSerialization` on what both must accept or refuse.
enum JSONTargets {
    static let parser = FuzzTarget(name: "json", summary: "JSON parser: no crash; parse → serialize → parse is the identity") { input in
        guard let value = try? JSONParser().parse(input.bindMemory(to: UInt8.self)) else { return }
        let bytes = value.serialized()
        guard let again = try? JSONValue(parsing: bytes) else {
            fuzzFailure("json", "the serialized form of a parsed value does not parse", input: input)
        }
        guard again == value else { fuzzFailure("json", "a value changed across serialize and parse", input: input) }
        guard value.serialized(sortedKeys: true) == again.serialized(sortedKeys: true) else {
            fuzzFailure("json", "sorted serialization is not stable", input: input)
        }
    }

    /// The parser's deliberate differences from RFC 8259 as Foundation reads it, where the two may disagree:
    /// duplicate keys (refused here; the data model has unique keys), depth past the limit, numbers Foundation
    /// reads as infinite, lone surrogate escapes, and inputs Foundation would decode as UTF-16/32 or with a BOM;
    /// and Foundation's own leniency: a trailing comma (`[1,]`), which it accepts.
    static let differential = FuzzTarget(
        name: "json-differential",
        summary: "JSON parser vs Foundation JSONSerialization: same accept/refuse on well-formed UTF-8"
    ) { input in
        let bytes = Array(input)
        if bytes.contains(0) || bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return
        }
        if nesting(bytes) >= 60 { return }
        let ours: Result<JSONValue, JSONParseError>
        do throws(JSONParseError) { ours = .success(try JSONParser().parse(bytes)) } catch { ours = .failure(error) }
        let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        switch (ours, theirs) {
        case (.success(let value), .some(let object)):
            guard shape(value) == shape(object) else {
                fuzzFailure("json-differential", "both parse, to different shapes: \(shape(value)) vs \(shape(object))", input: input)
            }
        case (.success(let value), .none):
            if hasUnpairedSurrogateEscape(bytes) { return }
            fuzzFailure("json-differential", "accepted here, refused by Foundation: \(shape(value))", input: input)
        case (.failure(let error), .some):
            let reason = error.reason.lowercased()
            // Foundation also accepts one trailing comma in arrays and objects, which RFC 8259 does not.
            if reason.contains("duplicate") || reason.contains("trailing comma") || reason.contains("surrogate") || reason.contains("out of range")
                || reason.contains("deep")
            {
                return
            }
            if hasUnpairedSurrogateEscape(bytes) { return }
            fuzzFailure("json-differential", "refused here (\(error)), accepted by Foundation", input: input)
        case (.failure, .none):
            return
        }
    }

    /// Deepest bracket nesting, counted over raw bytes (strings included: an over-estimate is safe).
    static func nesting(_ bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        for byte in bytes {
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
                deepest = max(deepest, depth)
            }
            if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { depth -= 1 }
        }
        return deepest
    }

    /// Whether some `\u` escape is a UTF-16 surrogate that is not half of a high–low pair (the parsers treat
    /// those differently; well-formed pairs are compared like anything else). Escaped backslashes are skipped.
    static func hasUnpairedSurrogateEscape(_ bytes: [UInt8]) -> Bool {
        func unit(at index: Int) -> UInt16? {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                let value = UInt16(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)
            else { return nil }
            return value
        }
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            guard let value = unit(at: index) else {
                index += 2
                continue
            }  // another escape, e.g. \\ or \n
            if (0xD800...0xDBFF).contains(value) {
                guard let low = unit(at: index + 6), (0xDC00...0xDFFF).contains(low) else { return true }
                index += 12
            } else if (0xDC00...0xDFFF).contains(value) {
                return true
            } else {
                index += 6
            }
        }
        return false
    }

    /// A coarse shape both sides can produce: kind, and counts and keys of containers, recursively.
    static func shape(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        // Foundation gives booleans as NSNumber too: both are "scalar" here.
        case .bool, .integer, .number: "scalar"
        case .string(let text): "string(\(text.unicodeScalars.count))"
        case .array(let items): "[" + items.map(shape).joined(separator: ",") + "]"
        case .object(let members): "{" + members.keys.sorted().map { "\($0):" + shape(members[$0]!) }.joined(separator: ",") + "}"
        }
    }

    static func shape(_ object: Any) -> String {
        switch object {
        case is NSNull: return "null"
        case is NSNumber, is Bool, is Int, is Double: return "scalar"
        case let text as String: return "string(\(text.unicodeScalars.count))"
        case let items as [Any]: return "[" + items.map(shape).joined(separator: ",") + "]"
        case let members as [String: Any]: return "{" + members.keys.sorted().map { "\($0):" + shape(members[$0]!) }.joined(separator: ",") + "}"
        default: return "?\(type(of: object))"
        }
    }
}
