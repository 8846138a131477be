import LexiconAuthoring
import Testing

@testable import Lexicon

/// `sigil lexicon breaking`: each rule fires where the change breaks data or callers, and direction matters.
@Suite("Lexicon breaking changes")
struct BreakingChangeTests {
    static func compare(_ old: [String], _ new: [String]) throws -> [LexiconProblem] {
        func load(_ documents: [String]) throws -> LexiconCatalog {
            try LexiconCatalog(sources: documents.enumerated().map { LexiconSource(name: "doc\($0).json", bytes: Array($1.utf8)) })
        }
        return BreakingChanges().compare(old: try load(old), new: try load(new))
    }

    static func record(_ properties: String, required: String = "[]", nullable: String = "[]", key: String = "tid") -> String {
        #"{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"\#(key)","record":{"type":"object","required":\#(required),"nullable":\#(nullable),"properties":{\#(properties)}}}}}"#
    }

    static func procedure(input: String, output: String = #"{"type":"object","properties":{}}"#, extra: String = "") -> String {
        #"{"lexicon":1,"id":"com.example.do","defs":{"main":{"type":"procedure","input":{"encoding":"application/json","schema":\#(input)},"output":{"encoding":"application/json","schema":\#(output)}}\#(extra)}}"#
    }

    static func object(_ properties: String, required: String = "[]", nullable: String = "[]") -> String {
        #"{"type":"object","required":\#(required),"nullable":\#(nullable),"properties":{\#(properties)}}"#
    }

