import ArgumentParser
import Lexicon
import LexiconAuthoring

/// `sigil lexicon lint [DIR]`: style and correctness rules with stable ids; exit 1 on any error (with `--strict`, any finding).
struct LexiconLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint lexicon documents: style and correctness rules with stable rule ids.",
        discussion:
            "Exit 0 when no finding is an error (with --strict: no finding at all), 1 otherwise, 2 on a usage or I/O error. --list-rules prints every rule."
    )

    @Argument(help: "Directory of lexicon JSON files (default: the bundled lexicons).")
    var directory: String?

    @Option(help: "text (one line per finding) or json.")
    var format: FindingsFormat = .text

    @Option(name: .customLong("disable"), help: "A rule id to skip; repeatable.")
    var disabled: [String] = []

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(help: "Print every rule (id, severity, what it checks) and exit.")
    var listRules = false

    func run() throws {
        if listRules {
            for rule in LexiconRule.lint { print("\(rule.id)\t\(rule.severity.rawValue)\t\(rule.summary)") }
            return
        }
        for id in disabled where LexiconRule.lintRule(named: id) == nil {
            throw ValidationError("no lint rule \"\(id)\" (see --list-rules)")
        }
        let sources: [LexiconSource]
        do {
            sources = try LexiconLocation(directory).sources()
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let findings = Linter(disabled: Set(disabled)).lint(sources: sources)
        FindingsOutput.print(findings, format: format)
        let failing = findings.filter { strict || $0.severity == .error }.count
        if format == .text { printError("\(findings.count) finding\(findings.count == 1 ? "" : "s"), \(failing) failing") }
        if failing > 0 { throw ExitCode(1) }
    }
}
