import Foundation

extension LexiconCatalog {
    /// Loads every `*.json` below `directory`. A file's path must match its id: `a/b/c.json` or `a.b.c.json` hold `a.b.c`.
    public static func load(directory: String) throws(LexiconLoadError) -> LexiconCatalog {
        try LexiconCatalog(sources: sources(inDirectory: directory))
    }

    /// The suffix of conformance example files (`rotate.examples.json` beside `rotate.json`), which are not lexicons.
    public static let examplesSuffix = ".examples.json"

    /// The lock file `sigil lexicon pull` writes at the top of a lexicon directory (NSID → DID and CID); not a lexicon.
    public static let lockFileName = "lexicons.lock.json"

    /// Reads the `*.json` files below `directory`, in path order; `*.examples.json` files (conformance examples) and the
    /// top-level lock file are skipped.
    public static func sources(inDirectory directory: String) throws(LexiconLoadError) -> [LexiconSource] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LexiconLoadError(problems: [LexiconProblem(file: directory, path: "", message: "no such directory")])
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw LexiconLoadError(problems: [LexiconProblem(file: directory, path: "", message: "cannot read directory")])
        }
        var relativePaths: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker where url.pathExtension == "json" && !url.lastPathComponent.hasSuffix(examplesSuffix) {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix), path != prefix + lockFileName else { continue }
            relativePaths.append(String(path.dropFirst(prefix.count)))
        }
        relativePaths.sort()
        var sources: [LexiconSource] = []
        var problems: [LexiconProblem] = []
        for relative in relativePaths {
            let display = (directory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: prefix + relative) else {
                problems.append(LexiconProblem(file: display, path: "", message: "cannot read file"))
                continue
            }
            let expectedID = String(relative.dropLast(".json".count)).replacingOccurrences(of: "/", with: ".")
            sources.append(LexiconSource(name: display, bytes: [UInt8](data), expectedID: expectedID))
        }
        if relativePaths.isEmpty {
            problems.append(LexiconProblem(file: directory, path: "", message: "no *.json lexicon documents found"))
        }
        guard problems.isEmpty else { throw LexiconLoadError(problems: problems) }
        return sources
    }
}
