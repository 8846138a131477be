import ArgumentParser
import Lexicon
import LexiconAuthoring

/// `sigil lexicon breaking OLD_DIR NEW_DIR`: changes that break existing data or callers; exit 1 when any is found.
struct LexiconBreaking: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breaking",
        abstract: "List the changes from OLD_DIR to NEW_DIR that break existing data or callers.",
        discussion: """
            Exit 0 when there is none, 1 when any breaking change (an error) is found (with --strict, any finding), \
            2 when either directory does not load. --list-rules prints every rule.
            """
    )

    @Argument(help: "The lexicons as they were.")
    var old: String?

    @Argument(help: "The lexicons as they are now.")
    var new: String?

    @Option(help: "text (one line per finding) or json.")
    var format: FindingsFormat = .text

    @Flag(help: "Fail on warnings (possible breaks) too.")
    var strict = false

    @Flag(help: "Print every rule (id, severity, what it detects) and exit.")
    var listRules = false

    func run() throws {
        if listRules {
            for rule in BreakingChanges.rules { print("\(rule.id)\t\(rule.severity.rawValue)\t\(rule.summary)") }
            return
        }
        guard let old, let new else { throw ValidationError("give OLD_DIR and NEW_DIR") }
        func load(_ directory: String) throws -> LexiconCatalog {
            do {
                return try LexiconCatalog.load(directory: directory)
            } catch {
                printError("\(directory) does not load:\n\(error)")
                throw ExitCode(2)
            }
        }
        let findings = BreakingChanges().compare(old: try load(old), new: try load(new))
        FindingsOutput.print(findings, format: format)
        let failing = findings.filter { strict || $0.severity == .error }.count
        if format == .text {
            printError(findings.isEmpty ? "no breaking changes" : "\(findings.count) finding\(findings.count == 1 ? "" : "s"), \(failing) breaking")
        }
        if failing > 0 { throw ExitCode(1) }
    }
}
