import Foundation
import Testing

@testable import Lexicon

/// One entry of the interop `lexicon-valid.json` / `lexicon-invalid.json` files.
struct InteropLexiconCase: CustomTestStringConvertible, Sendable {
    let name: String
    let document: JSONValue
    var testDescription: String { name }

    static func load(_ file: String) -> [InteropLexiconCase] {
        guard let cases = try? Repo.json("fixtures/atproto-interop/lexicon/\(file)").arrayValue else { return [] }
        return cases.map { InteropLexiconCase(name: $0["name"]?.stringValue ?? "?", document: $0["lexicon"] ?? .null) }
    }

    var source: LexiconSource {
        LexiconSource(name: name, bytes: document.serialized())
    }
}

@Suite("Lexicon loader")
struct LexiconLoaderTests {
    static let validCases = InteropLexiconCase.load("lexicon-valid.json")
    static let invalidCases = InteropLexiconCase.load("lexicon-invalid.json")

    @Test func interopFixturesArePresent() {
        #expect(Self.validCases.count >= 3)
        #expect(Self.invalidCases.count >= 7)
    }

    @Test("interop: valid lexicons load", arguments: validCases)
    func validInteropLexicon(_ entry: InteropLexiconCase) throws {
        let catalog = try LexiconCatalog(sources: [entry.source])
        #expect(catalog.documents.count == 1)
    }

    @Test("interop: invalid lexicons are rejected", arguments: invalidCases)
    func invalidInteropLexicon(_ entry: InteropLexiconCase) {
        #expect(throws: LexiconLoadError.self) { try LexiconCatalog(sources: [entry.source]) }
    }

    @Test func bundledLexiconsLoad() throws {
        let catalog = try LexiconCatalog.load(directory: Repo.path("lexicons"))
        for nsid in [
            "place.wisp.v2.wh", "place.wisp.v2.secret.create", "place.wisp.v2.secret.list",
            "place.wisp.v2.secret.delete", "place.wisp.v2.secret.rotate",
        ] {
            #expect(catalog.definition(nsid) != nil, "\(nsid) missing")
        }
    }

    /// A malformed schema, the JSON pointer its problem must name, and a fragment of the rule.
    struct BadSchema: CustomTestStringConvertible, Sendable {
        let label: String
        let json: String
        let path: String
        let rule: String
        var testDescription: String { label }
    }

