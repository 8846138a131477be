import ArgumentParser
import BundledLexicons
import Lexicon
import LexiconNetwork

/// Where lexicons come from: a directory, or the set bundled into the binary.
enum LexiconLocation {
    case bundled
    case directory(String)

    init(_ directory: String?) {
        self = directory.map(LexiconLocation.directory) ?? .bundled
    }

    /// The documents, read but not yet checked. A directory with a `lexicons.lock.json` must match its pins.
    func sources() throws(LexiconLoadError) -> [LexiconSource] {
        switch self {
        case .directory(let path):
            let sources = try LexiconCatalog.sources(inDirectory: path)
            let lock: LexiconLock?
            do {
                lock = try LexiconLock.read(directory: path)
            } catch {
                throw LexiconLoadError(problems: [LexiconProblem(file: path, path: "", message: error.description)])
            }
            if let problems = lock?.problems(in: sources, directory: path), !problems.isEmpty { throw LexiconLoadError(problems: problems) }
            return sources
        case .bundled:
            return BundledLexicons.files.map { file in
                LexiconSource(
                    name: "bundled:lexicons/\(file.path)", bytes: Array(file.json.utf8),
                    expectedID: String(file.path.dropLast(".json".count)).replacingOccurrences(of: "/", with: "."))
            }
        }
    }

    /// The loaded, checked catalog.
    func catalog() throws(LexiconLoadError) -> LexiconCatalog {
        try LexiconCatalog(sources: sources())
    }

    /// The catalog, or every load error on stderr and exit 2 (for commands whose input is something else).
    func catalogOrExit() throws -> LexiconCatalog {
        do {
            return try catalog()
        } catch {
            printError("cannot load lexicons:\n\(error)")
            throw ExitCode(2)
        }
    }
}
