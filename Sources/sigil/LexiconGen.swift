import ArgumentParser
import Foundation
import Lexicon
import LexiconCodegen

/// `sigil lexicon gen --output DIR`: write typed Swift (I/O types, handler protocols) for every lexicon.
struct LexiconGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate typed Swift from lexicons: types, handler protocols and typed clients.",
        discussion:
            "Writes one file per lexicon and, per NSID group with methods, a handler protocol and a client; removes generated files that no longer have a lexicon."
    )

    @Option(help: "Directory of lexicon JSON files (default: the bundled lexicons).")
    var lexicons: String?

    @Option(help: "Directory to write the Swift files into.")
    var output: String = "Sources/SigilAPI/Generated"

    func run() throws {
        let catalog: LexiconCatalog
        do {
            catalog = try LexiconLocation(lexicons).catalog()
        } catch {
            for problem in error.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        // The header names the command that reproduces these files.
        // (`lexicons/` is what the binary bundles, so naming it changes nothing.)
        let named = lexicons.flatMap { $0 == "lexicons" || $0 == "lexicons/" ? nil : $0 }
        let command = "swift run sigil lexicon gen" + (named.map { " --lexicons \($0)" } ?? "") + " --output \(output)"
        let files = SwiftSourceWriter(catalog: catalog, regenerateCommand: command, lexiconRoot: lexicons ?? "lexicons").files()
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: output, withIntermediateDirectories: true)
            // Remove generated files whose lexicon is gone; leave hand-written files alone.
            for existing in try manager.contentsOfDirectory(atPath: output) where existing.hasSuffix(".swift") && files[existing] == nil {
                let path = (output as NSString).appendingPathComponent(existing)
                if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasPrefix("// GENERATED") {
                    try manager.removeItem(atPath: path)
                }
            }
            for (name, source) in files {
                try source.write(toFile: (output as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        } catch {
            printError("cannot write to \(output): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        print("wrote \(files.count) files to \(output)")
    }
}
