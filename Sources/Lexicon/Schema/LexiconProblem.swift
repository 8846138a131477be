/// One thing wrong with a lexicon document: where it is and which rule it breaks.
public struct LexiconProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or source name) the document came from.
    public let file: String
    /// A JSON Pointer (RFC 6901) into the document, e.g. `/defs/main/input/schema`; empty for the whole file.
    public let path: String
    /// The rule that was broken, in plain words.
    public let message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `file: /json/pointer: message`, one line.
    public var description: String {
        "\(file): \(path.isEmpty ? "/" : path): \(message)"
    }
}

/// Loading failed: every problem found, in file order.
public struct LexiconLoadError: Error, Sendable, CustomStringConvertible {
    public let problems: [LexiconProblem]

    public init(problems: [LexiconProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// Builds JSON Pointer strings.
enum JSONPointer {
    static func appending(_ path: String, _ key: String) -> String {
        path + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func appending(_ path: String, _ index: Int) -> String {
        path + "/" + String(index)
    }
}
