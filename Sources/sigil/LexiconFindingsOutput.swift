import ArgumentParser
import Lexicon

/// How `lint` and `breaking` print findings.
enum FindingsFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum FindingsOutput {
    /// Prints findings as lines (`file: /path: [warning: ]message [rule]`) or as one JSON document
    /// `{"findings": [{"rule", "severity", "file", "path", "message"}], "errors": N, "warnings": N}`.
    static func print(_ findings: [LexiconProblem], format: FindingsFormat) {
        let errors = findings.filter { $0.severity == .error }.count
        switch format {
        case .text:
            for finding in findings { Swift.print(finding.description) }
        case .json:
            let list: [JSONValue] = findings.map { finding in
                .object([
                    "rule": .string(finding.rule ?? ""), "severity": .string(finding.severity.rawValue), "file": .string(finding.file),
                    "path": .string(finding.path), "message": .string(finding.message),
                ])
            }
            let document: JSONValue = .object([
                "findings": .array(list), "errors": .integer(Int64(errors)),
                "warnings": .integer(Int64(findings.count - errors)),
            ])
            Swift.print(document.serialized(sortedKeys: true).asString)
        }
    }
}

extension Array where Element == UInt8 {
    var asString: String { String(decoding: self, as: UTF8.self) }
}
