import Foundation
import Lexicon

/// One conformance example: a value and whether a lexicon must accept it.
///
/// Examples live beside their lexicon, `rotate.examples.json` next to `rotate.json` (the loader skips such
/// files), as `{"examples": [{"name", "part"?, "definition"?, "valid", "value", "error"?, "rkey"?}]}`:
/// - `part`: `record` (the default for record lexicons), `input`, `output` or `params` (methods), `value`
///   (the default for other definitions);
/// - `definition`: another definition of the same document (`#name`) or of the catalog (`nsid#name`);
/// - `error`: for an invalid example, text the validation error must contain (checks it fails for the right reason);
/// - `rkey`: for a record, the record key to check against the collection's key type.
public struct ConformanceExample: Sendable, Hashable {
    public enum Part: String, Sendable, Hashable {
        case record, input, output, params, value
    }

    /// The examples file it came from.
    public let file: String
    /// The lexicon the file belongs to (its name without `.examples.json`).
    public let lexicon: String
    public let name: String
    public let part: Part?
    public let definition: String?
    public let valid: Bool
    public let value: JSONValue
    public let expectedError: String?
    public let recordKey: String?
}

/// An examples file that cannot be read as one.
public struct ConformanceFileError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}

extension ConformanceExample {
    /// Every `*.examples.json` below `directory`, in path order, with the files that could not be read.
    public static func load(directory: String) -> (examples: [ConformanceExample], errors: [ConformanceFileError]) {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var paths: [String] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.lastPathComponent.hasSuffix(LexiconCatalog.examplesSuffix) {
                let path = url.standardizedFileURL.path
                if path.hasPrefix(prefix) { paths.append(String(path.dropFirst(prefix.count))) }
            }
        }
        var examples: [ConformanceExample] = []
        var errors: [ConformanceFileError] = []
        for relative in paths.sorted() {
            let display = (directory as NSString).appendingPathComponent(relative)
            let lexicon = String(relative.dropLast(LexiconCatalog.examplesSuffix.count)).replacingOccurrences(of: "/", with: ".")
            do {
                let bytes = [UInt8](FileManager.default.contents(atPath: prefix + relative) ?? Data())
                examples += try parse(JSONValue(parsing: bytes), file: display, lexicon: lexicon)
            } catch let error as ConformanceFileError {
                errors.append(error)
            } catch {
                errors.append(ConformanceFileError(file: display, reason: "\(error)"))
            }
        }
        return (examples, errors)
    }

    /// The examples of one file's JSON.
    public static func parse(_ json: JSONValue, file: String, lexicon: String) throws(ConformanceFileError) -> [ConformanceExample] {
        guard let list = json["examples"]?.arrayValue else {
            throw ConformanceFileError(file: file, reason: "expected {\"examples\": [...]}")
        }
        var result: [ConformanceExample] = []
        var names: Set<String> = []
        for (i, item) in list.enumerated() {
            func fail(_ reason: String) -> ConformanceFileError { ConformanceFileError(file: file, reason: "/examples/\(i): \(reason)") }
            guard let object = item.objectValue else { throw fail("an example must be an object") }
            for key in object.keys where !["name", "part", "definition", "valid", "value", "error", "rkey", "description"].contains(key) {
                throw fail("unknown field \"\(key)\"")
            }
            guard let name = object["name"]?.stringValue, !name.isEmpty else { throw fail("needs a non-empty string \"name\"") }
            guard names.insert(name).inserted else { throw fail("the name \"\(name)\" is used twice") }
            guard let valid = object["valid"]?.boolValue else { throw fail("needs \"valid\": true or false") }
            guard let value = object["value"] else { throw fail("needs a \"value\"") }
            var part: Part?
            if let raw = object["part"] {
                guard let parsed = raw.stringValue.flatMap(Part.init(rawValue:)) else {
                    throw fail("\"part\" must be record, input, output, params or value")
                }
                part = parsed
            }
            if object["error"] != nil, valid { throw fail("\"error\" only applies to invalid examples") }
            if let error = object["error"], error.stringValue?.isEmpty ?? true {
                throw fail("\"error\" must be non-empty text the validation error contains")
            }
            result.append(
                ConformanceExample(
                    file: file, lexicon: lexicon, name: name, part: part,
                    definition: object["definition"]?.stringValue, valid: valid, value: value,
                    expectedError: object["error"]?.stringValue, recordKey: object["rkey"]?.stringValue))
        }
        return result
    }
}