    static let badSchemas: [BadSchema] = [
        .init(
            label: "lexicon version 2", json: #"{"lexicon":2,"id":"com.example.test","defs":{"a":{"type":"integer"}}}"#, path: "/lexicon",
            rule: "must be the integer 1"),
        .init(label: "lexicon missing", json: #"{"id":"com.example.test","defs":{"a":{"type":"integer"}}}"#, path: "", rule: "missing \"lexicon\""),
        .init(label: "id not an NSID", json: #"{"lexicon":1,"id":"nope","defs":{"a":{"type":"integer"}}}"#, path: "/id", rule: "not a valid NSID"),
        .init(label: "no defs", json: #"{"lexicon":1,"id":"com.example.test","defs":{}}"#, path: "/defs", rule: "at least one definition"),
        .init(label: "not JSON", json: #"{"lexicon":1,"#, path: "", rule: "invalid JSON"),
        .init(label: "top-level array", json: #"[]"#, path: "", rule: "must be a JSON object"),
        .init(label: "unknown type", json: document(main: #"{"type":"strng"}"#), path: "/defs/main/type", rule: "unknown type \"strng\""),
        .init(
            label: "query not main", json: document(main: #"{"type":"integer"}"#, extra: #""q":{"type":"query"}"#), path: "/defs/q/type",
            rule: "must be the \"main\" definition"),
        .init(
            label: "procedure not main", json: document(main: #"{"type":"integer"}"#, extra: #""p":{"type":"procedure"}"#), path: "/defs/p/type",
            rule: "must be the \"main\" definition"),
        .init(
            label: "subscription not main", json: document(main: #"{"type":"integer"}"#, extra: #""s":{"type":"subscription"}"#),
            path: "/defs/s/type", rule: "must be the \"main\" definition"),
        .init(
            label: "permission-set not main", json: document(main: #"{"type":"integer"}"#, extra: #""s":{"type":"permission-set","permissions":[]}"#),
            path: "/defs/s/type", rule: "must be the \"main\" definition"),
        .init(
            label: "record without key", json: document(main: #"{"type":"record","record":{"type":"object","properties":{}}}"#), path: "/defs/main",
            rule: "needs a \"key\""),
        .init(
            label: "record with bad key type", json: document(main: #"{"type":"record","key":"uuid","record":{"type":"object","properties":{}}}"#),
            path: "/defs/main/key", rule: "not tid, nsid, any or literal"),
        .init(
            label: "record schema not object", json: document(main: #"{"type":"record","key":"tid","record":{"type":"string"}}"#),
            path: "/defs/main/record", rule: "type object"),
        .init(
            label: "record inside a property",
            json: document(main: #"{"type":"object","properties":{"r":{"type":"record","key":"tid","record":{"type":"object","properties":{}}}}}"#),
            path: "/defs/main/properties/r/type", rule: "top-level \"main\""),
        .init(
            label: "ref to a token",
            json: document(main: ##"{"type":"object","properties":{"r":{"type":"ref","ref":"#tok"}}}"##, extra: ##""tok":{"type":"token"}"##),
            path: "/defs/main/properties/r/ref", rule: "points at a token"),
        .init(
            label: "union member is a string",
            json: document(main: ##"{"type":"object","properties":{"u":{"type":"union","refs":["#s"]}}}"##, extra: ##""s":{"type":"string"}"##),
            path: "/defs/main/properties/u/refs/0", rule: "must be an object or a record"),
        .init(
            label: "closed empty union", json: document(main: #"{"type":"object","properties":{"u":{"type":"union","refs":[],"closed":true}}}"#),
            path: "/defs/main/properties/u", rule: "closed union with no refs"),
        .init(
            label: "union as a definition", json: document(main: #"{"type":"union","refs":[]}"#), path: "/defs/main/type",
            rule: "cannot be a named definition"),
        .init(
            label: "params holding an object",
            json: document(main: #"{"type":"query","parameters":{"type":"params","properties":{"o":{"type":"object","properties":{}}}}}"#),
            path: "/defs/main/parameters/properties/o/type", rule: "params can only hold"),
        .init(
            label: "params array of objects",
            json: document(
                main:
                    #"{"type":"query","parameters":{"type":"params","properties":{"a":{"type":"array","items":{"type":"object","properties":{}}}}}}"#),
            path: "/defs/main/parameters/properties/a/items/type", rule: "params array can only hold"),
        .init(
            label: "params holding unknown",
            json: document(main: #"{"type":"query","parameters":{"type":"params","properties":{"u":{"type":"unknown"}}}}"#),
            path: "/defs/main/parameters/properties/u/type", rule: "params can only hold"),
        .init(
            label: "body without encoding", json: document(main: #"{"type":"procedure","input":{"schema":{"type":"object","properties":{}}}}"#),
            path: "/defs/main/input", rule: "needs an \"encoding\""),
        .init(
            label: "body schema is a string",
            json: document(main: #"{"type":"procedure","input":{"encoding":"application/json","schema":{"type":"string"}}}"#),
            path: "/defs/main/input/schema/type", rule: "object, a ref or a union"),
        .init(
            label: "minLength above maxLength", json: document(main: #"{"type":"string","minLength":5,"maxLength":3}"#), path: "/defs/main",
            rule: "minLength (5) is greater than maxLength (3)"),
        .init(
            label: "minGraphemes above maxGraphemes", json: document(main: #"{"type":"string","minGraphemes":5,"maxGraphemes":3}"#),
            path: "/defs/main", rule: "minGraphemes (5) is greater than maxGraphemes (3)"),
        .init(
            label: "minGraphemes above maxLength", json: document(main: #"{"type":"string","minGraphemes":5,"maxLength":3}"#), path: "/defs/main",
            rule: "exceeds maxLength"),
        .init(
            label: "negative maxLength", json: document(main: #"{"type":"string","maxLength":-1}"#), path: "/defs/main/maxLength",
            rule: "must not be negative"),
        .init(
            label: "minimum above maximum", json: document(main: #"{"type":"integer","minimum":10,"maximum":1}"#), path: "/defs/main",
            rule: "minimum (10) is greater than maximum (1)"),
        .init(
            label: "integer const outside enum", json: document(main: #"{"type":"integer","enum":[1,2],"const":3}"#), path: "/defs/main/const",
            rule: "must be one of 1, 2"),
        .init(
            label: "string const outside enum", json: document(main: #"{"type":"string","enum":["a","b"],"const":"c"}"#), path: "/defs/main/const",
            rule: "must be one of \"a\", \"b\""),
        .init(
            label: "default outside bounds", json: document(main: #"{"type":"integer","minimum":1,"maximum":100,"default":500}"#),
            path: "/defs/main/default", rule: "can not be greater than 100"),
        .init(
            label: "default failing its format", json: document(main: #"{"type":"string","format":"did","default":"alice"}"#),
            path: "/defs/main/default", rule: "must be a valid did"),
        .init(
            label: "default too long", json: document(main: #"{"type":"string","maxLength":2,"default":"abc"}"#), path: "/defs/main/default",
            rule: "longer than 2 UTF-8 bytes"),
        .init(
            label: "default and const together", json: document(main: #"{"type":"boolean","default":true,"const":true}"#), path: "/defs/main",
            rule: "mutually exclusive"),
        .init(
            label: "enum value outside bounds", json: document(main: #"{"type":"integer","maximum":5,"enum":[1,9]}"#), path: "/defs/main/enum/1",
            rule: "can not be greater than 5"),
        .init(label: "empty enum", json: document(main: #"{"type":"string","enum":[]}"#), path: "/defs/main/enum", rule: "enum is empty"),
        .init(
            label: "unknown string format", json: document(main: #"{"type":"string","format":"email"}"#), path: "/defs/main/format",
            rule: "unknown string format \"email\""),
        .init(
            label: "wrongly typed constraint", json: document(main: #"{"type":"string","maxLength":"3"}"#), path: "/defs/main/maxLength",
            rule: "must be an integer, not string"),
        .init(
            label: "required names undeclared property", json: document(main: #"{"type":"object","required":["x"],"properties":{}}"#),
            path: "/defs/main/required/0", rule: "not a declared property"),
        .init(
            label: "nullable names undeclared property", json: document(main: #"{"type":"object","nullable":["x"],"properties":{}}"#),
            path: "/defs/main/nullable/0", rule: "not a declared property"),
        .init(label: "object without properties", json: document(main: #"{"type":"object"}"#), path: "/defs/main", rule: "needs \"properties\""),
        .init(label: "array without items", json: document(main: #"{"type":"array"}"#), path: "/defs/main", rule: "needs \"items\""),
        .init(
            label: "blob accept partial glob", json: document(main: #"{"type":"object","properties":{"b":{"type":"blob","accept":["text/ht*"]}}}"#),
            path: "/defs/main/properties/b/accept/0", rule: "not a MIME type"),
        .init(
            label: "blob accept lone star", json: document(main: #"{"type":"object","properties":{"b":{"type":"blob","accept":["*"]}}}"#),
            path: "/defs/main/properties/b/accept/0", rule: "not a MIME type"),
        .init(
            label: "duplicate error names", json: document(main: #"{"type":"query","errors":[{"name":"A"},{"name":"A"}]}"#),
            path: "/defs/main/errors/1/name", rule: "declared twice"),
        .init(
            label: "error name with space", json: document(main: #"{"type":"query","errors":[{"name":"Not Found"}]}"#),
            path: "/defs/main/errors/0/name", rule: "no whitespace"),
        .init(
            label: "null type (removed from the spec)", json: document(main: #"{"type":"object","properties":{"n":{"type":"null"}}}"#),
            path: "/defs/main/properties/n/type", rule: "null is no longer a Lexicon type"),
        .init(
            label: "misspelt type names the fix", json: document(main: #"{"type":"object","properties":{"n":{"type":"interger"}}}"#),
            path: "/defs/main/properties/n/type", rule: "did you mean \"integer\""),
        .init(
            label: "subscription without message", json: document(main: #"{"type":"subscription"}"#), path: "/defs/main", rule: "needs a \"message\""),
        .init(
            label: "subscription subprotocol not a token",
            json: document(
                main: ##"{"type":"subscription","subprotocol":"xrpc v1","message":{"schema":{"type":"union","refs":["#m"]}}}"##,
                extra: ##""m":{"type":"object","properties":{}}"##), path: "/defs/main/subprotocol", rule: "subprotocol token"),
        .init(
            label: "subscription subprotocol not a string",
            json: document(
                main: ##"{"type":"subscription","subprotocol":1,"message":{"schema":{"type":"union","refs":["#m"]}}}"##,
                extra: ##""m":{"type":"object","properties":{}}"##), path: "/defs/main/subprotocol", rule: "must be a string"),
        .init(
            label: "subscription message not union",
            json: document(main: #"{"type":"subscription","message":{"schema":{"type":"object","properties":{}}}}"#),
            path: "/defs/main/message/schema/type", rule: "must be a union"),
        .init(
            label: "bad definition name", json: document(main: #"{"type":"integer"}"#, extra: #""has space":{"type":"integer"}"#),
            path: "/defs/has space", rule: "definition name"),
        .init(
            label: "rpc permission without aud",
            json: document(main: #"{"type":"permission-set","permissions":[{"type":"permission","resource":"rpc","lxm":["com.example.x"]}]}"#),
            path: "/defs/main/permissions/0", rule: "needs \"aud\""),
    ]

    @Test("malformed schemas name the path and the rule", arguments: badSchemas)
    func malformedSchema(_ bad: BadSchema) {
        let found = problems(bad.json)
        #expect(!found.isEmpty, "accepted a malformed schema")
        #expect(
            found.contains { $0.path == bad.path && $0.message.contains(bad.rule) },
            "expected \(bad.path): …\(bad.rule)…, got \(found.map(\.description))")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let found = problems(
            document(main: ##"{"type":"object","properties":{"a":{"type":"string","maxLength":-1},"b":{"type":"ref","ref":"nope"}}}"##))
        #expect(found.count == 2)
    }

    @Test func idMustMatchTheFileLocation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-lex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("com/example"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try document(main: #"{"type":"integer"}"#).write(to: dir.appendingPathComponent("com/example/other.json"), atomically: true, encoding: .utf8)
        #expect {
            try LexiconCatalog.load(directory: dir.path)
        } throws: { error in
            let problems = (error as? LexiconLoadError)?.problems ?? []
            return problems.count == 1 && problems[0].path == "/id" && problems[0].file.hasSuffix("com/example/other.json")
                && problems[0].message.contains("com.example.other")
        }
        // Flat naming works too.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("com/example/other.json"))
        try document(main: #"{"type":"integer"}"#).write(to: dir.appendingPathComponent("com.example.test.json"), atomically: true, encoding: .utf8)
        #expect(try LexiconCatalog.load(directory: dir.path).documents.count == 1)
    }

    @Test func duplicateIDsAcrossFilesAreRejected() {
        let found = problems(document(main: #"{"type":"integer"}"#), document(main: #"{"type":"string"}"#))
        #expect(found.contains { $0.file == "doc1.json" && $0.message.contains("already defined in doc0.json") })
    }

    @Test func crossDocumentReferencesResolve() throws {
        let catalog = try makeCatalog(
            document(main: #"{"type":"object","properties":{"o":{"type":"ref","ref":"com.example.defs#thing"}}}"#),
            #"{"lexicon":1,"id":"com.example.defs","defs":{"thing":{"type":"object","required":["n"],"properties":{"n":{"type":"integer"}}}}}"#)
        #expect(try catalog.validate(["o": ["n": 1]], against: "com.example.test").isValid)
        #expect(try catalog.validate(["o": ["n": "x"]], against: "com.example.test").error?.message == "Value/o/n must be an integer")
    }

    @Test func missingDirectoryIsAProblemNotACrash() {
        #expect(throws: LexiconLoadError.self) { try LexiconCatalog.load(directory: "/nonexistent/sigil/lexicons") }
    }

    @Test func garbageNeverCrashesTheLoader() {
        var generator = SeededGenerator(seed: 0x5161_1)
        let seed = document(
            main: ##"{"type":"object","required":["a"],"properties":{"a":{"type":"string","maxLength":3},"u":{"type":"union","refs":["#main"]}}}"##)
        for _ in 0..<500 {
            var bytes = Array(seed.utf8)
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0x20...0x7E, using: &generator) }
            _ = problems(String(decoding: bytes, as: UTF8.self))
        }
    }
}
