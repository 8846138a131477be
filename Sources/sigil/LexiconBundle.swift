import ArgumentParser
import Foundation
import Lexicon
import LexiconCodegen

/// `sigil lexicon bundle DIR --output FILE`: regenerate the Swift source that embeds DIR into the binary.
struct LexiconBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write the Swift source that embeds a lexicon directory into sigil (after checking it)."
    )

    @Argument(help: "Directory of lexicon JSON files.")
    var directory: String = "lexicons"

    @Option(help: "Where to write the Swift source.")
    var output: String = "Sources/BundledLexicons/BundledLexicons.swift"

    func run() throws {
        let sources: [LexiconSource]
        do {
            sources = try LexiconCatalog.sources(inDirectory: directory)
            _ = try LexiconCatalog(sources: sources)
        } catch {
            for problem in error.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let files = sources.map { (path: String($0.name.dropFirst(prefix.count)), contents: String(decoding: $0.bytes, as: UTF8.self)) }
        let source = BundleSourceWriter.source(files: files)
        do {
            try source.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            printError("cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        print("wrote \(output) (\(files.count) documents)")
    }
}
