import Foundation
import Testing

@testable import Lexicon
@testable import LexiconAuthoring

/// `sigil lexicon test`: examples beside lexicons, validated and reported (text and JUnit).
@Suite("Lexicon conformance runner")
struct ConformanceRunnerTests {
    @Test func theBundledLexiconsPassTheirOwnExamples() throws {
        let catalog = try LexiconCatalog.load(directory: Repo.path("lexicons"))
        let (examples, errors) = ConformanceExample.load(directory: Repo.path("lexicons"))
        #expect(errors.isEmpty)
        #expect(Set(examples.map(\.lexicon)) == Set(catalog.documents.keys), "every bundled lexicon ships examples")
        #expect(examples.contains { !$0.valid } && examples.contains { $0.valid })
        let failures = ConformanceRunner(catalog: catalog).run(examples).filter { !$0.passed }
        #expect(failures.isEmpty, "\(failures.map { "\($0.example.lexicon) \($0.example.name): \($0.failure!)" })")
    }

    static let lexicon =
        #"{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5}}}}}}"#

    static func run(_ examples: String) throws -> [ConformanceRunner.Outcome] {
        let catalog = try makeCatalog(Self.lexicon)
        return ConformanceRunner(catalog: catalog).run(
            try ConformanceExample.parse(JSONValue(parsing: examples), file: "note.examples.json", lexicon: "com.example.note"))
    }

    @Test func eachWayAnExampleCanFail() throws {
        let outcomes = try Self.run(
            #"""
            {"examples": [
              {"name": "ok", "valid": true, "value": {"$type": "com.example.note", "text": "hi"}},
              {"name": "declared valid but is not", "valid": true, "value": {"$type": "com.example.note", "text": "too long"}},
              {"name": "declared invalid but is valid", "valid": false, "value": {"$type": "com.example.note", "text": "hi"}},
              {"name": "invalid for another reason", "valid": false, "value": {"$type": "com.example.note"}, "error": "must not be longer"},
              {"name": "invalid for the stated reason", "valid": false, "value": {"$type": "com.example.note", "text": "too long"}, "error": "must not be longer than 5"},
              {"name": "bad rkey", "valid": false, "rkey": "a/b", "value": {"$type": "com.example.note", "text": "hi"}},
              {"name": "part does not apply", "part": "input", "valid": true, "value": {}},
              {"name": "unknown definition", "definition": "#nope", "valid": true, "value": {}}
            ]}
            """#)
        #expect(outcomes.map(\.passed) == [true, false, false, false, true, true, false, false])
        #expect(outcomes[1].failure == "expected valid, got: Record/text must not be longer than 5 UTF-8 bytes")
        #expect(outcomes[2].failure == "expected invalid, but it validated")
        #expect(
            outcomes[3].failure?.hasPrefix(
                "invalid for another reason: expected an error containing \"must not be longer\", got: Record must have the property \"text\"")
                == true)
        #expect(outcomes[6].failure?.contains("part input does not apply") == true)
        #expect(outcomes[7].failure?.contains("no lexicon defines com.example.note#nope") == true)
    }

    static let malformedFiles: [(json: String, reason: String)] = [
        (#"[]"#, "expected {\"examples\": [...]}"),
        (#"{"examples": [{"valid": true, "value": 1}]}"#, "/examples/0: needs a non-empty string \"name\""),
        (#"{"examples": [{"name": "a", "value": 1}]}"#, "/examples/0: needs \"valid\": true or false"),
        (#"{"examples": [{"name": "a", "valid": true}]}"#, "/examples/0: needs a \"value\""),
        (
            #"{"examples": [{"name": "a", "valid": true, "value": 1, "part": "body"}]}"#,
            "/examples/0: \"part\" must be record, input, output, params or value"
        ),
        (#"{"examples": [{"name": "a", "valid": true, "value": 1, "error": "x"}]}"#, "/examples/0: \"error\" only applies to invalid examples"),
        (
            #"{"examples": [{"name": "a", "valid": true, "value": 1}, {"name": "a", "valid": true, "value": 1}]}"#,
            "/examples/1: the name \"a\" is used twice"
        ),
        (#"{"examples": [{"name": "a", "valid": true, "value": 1, "vaild": false}]}"#, "/examples/0: unknown field \"vaild\""),
        (
            #"{"examples": [{"name": "a", "valid": false, "value": 1, "error": ""}]}"#,
            "/examples/0: \"error\" must be non-empty text the validation error contains"
        ),
    ]

    @Test(arguments: malformedFiles.indices)
    func aMalformedExamplesFileSaysWhatIsWrong(_ index: Int) throws {
        let (json, reason) = Self.malformedFiles[index]
        #expect(throws: ConformanceFileError.self) { try ConformanceExample.parse(JSONValue(parsing: json), file: "f", lexicon: "l") }
        do {
            _ = try ConformanceExample.parse(JSONValue(parsing: json), file: "f", lexicon: "l")
        } catch let error as ConformanceFileError {
            #expect(error.reason == reason)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func junitEscapesWhatXMLCannotHold() {
        #expect(JUnitReport.escape(#"a<b>&"c"\#n\#u{1}"#) == "a&lt;b&gt;&amp;&quot;c&quot;&#10;\u{FFFD}")
    }
}
