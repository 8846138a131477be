import Foundation
import Lexicon
import SigilTestSupport
import Testing

@Suite("sigil lexicon CLI", .tags(.process), .kinds(.process))
struct CLITests {
    @Test func checkPassesOnTheRepoLexicons() async throws {
        let result = try await runSigil(["lexicon", "check", Repo.path("lexicons")])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ok: "))
    }

    @Test func checkReportsEachProblemAndExits1() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"string","minLength":4,"maxLength":2}}}"#
            .write(to: dir.appendingPathComponent("com.example.a.json"), atomically: true, encoding: .utf8)
        try ##"{"lexicon":1,"id":"com.example.b","defs":{"main":{"type":"object","properties":{"r":{"type":"ref","ref":"#gone"}}}}}"##
            .write(to: dir.appendingPathComponent("com.example.b.json"), atomically: true, encoding: .utf8)
        let result = try await runSigil(["lexicon", "check", dir.path])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix("com.example.a.json: /defs/main: minLength (4) is greater than maxLength (2)") == true)
        // A reference to a definition not loaded is a warning now: listed, but it alone would not fail the check.
        #expect(
            lines.last?.hasSuffix(
                ##"com.example.b.json: /defs/main/properties/r/ref: warning: reference "#gone" points to no loaded definition; validation that reaches it fails [unresolved-ref]"##
            ) == true)
    }

    @Test func validateExitCodes() async throws {
        let valid = try await runSigil(
            ["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate", "--as", "input", "-"], stdin: #"{"name":"hook"}"#)
        #expect(valid.status == 0)
        let invalid = try await runSigil(
            ["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate", "--as", "input"], stdin: #"{"name":"a b"}"#)
        #expect(invalid.status == 1)
        #expect(invalid.stderr == "Input/name must be a valid record-key\n")
        let malformed = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate", "--as", "input"], stdin: #"{"name":"#)
        #expect(malformed.status == 1)
        #expect(malformed.stderr.hasPrefix("invalid JSON at line 1"))
        let noPart = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate"], stdin: "{}")
        #expect(noPart.status == 2)
        let unknown = try await runSigil(["lexicon", "validate", "--nsid", "com.example.nope"], stdin: "{}")
        #expect(unknown.status == 2)
        let badFlag = try await runSigil(["lexicon", "validate", "--bogus"])
        #expect(badFlag.status == 2)
        let missingFile = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.wh", "/nonexistent/file.json"])
        #expect(missingFile.status == 2)
        let record = try await runSigil(
            ["lexicon", "validate", "--lexicons", Repo.path("lexicons"), "--nsid", "place.wisp.v2.wh"],
            stdin:
                #"{"$type":"place.wisp.v2.wh","url":"https://example.com/h","scope":{"aturi":"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz"},"createdAt":"2026-01-01T00:00:00Z"}"#
        )
        #expect(record.status == 0)
    }

    @Test func jsonLinesKeepOrderAndSurviveBadLines() async throws {
        let input = "{\"name\":\"ok\"}\n{\"name\":1}\nnot json\r\n{}\n"
        let result = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.create", "--as", "input", "--jsonl"], stdin: input)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == #"{"valid":true}"#)
        #expect(lines[1] == #"{"valid":false,"error":"Input/name must be a string","path":"Input/name"}"#)
        #expect(lines[2].hasPrefix(#"{"valid":false,"error":"invalid JSON"#))
        #expect(lines[3] == #"{"valid":false,"error":"Input must have the property \"name\"","path":"Input"}"#)
    }

    @Test func jsonLinesAtVolume() async throws {
        let lines = (0..<5_000).map { i in i % 2 == 0 ? #"{"name":"hook-\#(i)"}"# : #"{"name":"bad \#(i)"}"# }
        let result = try await runSigil(
            ["lexicon", "validate", "--nsid", "place.wisp.v2.secret.create", "--as", "input", "--jsonl"],
            stdin: lines.joined(separator: "\n"))
        #expect(result.status == 0)
        let results = result.stdout.split(separator: "\n")
        #expect(results.count == 5_000)
        #expect(results.enumerated().allSatisfy { i, line in line.hasPrefix(#"{"valid":\#(i % 2 == 0)"#) })
    }
}

/// The authoring commands as a CI system runs them: exit codes, machine-readable output, JUnit XML.
@Suite("sigil lexicon lint, breaking, test, scope", .tags(.process), .kinds(.process))
struct AuthoringCLITests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("com/example"), withIntermediateDirectories: true)
        return dir
    }

    @Test func lintJSONAndExitCodes() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"lexicon":1,"id":"com.example.thing","defs":{"main":{"type":"string","maxLenght":3}}}"#
            .write(to: dir.appendingPathComponent("com/example/thing.json"), atomically: true, encoding: .utf8)
        let warnings = try await runSigil(["lexicon", "lint", dir.path, "--format", "json"])
        #expect(warnings.status == 0)
        let report = try JSONValue(parsing: Array(warnings.stdout.utf8))
        let rules = Set(report["findings"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } ?? [])
        #expect(rules == ["unknown-field", "missing-description", "unlimited-string"])
        #expect(report["errors"] == .integer(0))
        let strict = try await runSigil(["lexicon", "lint", dir.path, "--strict"])
        #expect(strict.status == 1)
        let disabled = try await runSigil([
            "lexicon", "lint", dir.path, "--strict", "--disable", "unknown-field", "--disable", "missing-description", "--disable",
            "unlimited-string",
        ])
        #expect(disabled.status == 0)
        let badRule = try await runSigil(["lexicon", "lint", dir.path, "--disable", "no-such-rule"])
        #expect(badRule.status == 64 || badRule.status == 2)
        let check = try await runSigil(["lexicon", "check", dir.path])
        #expect(check.status == 0)
        #expect(check.stdout.contains(#"warning: unknown field "maxLenght" for type string, ignored (did you mean "maxLength"?) [unknown-field]"#))
        let strictCheck = try await runSigil(["lexicon", "check", "--strict", dir.path])
        #expect(strictCheck.status == 1)
    }

    @Test func breakingExitsOneAndNamesTheRule() async throws {
        let old = try Self.scratch()
        let new = try Self.scratch()
        defer {
            try? FileManager.default.removeItem(at: old)
            try? FileManager.default.removeItem(at: new)
        }
        try
            #"{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"a":{"type":"string"}}}}}}"#
            .write(to: old.appendingPathComponent("com/example/post.json"), atomically: true, encoding: .utf8)
        try
            #"{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}}}}"#
            .write(to: new.appendingPathComponent("com/example/post.json"), atomically: true, encoding: .utf8)
        let result = try await runSigil(["lexicon", "breaking", old.path, new.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"/defs/main/record/required: "a" is now required [required-added]"#))
        let same = try await runSigil(["lexicon", "breaking", old.path, old.path])
        #expect(same.status == 0)
        let missing = try await runSigil(["lexicon", "breaking", old.path, "/nonexistent/lexicons"])
        #expect(missing.status == 2)
    }

    @Test func testWritesJUnitThatParses() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try
            #"{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"n":{"type":"integer"}}}}}}"#
            .write(to: dir.appendingPathComponent("com/example/note.json"), atomically: true, encoding: .utf8)
        try
            #"{"examples":[{"name":"ok","valid":true,"value":{"$type":"com.example.note","n":1}},{"name":"<wrong> & \"quoted\"","valid":true,"value":{"$type":"com.example.note","n":1.5}}]}"#
            .write(to: dir.appendingPathComponent("com/example/note.examples.json"), atomically: true, encoding: .utf8)
        let junit = dir.appendingPathComponent("report.xml").path
        let result = try await runSigil(["lexicon", "test", dir.path, "--junit", junit])
        #expect(result.status == 1)
        #expect(result.stdout.contains("PASS com.example.note: valid: ok"))
        #expect(result.stdout.contains("1 passed, 1 failed"))
        // An independent XML parser reads the report.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            """
            import sys, xml.etree.ElementTree as E
            root = E.parse(sys.argv[1]).getroot()
            cases = root.findall('./testsuite/testcase')
            print(root.get('tests'), root.get('failures'), len(cases), cases[1].get('name'), cases[1].find('failure').get('message'))
            """, junit,
        ]
        let parsed = try await run(python, timeout: .seconds(60))
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(
            parsed.stdout
                == "2 1 2 valid: <wrong> & \"quoted\" expected valid, got: Record/n must be an integer (1.5 is not integral or beyond 2^53)\n")
    }

    @Test func scopeAnswersWhatAnIncludeGrants() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try
            #"{"lexicon":1,"id":"com.example.auth","defs":{"main":{"type":"permission-set","title":"t","permissions":[{"type":"permission","resource":"rpc","lxm":["com.example.get"],"inheritAud":true}]}}}"#
            .write(to: dir.appendingPathComponent("com/example/auth.json"), atomically: true, encoding: .utf8)
        let scope = "include:com.example.auth?aud=did:web:api.example.com%23svc"
        let list = try await runSigil(["lexicon", "scope", "--lexicons", dir.path, scope])
        #expect(list.status == 0)
        #expect(list.stdout == "call com.example.get aud=did:web:api.example.com#svc\n")
        let yes = try await runSigil([
            "lexicon", "scope", "--lexicons", dir.path, "--call", "com.example.get", "--aud", "did:web:api.example.com#svc", scope,
        ])
        #expect(yes.status == 0)
        let no = try await runSigil([
            "lexicon", "scope", "--lexicons", dir.path, "--call", "com.example.get", "--aud", "did:web:evil.example#svc", scope,
        ])
        #expect(no.status == 1)
        let bad = try await runSigil(["lexicon", "scope", "--lexicons", dir.path, "rpc:*?aud=*"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("rpc can not have both lxm and aud be *"))
    }
}
