import ArgumentParser
import Lexicon

/// `sigil lexicon check [DIR]`: exit 0 when every document is valid, else 1 with one line per problem.
struct LexiconCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every lexicon document in a directory (default: the bundled lexicons).",
        discussion: "Prints one line per problem — file: /json/pointer: rule — and exits 1 if there is any."
    )

    @Argument(help: "Directory of lexicon JSON files (searched recursively).")
    var directory: String?

    func run() throws {
        do {
            let catalog = try LexiconLocation(directory).catalog()
            print("ok: \(catalog.documents.count) documents, \(catalog.definitions.count) definitions")
        } catch {
            for problem in error.problems { print(problem.description) }
            printError("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
    }
}
