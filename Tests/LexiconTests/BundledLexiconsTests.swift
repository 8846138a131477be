import BundledLexicons
import Foundation
import Lexicon
import LexiconCodegen
import Testing

@Suite("Bundled lexicons")
struct BundledLexiconsTests {
    /// The committed generated source must be exactly what `sigil lexicon bundle` writes from lexicons/ today.
    @Test func generatedSourceMatchesLexiconsDirectory() throws {
        let directory = Repo.path("lexicons")
        let sources = try LexiconCatalog.sources(inDirectory: directory)
        let files = sources.map { source in
            (path: String(source.name.dropFirst(directory.count + 1)), contents: String(decoding: source.bytes, as: UTF8.self))
        }
        let expected = BundleSourceWriter.source(files: files)
        let committed = try String(contentsOfFile: Repo.path("Sources/BundledLexicons/BundledLexicons.swift"), encoding: .utf8)
        #expect(committed == expected, "lexicons/ changed: run \(BundleSourceWriter.regenerateCommand)")
        #expect(BundledLexicons.files.count == files.count)
    }

    @Test func rawStringFenceSurvivesHashesInContent() {
        let text = ###"{"description": "a \"# b \"## c"}"###
        let source = BundleSourceWriter.source(files: [(path: "x.json", contents: text)])
        #expect(source.contains(####"###"""####))
    }
}
