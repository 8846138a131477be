import Foundation

/// Writes the Swift source that embeds a lexicon directory into the `sigil` binary.
///
/// The output is deterministic (files in path order) so a test can regenerate it and compare.
public enum BundleSourceWriter {
    /// The command that regenerates the bundle; printed in the generated file's header.
    public static let regenerateCommand = "swift run sigil lexicon bundle lexicons --output Sources/BundledLexicons/BundledLexicons.swift"

    /// Swift source for `files` (path relative to the lexicon directory → JSON text).
    public static func source(files: [(path: String, contents: String)]) -> String {
        var out = """
            // GENERATED from lexicons/ — do not edit.
            // Regenerate with: \(regenerateCommand)
            // A test fails when this file and lexicons/ disagree.

            /// The lexicon documents of the repository's `lexicons/` directory, embedded at build time.
            public enum BundledLexicons {
                /// Each document's path below `lexicons/` and its JSON text, in path order.
                public static let files: [(path: String, json: String)] = [

            """
        for file in files.sorted(by: { $0.path < $1.path }) {
            let fence = String(repeating: "#", count: rawStringFenceLength(for: file.contents))
            out +=
                "        (\(literal(file.path)), \(fence)\"\"\"\n\(file.contents.hasSuffix("\n") ? file.contents : file.contents + "\n")\"\"\"\(fence)),\n"
        }
        out += "    ]\n}\n"
        return out
    }

    /// One more `#` than the longest run of `#` after a quote in the text, so no content can end the literal.
    private static func rawStringFenceLength(for text: String) -> Int {
        var longest = 0
        var current = -1
        for character in text {
            if character == "\"" {
                current = 0
            } else if character == "#", current >= 0 {
                current += 1
                longest = max(longest, current)
            } else {
                current = -1
            }
        }
        return longest + 1
    }

    private static func literal(_ string: String) -> String {
        "\"" + string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
