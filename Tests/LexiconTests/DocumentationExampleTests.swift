import Lexicon
import SigilTestSupport
import Testing

/// The worked example of the `Lexicon` documentation catalog (`Sources/Lexicon/Lexicon.docc`), as written there.
@Suite("Documentation examples: Lexicon")
struct DocumentationExampleTests {
    @Test func validateARecordBeforeWritingIt() throws {
        let catalog = try LexiconCatalog.load(directory: Repo.path("lexicons"))
        let text =
            #"{"$type":"place.wisp.v2.wh","url":"https://example.com/hook","scope":{"aturi":"not an at-uri"},"createdAt":"2026-11-23T10:00:00.000Z"}"#
        let record = try JSONValue(parsing: Array(text.utf8))
        switch try catalog.validateRecord(record, collection: "place.wisp.v2.wh", recordKey: "3jzfcijpj2z2a") {
        case .valid:
            Issue.record("the example's record is invalid")
        case .invalid(let error):
            #expect(error.message == "Record/scope/aturi must be a valid at-uri")
        }
    }
}
