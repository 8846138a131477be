import Foundation
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
        #expect(lines.last?.hasSuffix(##"com.example.b.json: /defs/main/properties/r/ref: reference "#gone" points to no loaded definition"##) == true)
    }

    @Test func validateExitCodes() async throws {
        let valid = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate", "--as", "input", "-"], stdin: #"{"name":"hook"}"#)
        #expect(valid.status == 0)
        let invalid = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.rotate", "--as", "input"], stdin: #"{"name":"a b"}"#)
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
        let record = try await runSigil(["lexicon", "validate", "--lexicons", Repo.path("lexicons"), "--nsid", "place.wisp.v2.wh"],
                                  stdin: #"{"$type":"place.wisp.v2.wh","url":"https://example.com/h","scope":{"aturi":"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz"},"createdAt":"2026-01-01T00:00:00Z"}"#)
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
        let result = try await runSigil(["lexicon", "validate", "--nsid", "place.wisp.v2.secret.create", "--as", "input", "--jsonl"],
                                  stdin: lines.joined(separator: "\n"))
        #expect(result.status == 0)
        let results = result.stdout.split(separator: "\n")
        #expect(results.count == 5_000)
        #expect(results.enumerated().allSatisfy { i, line in line.hasPrefix(#"{"valid":\#(i % 2 == 0)"#) })
    }
}
