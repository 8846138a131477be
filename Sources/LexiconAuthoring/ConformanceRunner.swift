import Lexicon

/// `sigil lexicon test`: validates every conformance example against its lexicon and reports each outcome.
public struct ConformanceRunner: Sendable {
    /// The outcome of one example.
    public struct Outcome: Sendable, Hashable {
        public let example: ConformanceExample
        /// `nil` when the example behaved as declared; otherwise why not.
        public let failure: String?

        public var passed: Bool { failure == nil }
    }

    public let catalog: LexiconCatalog
    public let options: ValidationOptions

    public init(catalog: LexiconCatalog, options: ValidationOptions = .init()) {
        self.catalog = catalog
        self.options = options
    }

    /// Runs every example, in the order given.
    public func run(_ examples: [ConformanceExample]) -> [Outcome] {
        examples.map { Outcome(example: $0, failure: check($0)) }
    }

    private func check(_ example: ConformanceExample) -> String? {
        let result: ValidationResult
        do {
            result = try validate(example)
        } catch {
            return "cannot run: \(error)"
        }
        switch (result, example.valid) {
        case (.valid, true):
            return nil
        case (.invalid(let error), true):
            return "expected valid, got: \(error.message)"
        case (.valid, false):
            return "expected invalid, but it validated"
        case (.invalid(let error), false):
            if let expected = example.expectedError, !error.message.contains(expected) {
                return "invalid for another reason: expected an error containing \(JSONValue.string(expected).jsonString), got: \(error.message)"
            }
            return nil
        }
    }

    private func validate(_ example: ConformanceExample) throws -> ValidationResult {
        var reference = example.lexicon
        if let definition = example.definition {
            reference = definition.hasPrefix("#") ? example.lexicon + definition : definition
        }
        guard let target = catalog.definition(reference) else {
            throw ConformanceFileError(file: example.file, reason: "no lexicon defines \(reference)")
        }
        switch (target.kind, example.part) {
        case (.record, nil), (.record, .record?):
            return try catalog.validateRecord(example.value, collection: reference, recordKey: example.recordKey, options: options)
        case (.query, let part?), (.procedure, let part?):
            guard let methodPart = MethodPart(rawValue: part.rawValue) else {
                throw ConformanceFileError(file: example.file, reason: "\(reference) is a method: part must be params, input or output")
            }
            return try catalog.validate(example.value, method: reference, part: methodPart, options: options)
        case (.query, nil), (.procedure, nil):
            throw ConformanceFileError(file: example.file, reason: "\(example.name): \(reference) is a method: say \"part\": params, input or output")
        case (.field, nil), (.field, .value?), (.record, .value?):
            return try catalog.validate(example.value, against: reference, options: options)
        default:
            throw ConformanceFileError(
                file: example.file,
                reason: "\(example.name): part \(example.part?.rawValue ?? "-") does not apply to \(reference), a \(target.typeName)")
        }
    }
}

/// JUnit XML for CI systems: one `<testsuite>` per lexicon, one `<testcase>` per example.
public enum JUnitReport {
    public static func xml(_ outcomes: [ConformanceRunner.Outcome], fileErrors: [ConformanceFileError] = []) -> String {
        var suites: [String: [ConformanceRunner.Outcome]] = [:]
        for outcome in outcomes { suites[outcome.example.lexicon, default: []].append(outcome) }
        let failures = outcomes.filter { !$0.passed }.count
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<testsuites name="sigil lexicon test" tests="\#(outcomes.count)" failures="\#(failures)" errors="\#(fileErrors.count)">"# + "\n"
        for lexicon in suites.keys.sorted() {
            let cases = suites[lexicon]!
            out +=
                #"  <testsuite name="\#(escape(lexicon))" tests="\#(cases.count)" failures="\#(cases.filter { !$0.passed }.count)" errors="0">"#
                + "\n"
            for outcome in cases {
                let example = outcome.example
                let name = "\(example.valid ? "valid" : "invalid"): \(example.name)"
                out += #"    <testcase classname="\#(escape(lexicon))" name="\#(escape(name))" file="\#(escape(example.file))""#
                if let failure = outcome.failure {
                    out += ">\n" + #"      <failure message="\#(escape(failure))"/>"# + "\n    </testcase>\n"
                } else {
                    out += "/>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        if !fileErrors.isEmpty {
            out += #"  <testsuite name="examples files" tests="\#(fileErrors.count)" failures="0" errors="\#(fileErrors.count)">"# + "\n"
            for error in fileErrors {
                out += #"    <testcase classname="examples files" name="\#(escape(error.file))">"# + "\n"
                out += #"      <error message="\#(escape(error.reason))"/>"# + "\n    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// XML attribute text: markup characters escaped, and characters XML 1.0 cannot hold replaced.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                let allowed =
                    scalar.value == 0x0D || (scalar.value >= 0x20 && scalar.value <= 0xD7FF) || (scalar.value >= 0xE000 && scalar.value <= 0xFFFD)
                    || scalar.value >= 0x10000
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
