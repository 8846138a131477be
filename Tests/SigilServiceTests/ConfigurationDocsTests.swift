import Foundation
import Lexicon
import SigilTestSupport
import Testing

/// `docs/configuration.md`'s table of `sigil serve` options is generated from the options themselves (their
/// ArgumentParser description, `sigil serve --experimental-dump-help`), so it cannot drift: this test fails with
/// the table to paste when an option is added, removed or re-described.
@Suite("The configuration reference", .tags(.process), .kinds(.process))
struct ConfigurationDocsTests {
    static let begin = "<!-- BEGIN serve-options (generated: a test compares it with the code) -->"
    static let end = "<!-- END serve-options -->"

    @Test func theOptionsTableMatchesTheOptions() async throws {
        let dump = try await runSigil(["serve", "--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let help = try JSONValue(parsing: Array(dump.stdout.utf8))
        let arguments = try #require(help["command"]?["arguments"]?.arrayValue)
        var rows = ["| flag | environment | meaning |", "|---|---|---|"]
        for argument in arguments where argument["shouldDisplay"] == .bool(true) && argument["kind"] != "positional" {
            guard let name = argument["preferredName"]?["name"]?.stringValue, !["help", "version"].contains(name) else { continue }
            let environment = "SIGIL_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            let meaning = argument["abstract"]?.stringValue ?? ""
            #expect(meaning.contains(environment), "--\(name)'s help does not name \(environment)")
            rows.append("| `--\(name)` | `\(environment)` | \(meaning.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        let expected = rows.joined(separator: "\n")
        let document = try String(contentsOfFile: Repo.path("docs/configuration.md"), encoding: .utf8)
        let start = try #require(document.range(of: Self.begin), "docs/configuration.md lacks \(Self.begin)")
        let stop = try #require(document.range(of: Self.end), "docs/configuration.md lacks \(Self.end)")
        let written = document[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(written == expected, "docs/configuration.md is out of date; between the markers it should read:\n\(expected)")
    }
}
