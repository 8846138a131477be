/// One thing wrong with a lexicon document: where it is and which rule it breaks.
///
/// An ``Severity/error`` makes the document unloadable; a ``Severity/warning`` (an unresolved reference,
/// a schema field this engine does not know) leaves it loadable and is reported by `sigil lexicon check`.
public struct LexiconProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning, error

        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// The file (or source name) the document came from.
    public let file: String
    /// A JSON Pointer (RFC 6901) into the document, e.g. `/defs/main/input/schema`; empty for the whole file.
    public let path: String
    /// The rule that was broken, in plain words.
    public let message: String
    public let severity: Severity
    /// A stable identifier of the rule for warnings and tools (`unresolved-ref`, `unknown-field`, …); `nil` for plain errors.
    public let rule: String?

    public init(file: String, path: String, message: String, severity: Severity = .error, rule: String? = nil) {
        self.file = file
        self.path = path
        self.message = message
        self.severity = severity
        self.rule = rule
    }

    /// `file: /json/pointer: message` for errors, `file: /json/pointer: warning: message [rule]` for warnings; one line.
    public var description: String {
        let location = "\(file): \(path.isEmpty ? "/" : path): "
        switch severity {
        case .error: return location + message + (rule.map { " [\($0)]" } ?? "")
        case .warning: return location + "warning: " + message + (rule.map { " [\($0)]" } ?? "")
        }
    }
}

/// Loading failed: every error found, in file order, and the warnings found alongside them.
public struct LexiconLoadError: Error, Sendable, CustomStringConvertible {
    /// The errors (severity ``LexiconProblem/Severity/error``).
    public let problems: [LexiconProblem]
    /// Warnings found in the same load, which alone would not have stopped it.
    public let warnings: [LexiconProblem]

    public init(problems: [LexiconProblem], warnings: [LexiconProblem] = []) {
        self.problems = problems
        self.warnings = warnings
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// Builds JSON Pointer strings.
public enum JSONPointer {
    /// `path` with one more object key, escaped (`~` → `~0`, `/` → `~1`).
    public static func appending(_ path: String, _ key: String) -> String {
        path + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `path` with one more array index.
    public static func appending(_ path: String, _ index: Int) -> String {
        path + "/" + String(index)
    }
}
