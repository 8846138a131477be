import Foundation
import Lexicon
import LexiconNetwork

/// `sigil observe report`: what the stored counts say about the hours since a moment, for CI: JSON, Markdown or
/// JUnit XML (a test case per collection; invalid records fail it, unresolvable ones skip it).
public struct ObservatoryReport: Sendable {
    public struct Line: Sendable {
        public let nsid: String
        public let tally: Tally
        public let violations: [Violation]
        public let reasons: [(code: String, count: Int)]
        public let lexicon: LexiconOrigin?
    }

    public let sinceHour: Int64
    public let lines: [Line]

    /// The collections with records in the hours from `sinceHour` on, by volume; violations last seen then.
    public init(_ collections: [ObservedCollection], sinceHour: Int64) {
        self.sinceHour = sinceHour
        lines = collections.compactMap { collection in
            let tally = collection.tally(since: sinceHour)
            guard tally.seen > 0 else { return nil }
            return Line(
                nsid: collection.nsid, tally: tally, violations: collection.topViolations.filter { $0.lastHour >= sinceHour },
                reasons: collection.reasons.map { ($0.key, $0.value.count) }.sorted { $0.count > $1.count }, lexicon: collection.lexicon)
        }.sorted { $0.tally.seen != $1.tally.seen ? $0.tally.seen > $1.tally.seen : $0.nsid < $1.nsid }
    }

    /// Whether any record in the window was invalid.
    public var hasInvalid: Bool { lines.contains { $0.tally.invalid > 0 } }

    public var json: String {
        let value = JSONValue.object([
            "sinceHour": .integer(sinceHour),
            "collections": .array(
                lines.map { line in
                    [
                        "nsid": .string(line.nsid), "seen": .integer(Int64(line.tally.seen)), "valid": .integer(Int64(line.tally.valid)),
                        "invalid": .integer(Int64(line.tally.invalid)), "unresolvable": .integer(Int64(line.tally.unresolvable)),
                        "lexicon": line.lexicon.map { .string([$0.source, $0.did, $0.cid].compactMap { $0 }.joined(separator: " ")) } ?? .null,
                        "violations": .array(
                            line.violations.map {
                                [
                                    "rule": .string($0.rule), "path": .string($0.path), "count": .integer(Int64($0.count)),
                                    "example": .string($0.examples.first?.uri ?? ""),
                                ]
                            }),
                        "reasons": .object(
                            Dictionary(line.reasons.map { ($0.code, JSONValue.integer(Int64($0.count))) }, uniquingKeysWith: { a, _ in a })),
                    ]
                }),
        ])
        return String(decoding: value.serialized(sortedKeys: true), as: UTF8.self)
    }

    public var markdown: String {
        var out = "| collection | records | valid | invalid | unresolvable | top violation |\n|---|---|---|---|---|---|\n"
        for line in lines {
            // Rules and paths come from records: every Markdown character in them is escaped.
            let top =
                line.violations.first.map { "\(Self.markdown($0.rule)) at \(Self.markdown($0.path.isEmpty ? "/" : $0.path)) (\($0.count))" }
                ?? line.reasons.first.map { "unresolvable: \(Self.markdown($0.code))" } ?? ""
            out += "| `\(line.nsid)` | \(line.tally.seen) | \(line.tally.valid) | \(line.tally.invalid) | \(line.tally.unresolvable) | \(top) |\n"
        }
        return out
    }

    /// Markdown-escaped, control characters replaced: text from records cannot add table cells, links or code.
    static func markdown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if ControlCharacters.isControl(scalar) {
                out += "\u{FFFD}"
            } else if "\\`*_[]<>|#!{}()".unicodeScalars.contains(scalar) {
                out += "\\" + String(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public var junit: String {
        // XML-escaped; control characters (not allowed in XML 1.0) replaced.
        func escape(_ text: String) -> String {
            let clean = ControlCharacters.replaced(in: text, keepingNewlines: true)
            return clean.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = lines.filter { $0.tally.invalid > 0 }.count
        let skipped = lines.filter { $0.tally.invalid == 0 && $0.tally.valid == 0 }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"sigil observe\" tests=\"\(lines.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        for line in lines {
            out += "  <testcase classname=\"\(escape(line.nsid))\" name=\"\(line.tally.seen) records\">\n"
            if line.tally.invalid > 0 {
                let detail = line.violations.map {
                    "\($0.count) × \($0.rule) at \($0.path.isEmpty ? "/" : $0.path), e.g. \($0.examples.first?.uri ?? "")"
                }
                .joined(separator: "\n")
                out += "    <failure message=\"\(line.tally.invalid) of \(line.tally.seen) records invalid\">\(escape(detail))</failure>\n"
            } else if line.tally.valid == 0 {
                out += "    <skipped message=\"\(escape(line.reasons.map { "\($0.code) (\($0.count))" }.joined(separator: ", ")))\"/>\n"
            }
            out += "  </testcase>\n"
        }
        return out + "</testsuite>\n"
    }
}
