import Foundation
import Lexicon
import XRPC

/// The lexicons the validator and params targets check values against: every type and constraint
/// (`fixtures/fuzz/lexicons/`), plus the bundled ones.
struct FuzzLexicons: Sendable {
    let catalog: LexiconCatalog
    /// Definitions a value may be validated against, picked by the input's first byte.
    let references: [String]

    init(fixtures: String) throws {
        let directory = fixtures + "/fuzz/lexicons"
        var sources = try LexiconCatalog.sources(inDirectory: directory)
        sources += try LexiconCatalog.sources(inDirectory: fixtures + "/../lexicons")
        catalog = try LexiconCatalog(sources: sources)
        references = catalog.definitions.filter { if case .unresolved = $0.kind { false } else { true } }.map(\.uri).sorted()
    }
}

enum LexiconTargets {
    /// One value per definition, picked by selector byte: a kitchen-sink record, and simple values.
    static func validatorSeeds(_ lexicons: FuzzLexicons) -> [[UInt8]] {
        let values = [
            #"{"$type":"com.example.kitchen","text":"hello","graphemes":"ab","count":3,"choice":2,"fixed":7,"flag":true,"alwaysTrue":true,"lang":"de","color":"red","exact":"x","data":{"$bytes":"AQID"},"link":{"$link":"bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"},"image":{"$type":"blob","ref":{"$link":"bafkreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"},"mimeType":"image/png","size":10},"tags":["a"],"nested":{"n":1},"embed":{"$type":"com.example.kitchen#a","x":1},"nothing":null,"maybe":null,"did":"did:plc:abc","when":"2026-11-23T10:00:00.000Z","handle":"a.test","uri":"at://did:plc:abc"}"#,
            #"{"body":"x"}"#, #"{"url":"https://example.com/h","scope":{"aturi":"at://did:plc:abc"},"createdAt":"2026-11-23T10:00:00.000Z"}"#,
            #"{"n":1}"#, "[]", "null", "1", #""x""#,
        ]
        return lexicons.references.indices.flatMap { index in values.map { [UInt8(index % 256)] + Array($0.utf8) } }
    }

    /// A lexicon document from bytes: loads or reports problems, never crashes; what loads can validate values.
    static let loader = FuzzTarget(name: "lexicon", summary: "lexicon loader: no crash; a loaded schema validates its own sample values") { input in
        let source = LexiconSource(name: "fuzz.json", bytes: Array(input))
        guard let catalog = try? LexiconCatalog(sources: [source]) else { return }
        let samples: [JSONValue] = [.null, .object([:]), .string("x"), .integer(0), .array([]), ["$type": "blob"]]
        for definition in catalog.definitions {
            for sample in samples {
                _ = try? catalog.validate(sample, against: definition.uri)
                _ = try? catalog.validateRecord(sample, collection: definition.nsid.rawValue)
                for part in MethodPart.allCases { _ = try? catalog.validate(sample, method: definition.nsid.rawValue, part: part) }
            }
        }
    }

    /// A value against one of the fixture schemas: no crash, and validating what validation returned
    /// (defaults applied) gives the same value back (idempotence).
    static func validator(_ lexicons: FuzzLexicons) -> FuzzTarget {
        FuzzTarget(
            name: "validate", summary: "value validator: no crash; validating a valid result again is the identity",
            seeds: { validatorSeeds(lexicons) }
        ) { input in
            let (selector, rest) = split(input)
            guard !lexicons.references.isEmpty, let value = try? JSONParser().parse(rest.bindMemory(to: UInt8.self)) else { return }
            let reference = lexicons.references[Int(selector) % lexicons.references.count]
            for applyDefaults in [false, true] {
                let options = ValidationOptions(applyDefaults: applyDefaults)
                guard case .valid(let result)? = try? lexicons.catalog.validate(value, against: reference, options: options) else { continue }
                guard case .valid(let again)? = try? lexicons.catalog.validate(result, against: reference, options: options), again == result else {
                    fuzzFailure("validate", "a valid value of \(reference) is not valid again, or changed", input: input)
                }
                // Without defaults the only change allowed is 123.0 → 123.
                if !applyDefaults, result != integersWritten(value) {
                    fuzzFailure(
                        "validate", "validation without defaults changed the value beyond writing integer-like floats as integers", input: input)
                }
                // Valid means valid data model throughout, undeclared fields included.
                if let reason = dataModelViolation(result) { fuzzFailure("validate", "a valid value is not data model: \(reason)", input: input) }
            }
        }
    }

    /// The value with every integral number of magnitude ≤ 2^53 written as an integer.
    static func integersWritten(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let d) where d.rounded(.towardZero) == d && abs(d) <= 9_007_199_254_740_992: .integer(Int64(d))
        case .array(let items): .array(items.map(integersWritten))
        case .object(let members): .object(members.mapValues(integersWritten))
        default: value
        }
    }

    /// An independent, slow statement of the data-model rules the validator must enforce everywhere.
    static func dataModelViolation(_ value: JSONValue) -> String? {
        switch value {
        case .number(let d):
            return "a number left as a float: \(d)"
        case .array(let items):
            return items.lazy.compactMap(dataModelViolation).first
        case .object(let members):
            if let type = members["$type"], type.stringValue?.isEmpty ?? true { return "$type \(type.jsonString)" }
            if members["$link"] != nil, members.count != 1 || !(members["$link"]?.stringValue.map(CIDString.isValid) ?? false) { return "bad $link" }
            if members["$bytes"] != nil, members.count != 1 || members["$bytes"]?.stringValue == nil { return "bad $bytes" }
            return members.values.lazy.compactMap(dataModelViolation).first
        default:
            return nil
        }
    }

    /// A raw query string coerced against a query's params and then validated, as the XRPC server does.
    static func params(_ lexicons: FuzzLexicons) -> FuzzTarget {
        let methods = lexicons.catalog.definitions.compactMap { definition -> (String, ObjectSchema?)? in
            guard case .query(let method) = definition.kind else { return nil }
            return (definition.nsid.rawValue, method.parameters)
        }.sorted { $0.0 < $1.0 }
        let queries = [
            "q=a&limit=5&flag=true", "q=%F0%9F%98%80&tags=a&tags=b&ids=1&ids=2", "q=x&did=did:plc:abc&when=2026-11-23T10:00:00Z",
            "q=&limit=-1&limit=2", "q=x&uri=at://did:plc:abc/app.bsky.feed.post/3lbc&cursor=3lbcabcdefg22&lang=en-GB",
            "q=x&kind=c&bools=yes&nsid=com.example.x&handle=a.test", "%zz=1&q",
        ]
        return FuzzTarget(
            name: "params", summary: "query-parameter coercion: no crash; what coerces is an object of declared names",
            seeds: { queries.enumerated().map { [UInt8($0.offset)] + Array($0.element.utf8) } }
        ) { input in
            let (selector, rest) = split(input)
            guard !methods.isEmpty else { return }
            let (nsid, schema) = methods[Int(selector) % methods.count]
            let query = Substring(String(decoding: rest, as: UTF8.self))
            guard let value = try? QueryParameters.coerce(query: query, schema: schema) else { return }
            guard case .object(let members) = value else { fuzzFailure("params", "coercion gave a non-object", input: input) }
            if let unknown = members.keys.first(where: { schema?.property($0) == nil }) {
                fuzzFailure("params", "coercion produced an undeclared parameter \(unknown)", input: input)
            }
            _ = try? lexicons.catalog.validate(value, method: nsid, part: .params, options: .init(applyDefaults: true))
        }
    }
}
