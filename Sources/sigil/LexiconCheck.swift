import ArgumentParser
import Lexicon

/// `sigil lexicon check [DIR]`: exit 0 when every document loads (warnings allowed unless `--strict`), else 1.
struct LexiconCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every lexicon document in a directory (default: the bundled lexicons).",
        discussion: """
            Prints one line per problem — file: /json/pointer: rule — and exits 1 if there is any error.
            Warnings (file: /json/pointer: warning: … [rule]) do not fail the check unless --strict is given:
            a reference to a lexicon that is not in the directory [unresolved-ref], and a schema field this
            version does not know, with a "did you mean" when it looks like a typo [unknown-field].
            """
    )

    @Argument(help: "Directory of lexicon JSON files (searched recursively).")
    var directory: String?

    @Flag(help: "Treat warnings as errors (exit 1 if there is any).")
    var strict = false

    func run() throws {
        do {
            let catalog = try LexiconLocation(directory).catalog()
            for warning in catalog.warnings { print(warning.description) }
            let warnings = catalog.warnings.count
            if strict && warnings > 0 {
                printError("\(warnings) warning\(warnings == 1 ? "" : "s") found (--strict)")
                throw ExitCode(1)
            }
            let documents = catalog.documents.count
            let definitions = catalog.definitions.count - catalog.unresolvedReferences.count
            print("ok: \(documents) documents, \(definitions) definitions" + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : ""))
        } catch let error as LexiconLoadError {
            for problem in (error.problems + error.warnings).sorted(by: Self.fileOrder) { print(problem.description) }
            printError("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
    }

    /// By file, then by path, so a document's errors and warnings read together.
    static func fileOrder(_ a: LexiconProblem, _ b: LexiconProblem) -> Bool {
        (a.file, a.path) < (b.file, b.path)
    }
}
