import LexiconAuthoring
import Testing

@testable import Lexicon

/// `sigil lexicon lint`'s rules: each fires where it should, with its id, and not on clean documents.
@Suite("Lexicon lint")
struct LintTests {
    static func lint(_ documents: String...) -> [LexiconProblem] {
        Linter().lint(sources: documents.enumerated().map { LexiconSource(name: "doc\($0).json", bytes: Array($1.utf8)) })
    }

    static let tokens = #"""
        {"lexicon": 1, "id": "com.example.tokens", "defs": {
          "red": {"type": "token", "description": "Red."}, "blue": {"type": "token"}, "shade": {"type": "object", "description": "Not a token.", "properties": {}}}}
        """#

    static func main(_ json: String, id: String = "com.example.thing", extra: String = "") -> String {
        #"{"lexicon": 1, "id": "\#(id)", "defs": {"main": \#(json)\#(extra.isEmpty ? "" : ", " + extra)}}"#
    }

    /// A document, the rule that must fire, and the JSON pointer it must name.
    static let cases: [(label: String, json: String, rule: String, path: String)] = [
        ("schema error", main(#"{"type":"string","maxLength":-1}"#), "lexicon-schema", "/defs/main/maxLength"),
        (
            "unresolved ref", main(#"{"type":"object","description":"d","properties":{"r":{"type":"ref","ref":"com.other.defs#x"}}}"#),
            "unresolved-ref", "/defs/main/properties/r/ref"
        ),
        ("typo", main(#"{"type":"string","description":"d","maxLenght":3}"#), "unknown-field", "/defs/main/maxLenght"),
        ("primary without description", main(#"{"type":"query","output":{"encoding":"application/json"}}"#), "missing-description", "/defs/main"),
        (
            "named def without description", main(#"{"type":"token","description":"t"}"#, extra: #""view":{"type":"object","properties":{}}"#),
            "missing-description", "/defs/view"
        ),
        ("token without description", main(#"{"type":"token"}"#), "undescribed-token", "/defs/main"),
        ("NSID name not camelCase", main(#"{"type":"token","description":"t"}"#, id: "com.example.GetThing"), "nsid-naming", "/id"),
        ("NSID authority upper case", main(#"{"type":"token","description":"t"}"#, id: "com.Example.thing"), "nsid-naming", "/id"),
        ("defs with main", main(#"{"type":"token","description":"t"}"#, id: "com.example.defs"), "defs-with-main", "/defs/main"),
        (
            "snake_case property", main(#"{"type":"object","description":"d","properties":{"created_at":{"type":"string","format":"datetime"}}}"#),
            "name-syntax", "/defs/main/properties/created_at"
        ),
        (
            "def name with hyphen", main(#"{"type":"token","description":"t"}"#, extra: #""my-def":{"type":"token","description":"t"}"#),
            "name-syntax", "/defs/my-def"
        ),
        (
            "known value names a missing token",
            main(#"{"type":"string","description":"d","maxLength":64,"knownValues":["com.example.tokens#green"]}"#), "known-value-unknown-token",
            "/defs/main/knownValues/0"
        ),
        (
            "known value names a non-token", main(#"{"type":"string","description":"d","maxLength":64,"knownValues":["com.example.tokens#shade"]}"#),
            "known-value-not-token", "/defs/main/knownValues/0"
        ),
        (
            "known value local ref",
            main(
                ##"{"type":"string","description":"d","maxLength":64,"knownValues":["#local"]}"##,
                extra: #""local":{"type":"token","description":"t"}"#), "known-value-local-ref", "/defs/main/knownValues/0"
        ),
        (
            "known value longer than maxLength", main(#"{"type":"string","description":"d","maxLength":3,"knownValues":["toolong"]}"#), "never-valid",
            "/defs/main/knownValues/0"
        ),
        (
            "tid with maxLength 10", main(#"{"type":"object","description":"d","properties":{"t":{"type":"string","format":"tid","maxLength":10}}}"#),
            "never-valid", "/defs/main/properties/t"
        ),
        (
            "datetime with maxGraphemes 8", main(#"{"type":"string","description":"d","format":"datetime","maxGraphemes":8}"#), "never-valid",
            "/defs/main"
        ),
        (
            "record-key with minLength 600", main(#"{"type":"string","description":"d","format":"record-key","minLength":600}"#), "never-valid",
            "/defs/main"
        ),
        (
            "nullable and optional", main(#"{"type":"object","description":"d","nullable":["x"],"properties":{"x":{"type":"integer"}}}"#),
            "nullable-and-optional", "/defs/main/properties/x"
        ),
        ("unlimited string", main(#"{"type":"string","description":"d"}"#), "unlimited-string", "/defs/main"),
        ("unlimited bytes", main(#"{"type":"bytes","description":"d"}"#), "unlimited-bytes", "/defs/main"),
        ("no output", main(#"{"type":"procedure","description":"d"}"#), "endpoint-output-undefined", "/defs/main"),
        (
            "permission set without title", main(#"{"type":"permission-set","description":"d","permissions":[]}"#, id: "com.example.auth"),
            "permission-set-no-title", "/defs/main"
        ),
        (
            "permission outside authority",
            main(
                #"{"type":"permission-set","title":"t","description":"d","permissions":[{"type":"permission","resource":"repo","collection":["org.other.post"]}]}"#,
                id: "com.example.auth"), "permission-authority", "/defs/main/permissions/0/collection/0"
        ),
    ]

    @Test(arguments: cases.indices)
    func eachRuleFires(_ index: Int) {
        let (label, json, rule, path) = Self.cases[index]
        let findings = Self.lint(json, Self.tokens)
        #expect(
            findings.contains { $0.rule == rule && $0.path == path && $0.file == "doc0.json" },
            "\(label): \(findings.map(\.description))")
        #expect(LexiconRule.lintRule(named: rule) != nil, "\(rule) is not a documented rule")
        if let finding = findings.first(where: { $0.rule == rule }) { #expect(finding.severity == LexiconRule.lintRule(named: rule)?.severity) }
    }

    @Test func aCleanDocumentHasNoFindings() {
        let clean = Self.main(
            #"""
            {"type": "record", "key": "tid", "description": "A post.", "record": {"type": "object", "required": ["text", "createdAt"], "properties": {
              "text": {"type": "string", "maxLength": 3000, "maxGraphemes": 300},
              "color": {"type": "string", "maxLength": 64, "knownValues": ["com.example.tokens#red", "plain"]},
              "createdAt": {"type": "string", "format": "datetime"}}}}
            """#, id: "com.example.post")
        #expect(Self.lint(clean, Self.tokens).filter { $0.file == "doc0.json" }.isEmpty)
    }

    @Test func rulesCanBeDisabled() {
        let findings = Linter(disabled: ["unlimited-string", "missing-description"])
            .lint(sources: [LexiconSource(name: "a.json", bytes: Array(Self.main(#"{"type":"string"}"#).utf8))])
        #expect(findings.isEmpty)
    }

    @Test func ruleIdsAreUniqueAndStable() {
        let ids = LexiconRule.lint.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" } })
    }
}
