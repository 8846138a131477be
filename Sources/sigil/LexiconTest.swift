import ArgumentParser
import Foundation
import Lexicon
import LexiconAuthoring

/// `sigil lexicon test DIR`: runs the conformance examples (`*.examples.json`) beside the lexicons.
struct LexiconTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Validate the conformance examples (*.examples.json beside each lexicon) and report each outcome.",
        discussion: """
            Next to a lexicon a/b/c.json, a/b/c.examples.json holds {"examples": [{"name", "valid", "value", "part"?, \
            "definition"?, "error"?, "rkey"?}]} (see README). Prints PASS/FAIL per example and a summary; --junit FILE \
            also writes JUnit XML. Exit 0 when every example behaves as declared, 1 otherwise, 2 when the lexicons do not load.
            """
    )

    @Argument(help: "Directory of lexicons and their examples (default: the repository's lexicons/).")
    var directory: String = "lexicons"

    @Option(help: "Also write a JUnit XML report here.")
    var junit: String?

    @Flag(help: "Validate leniently (legacy blobs, relaxed datetimes), for examples of old data.")
    var lenient = false

    func run() throws {
        let catalog: LexiconCatalog
        do {
            catalog = try LexiconCatalog.load(directory: directory)
        } catch {
            printError("cannot load lexicons:\n\(error)")
            throw ExitCode(2)
        }
        let (examples, fileErrors) = ConformanceExample.load(directory: directory)
        let outcomes = ConformanceRunner(catalog: catalog, options: lenient ? .lenient : .init()).run(examples)
        for error in fileErrors { print("ERROR \(error)") }
        for outcome in outcomes {
            let example = outcome.example
            let label = "\(example.lexicon): \(example.valid ? "valid" : "invalid"): \(example.name)"
            print(outcome.failure.map { "FAIL \(label): \($0)" } ?? "PASS \(label)")
        }
        let failed = outcomes.filter { !$0.passed }.count
        print(
            "\(outcomes.count - failed) passed, \(failed) failed, \(fileErrors.count) unreadable file\(fileErrors.count == 1 ? "" : "s") (\(Set(examples.map(\.lexicon)).count) lexicons)"
        )
        if let junit {
            do {
                try JUnitReport.xml(outcomes, fileErrors: fileErrors).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                printError("cannot write \(junit): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if failed > 0 || !fileErrors.isEmpty || outcomes.isEmpty { throw ExitCode(1) }
    }
}
