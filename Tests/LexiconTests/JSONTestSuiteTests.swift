import Foundation
import Testing

@testable import Lexicon

/// nst/JSONTestSuite's parsing cases (vendored in `fixtures/JSONTestSuite/`, MIT): every `y_` file parses,
/// every `n_` file is refused, and each `i_` (implementation-defined) file gets the outcome recorded in
/// `fixtures/JSONTestSuite/sigil-choices.txt`, so a change of behaviour is a visible decision.
@Suite("JSONTestSuite")
struct JSONTestSuiteTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var testDescription: String { name }
        var bytes: [UInt8] { Array(FileManager.default.contents(atPath: Repo.path("fixtures/JSONTestSuite/test_parsing/" + name))!) }
    }

    static let names = ((try? FileManager.default.contentsOfDirectory(atPath: Repo.path("fixtures/JSONTestSuite/test_parsing"))) ?? []).sorted()
    static func cases(_ prefix: String) -> [Case] { names.filter { $0.hasPrefix(prefix) }.map(Case.init) }

    /// `accept NAME` or `refuse NAME`, one per line; `#` starts a comment.
    static let choices: [String: Bool] = {
        let text = (try? String(contentsOfFile: Repo.path("fixtures/JSONTestSuite/sigil-choices.txt"), encoding: .utf8)) ?? ""
        var choices: [String: Bool] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count >= 2 else { continue }
            choices[String(words[1])] = words[0] == "accept"
        }
        return choices
    }()

    @Test func theSuiteIsThere() {
        #expect(Self.cases("y_").count == 95 && Self.cases("n_").count == 188 && Self.cases("i_").count == 35)
        #expect(Set(Self.choices.keys.filter { $0.hasPrefix("i_") }) == Set(Self.cases("i_").map(\.name)), "every i_ case has a recorded choice")
        #expect(Self.choices.keys.filter { $0.hasPrefix("n_") }.isEmpty, "every n_ case is refused, no exceptions")
    }

    /// Every `y_` file parses, but for the deviations recorded in `sigil-choices.txt` (duplicate keys: atproto's
    /// data model has unique keys, so a record with two `"a"`s is refused rather than silently made one).
    @Test(arguments: cases("y_"))
    func mustParse(_ entry: Case) {
        if Self.choices[entry.name] == false {
            #expect(entry.name.contains("duplicated_key"), "only duplicate keys may deviate")
            #expect { try JSONValue(parsing: entry.bytes) } throws: { ($0 as? JSONParseError)?.reason.hasPrefix("duplicate key") == true }
            return
        }
        #expect(throws: Never.self) { try JSONValue(parsing: entry.bytes) }
    }

    @Test(arguments: cases("n_"))
    func mustBeRefused(_ entry: Case) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: entry.bytes) }
    }

    @Test(arguments: cases("i_"))
    func implementationDefined(_ entry: Case) throws {
        let choice = try #require(Self.choices[entry.name])
        let accepted = (try? JSONValue(parsing: entry.bytes)) != nil
        #expect(accepted == choice, "\(entry.name): recorded \(choice ? "accept" : "refuse")")
    }
}