    /// Old document, new document, the rule that must fire (nil: nothing may fire) and where.
    static let cases: [(label: String, old: String, new: String, rule: String?, path: String)] = [
        // Records: both directions.
        (
            "record key type", record(#""a":{"type":"integer"}"#), record(#""a":{"type":"integer"}"#, key: "any"), "record-key-changed",
            "/defs/main/key"
        ),
        (
            "new required field in a record", record(#""a":{"type":"integer"}"#), record(#""a":{"type":"integer"}"#, required: #"["a"]"#),
            "required-added", "/defs/main/record/required"
        ),
        (
            "field type changed", record(#""a":{"type":"integer"}"#), record(#""a":{"type":"string"}"#), "type-changed",
            "/defs/main/record/properties/a/type"
        ),
        (
            "maxLength shrank", record(#""a":{"type":"string","maxLength":10}"#), record(#""a":{"type":"string","maxLength":5}"#), "length-narrowed",
            "/defs/main/record/properties/a/maxLength"
        ),
        (
            "maxLength added", record(#""a":{"type":"string"}"#), record(#""a":{"type":"string","maxLength":5}"#), "length-narrowed",
            "/defs/main/record/properties/a/maxLength"
        ),
        (
            "minGraphemes grew", record(#""a":{"type":"string","minGraphemes":1}"#), record(#""a":{"type":"string","minGraphemes":2}"#),
            "length-narrowed", "/defs/main/record/properties/a/minGraphemes"
        ),
        (
            "array maxLength shrank", record(#""a":{"type":"array","items":{"type":"integer"},"maxLength":4}"#),
            record(#""a":{"type":"array","items":{"type":"integer"},"maxLength":3}"#), "length-narrowed", "/defs/main/record/properties/a/maxLength"
        ),
        (
            "array items narrowed", record(#""a":{"type":"array","items":{"type":"integer","maximum":9}}"#),
            record(#""a":{"type":"array","items":{"type":"integer","maximum":5}}"#), "range-narrowed", "/defs/main/record/properties/a/items/maximum"
        ),
        (
            "minimum grew", record(#""a":{"type":"integer","minimum":0}"#), record(#""a":{"type":"integer","minimum":1}"#), "range-narrowed",
            "/defs/main/record/properties/a/minimum"
        ),
        (
            "format added", record(#""a":{"type":"string"}"#), record(#""a":{"type":"string","format":"did"}"#), "format-changed",
            "/defs/main/record/properties/a/format"
        ),
        (
            "format removed (readers)", record(#""a":{"type":"string","format":"did"}"#), record(#""a":{"type":"string"}"#), "format-removed",
            "/defs/main/record/properties/a"
        ),
        (
            "enum lost a value", record(#""a":{"type":"string","enum":["x","y"]}"#), record(#""a":{"type":"string","enum":["x"]}"#), "enum-narrowed",
            "/defs/main/record/properties/a/enum"
        ),
        (
            "enum gained a value (readers)", record(#""a":{"type":"string","enum":["x"]}"#), record(#""a":{"type":"string","enum":["x","y"]}"#),
            "enum-widened", "/defs/main/record/properties/a/enum"
        ),
        (
            "const changed", record(#""a":{"type":"boolean","const":true}"#), record(#""a":{"type":"boolean","const":false}"#), "const-changed",
            "/defs/main/record/properties/a"
        ),
        (
            "nullable removed", record(#""a":{"type":"integer"}"#, required: #"["a"]"#, nullable: #"["a"]"#),
            record(#""a":{"type":"integer"}"#, required: #"["a"]"#), "nullable-removed", "/defs/main/record/nullable"
        ),
        (
            "blob accept narrowed", record(#""a":{"type":"blob","accept":["image/*"]}"#), record(#""a":{"type":"blob","accept":["image/png"]}"#),
            "blob-accept-narrowed", "/defs/main/record/properties/a/accept"
        ),
        (
            "blob accept added", record(#""a":{"type":"blob"}"#), record(#""a":{"type":"blob","accept":["image/*"]}"#), "blob-accept-narrowed",
            "/defs/main/record/properties/a/accept"
        ),
        (
            "blob maxSize shrank", record(#""a":{"type":"blob","maxSize":100}"#), record(#""a":{"type":"blob","maxSize":10}"#), "blob-size-narrowed",
            "/defs/main/record/properties/a/maxSize"
        ),
        (
            "property removed", record(#""a":{"type":"integer"},"b":{"type":"integer"}"#), record(#""a":{"type":"integer"}"#), "property-removed",
            "/defs/main/record/properties"
        ),
        (
            "closed union lost a member",
            record(##""u":{"type":"union","closed":true,"refs":["#a","#b"]}"##).replacingOccurrences(
                of: "}}}}}", with: #"}}},"a":{"type":"object","properties":{}},"b":{"type":"object","properties":{}}}}"#),
            record(##""u":{"type":"union","closed":true,"refs":["#a"]}"##).replacingOccurrences(
                of: "}}}}}", with: #"}}},"a":{"type":"object","properties":{}},"b":{"type":"object","properties":{}}}}"#), "union-member-removed",
            "/defs/main/record/properties/u/refs"
        ),
        (
            "closed union gained a member",
            record(##""u":{"type":"union","closed":true,"refs":["#a"]}"##).replacingOccurrences(
                of: "}}}}}", with: #"}}},"a":{"type":"object","properties":{}},"b":{"type":"object","properties":{}}}}"#),
            record(##""u":{"type":"union","closed":true,"refs":["#a","#b"]}"##).replacingOccurrences(
                of: "}}}}}", with: #"}}},"a":{"type":"object","properties":{}},"b":{"type":"object","properties":{}}}}"#), "union-member-added",
            "/defs/main/record/properties/u/refs"
        ),
        (
            "union closed", record(#""u":{"type":"union","refs":[]}"#), record(#""u":{"type":"union","refs":["com.example.x"],"closed":true}"#),
            "union-closed", "/defs/main/record/properties/u/closed"
        ),
        (
            "ref retargeted", record(#""r":{"type":"ref","ref":"com.example.a"}"#), record(#""r":{"type":"ref","ref":"com.example.b"}"#),
            "ref-changed", "/defs/main/record/properties/r/ref"
        ),
        (
            "def removed", #"{"lexicon":1,"id":"com.example.defs","defs":{"a":{"type":"token"},"b":{"type":"token"}}}"#,
            #"{"lexicon":1,"id":"com.example.defs","defs":{"a":{"type":"token"}}}"#, "def-removed", "/defs/b"
        ),
        (
            "definition type changed", #"{"lexicon":1,"id":"com.example.defs","defs":{"a":{"type":"token"}}}"#,
            #"{"lexicon":1,"id":"com.example.defs","defs":{"a":{"type":"string"}}}"#, "type-changed", "/defs/a/type"
        ),
        // Inputs: narrowing breaks callers; widening does not.
        (
            "input gained a required field", procedure(input: object(#""a":{"type":"integer"}"#)),
            procedure(input: object(#""a":{"type":"integer"}"#, required: #"["a"]"#)), "required-added", "/defs/main/input/schema/required"
        ),
        (
            "input maxLength shrank", procedure(input: object(#""a":{"type":"string","maxLength":9}"#)),
            procedure(input: object(#""a":{"type":"string","maxLength":3}"#)), "length-narrowed", "/defs/main/input/schema/properties/a/maxLength"
        ),
        (
            "input widened: fine", procedure(input: object(#""a":{"type":"string","maxLength":3}"#, required: #"["a"]"#)),
            procedure(input: object(#""a":{"type":"string","maxLength":9},"b":{"type":"integer"}"#)), nil, ""
        ),
        (
            "input enum gained a value: fine", procedure(input: object(#""a":{"type":"string","enum":["x"]}"#)),
            procedure(input: object(#""a":{"type":"string","enum":["x","y"]}"#)), nil, ""
        ),
        (
            "input encoding changed", procedure(input: object("")),
            procedure(input: object("")).replacingOccurrences(
                of: #""input":{"encoding":"application/json""#, with: #""input":{"encoding":"text/plain""#
            ).replacingOccurrences(of: #","schema":{"type":"object","required":[],"nullable":[],"properties":{}}},"output""#, with: #"},"output""#),
            "encoding-changed", "/defs/main/input/encoding"
        ),
        (
            "param became required",
            #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query","parameters":{"type":"params","properties":{"q":{"type":"string"}}}}}}"#,
            #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query","parameters":{"type":"params","required":["q"],"properties":{"q":{"type":"string"}}}}}}"#,
            "required-added", "/defs/main/parameters/required"
        ),
        (
            "procedure gained an input", #"{"lexicon":1,"id":"com.example.do","defs":{"main":{"type":"procedure"}}}"#, procedure(input: object("")),
            "input-added", "/defs/main/input"
        ),
        // Outputs: widening breaks readers; narrowing does not.
        (
            "output field no longer required", procedure(input: object(""), output: object(#""a":{"type":"integer"}"#, required: #"["a"]"#)),
            procedure(input: object(""), output: object(#""a":{"type":"integer"}"#)), "required-removed", "/defs/main/output/schema/required"
        ),
        (
            "output may be null now", procedure(input: object(""), output: object(#""a":{"type":"integer"}"#, required: #"["a"]"#)),
            procedure(input: object(""), output: object(#""a":{"type":"integer"}"#, required: #"["a"]"#, nullable: #"["a"]"#)), "nullable-added",
            "/defs/main/output/schema/nullable"
        ),
        (
            "output enum widened", procedure(input: object(""), output: object(#""a":{"type":"string","enum":["x"]}"#)),
            procedure(input: object(""), output: object(#""a":{"type":"string","enum":["x","y"]}"#)), "enum-widened",
            "/defs/main/output/schema/properties/a/enum"
        ),
        (
            "output field removed", procedure(input: object(""), output: object(#""a":{"type":"integer"}"#)),
            procedure(input: object(""), output: object("")), "property-removed", "/defs/main/output/schema/properties"
        ),
        (
            "output narrowed: fine", procedure(input: object(""), output: object(#""a":{"type":"string","maxLength":9}"#)),
            procedure(input: object(""), output: object(#""a":{"type":"string","maxLength":3}"#, required: #"["a"]"#)), nil, ""
        ),
        (
            "output removed", procedure(input: object("")),
            #"{"lexicon":1,"id":"com.example.do","defs":{"main":{"type":"procedure","input":{"encoding":"application/json","schema":{"type":"object","required":[],"nullable":[],"properties":{}}}}}}"#,
            "output-removed", "/defs/main/output"
        ),
        // Permission sets: a set that grants less breaks the apps that asked for it.
        (
            "permission set grants less",
            #"{"lexicon":1,"id":"com.example.auth","defs":{"main":{"type":"permission-set","permissions":[{"type":"permission","resource":"repo","collection":["com.example.post","com.example.like"]}]}}}"#,
            #"{"lexicon":1,"id":"com.example.auth","defs":{"main":{"type":"permission-set","permissions":[{"type":"permission","resource":"repo","collection":["com.example.post"],"action":["create"]}]}}}"#,
            "permission-removed", "/defs/main/permissions"
        ),
        (
            "output format changed (readers break)", procedure(input: object(""), output: object(#""a":{"type":"string","format":"did"}"#)),
            procedure(input: object(""), output: object(#""a":{"type":"string","format":"at-uri"}"#)), "format-changed",
            "/defs/main/output/schema/properties/a/format"
        ),
        (
            "output format added: fine", procedure(input: object(""), output: object(#""a":{"type":"string"}"#)),
            procedure(input: object(""), output: object(#""a":{"type":"string","format":"did"}"#)), nil, ""
        ),
        (
            "params added with a required one", #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query"}}}"#,
            #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query","parameters":{"type":"params","required":["q"],"properties":{"q":{"type":"string"}}}}}}"#,
            "required-added", "/defs/main/parameters/required"
        ),
        (
            "optional params added: fine", #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query"}}}"#,
            #"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query","parameters":{"type":"params","properties":{"q":{"type":"string"}}}}}}"#,
            nil, ""
        ),
        (
            "input schema added",
            #"{"lexicon":1,"id":"com.example.do","defs":{"main":{"type":"procedure","input":{"encoding":"application/json"}}}}"#,
            procedure(input: object("")).replacingOccurrences(
                of: #","output":{"encoding":"application/json","schema":{"type":"object","properties":{}}}"#, with: ""), "schema-added",
            "/defs/main/input/schema"
        ),
        (
            "output schema removed", procedure(input: object("")),
            procedure(input: object("")).replacingOccurrences(
                of: #""output":{"encoding":"application/json","schema":{"type":"object","properties":{}}}"#,
                with: #""output":{"encoding":"application/json"}"#), "schema-removed", "/defs/main/output/schema"
        ),
        ("unchanged", record(#""a":{"type":"integer"}"#), record(#""a":{"type":"integer"}"#), nil, ""),
        ("new optional record field: fine", record(#""a":{"type":"integer"}"#), record(#""a":{"type":"integer"},"b":{"type":"string"}"#), nil, ""),
    ]

    @Test(arguments: cases.indices)
    func eachRule(_ index: Int) throws {
        let (label, old, new, rule, path) = Self.cases[index]
        let findings = try Self.compare([old], [new])
        if let rule {
            #expect(findings.contains { $0.rule == rule && $0.path == path }, "\(label): \(findings.map(\.description))")
            // Nothing else fires: a rule reported in the wrong direction would show up here.
            #expect(findings.count == 1, "\(label): \(findings.map(\.description))")
            #expect(BreakingChanges.rules.contains { $0.id == rule })
        } else {
            #expect(findings.isEmpty, "\(label): \(findings.map(\.description))")
        }
    }

    @Test func aRemovedLexiconIsReported() throws {
        let findings = try Self.compare(
            [Self.record(#""a":{"type":"integer"}"#), #"{"lexicon":1,"id":"com.example.gone","defs":{"main":{"type":"token"}}}"#],
            [Self.record(#""a":{"type":"integer"}"#)])
        #expect(findings.map(\.rule) == ["lexicon-removed"])
        #expect(findings.first?.message == "com.example.gone is gone")
    }

    @Test func anOpenUnionLosingAMemberIsOnlyAWarning() throws {
        let findings = try Self.compare(
            [Self.record(#""u":{"type":"union","refs":["com.example.a","com.example.b"]}"#)],
            [Self.record(#""u":{"type":"union","refs":["com.example.a"]}"#)])
        #expect(findings.count == 1 && findings[0].rule == "union-member-removed" && findings[0].severity == .warning)
    }

    @Test func theBundledLexiconsHaveNoBreakingChangeAgainstThemselves() throws {
        let catalog = try LexiconCatalog.load(directory: Repo.path("lexicons"))
        #expect(BreakingChanges().compare(old: catalog, new: catalog).isEmpty)
    }
}
