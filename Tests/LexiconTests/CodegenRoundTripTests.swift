import Foundation
import LexiconCodegen
import Testing
@testable import Lexicon

/// Generated types hold real data: decode → encode reproduces every record shape byte for byte (canonical form),
/// unions pick their member by `$type`, open unions keep unknown members, `null` survives.
@Suite("Generated types round-trip")
struct CodegenRoundTripTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let name: String
        let value: JSONValue
        var testDescription: String { name }
    }

    static let shapes: [Shape] = ((try? Repo.json("fixtures/codegen/records.json"))?.arrayValue ?? []).map {
        Shape(name: $0["name"]?.stringValue ?? "?", value: $0["value"] ?? .null)
    }

    static let catalog = try! LexiconCatalog.load(directory: Repo.path("fixtures/codegen/lexicons"))

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    @Test func everyShapeIsThere() {
        #expect(Self.shapes.count >= 14)
    }

    @Test("decode → encode is byte-for-byte stable", arguments: shapes)
    func roundTrip(_ shape: Shape) throws {
        // Only valid data is a fair test of the generated types.
        #expect(try Self.catalog.validateRecord(shape.value, collection: "com.example.codegen.kitchen").isValid)
        let record = try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(shape.value.serialized()))
        let encoded = try JSONValue(parsing: Self.encode(record))
        #expect(String(decoding: encoded.serialized(sortedKeys: true), as: UTF8.self) == String(decoding: shape.value.serialized(sortedKeys: true), as: UTF8.self))
        #expect(try Self.catalog.validateRecord(encoded, collection: "com.example.codegen.kitchen").isValid)
    }

    @Test func unionsPickTheirMemberAndKeepUnknowns() throws {
        func decode(_ embed: String) throws -> ComExampleCodegenKitchen.Record.Embed? {
            try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(#"{"text":"t","always":null,"embed":\#(embed)}"#.utf8)).embed
        }
        #expect(try decode(#"{"$type":"com.example.codegen.kitchen#a","x":5}"#) == .a(.init(x: 5)))
        #expect(try decode(#"{"$type":"com.example.codegen.post","body":"b"}"#) == .post(.init(body: "b")))
        let unknown = try decode(#"{"$type":"com.example.z","n":1}"#)
        #expect(unknown == .unknown(["$type": "com.example.z", "n": 1]))
        #expect(unknown?.lexiconType == "com.example.z")
        // A closed union refuses a member it does not list.
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(#"{"text":"t","always":null,"closedEmbed":{"$type":"com.example.codegen.post","body":"b"}}"#.utf8))
        }
    }

    @Test func nullAbsentAndDefaultsAreDistinct() throws {
        let absent = try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(#"{"text":"t","always":"v"}"#.utf8))
        #expect(absent.maybe == nil && absent.always == .value("v"))
        #expect(absent.greeting == "hello" && absent.answer == 42, "defaults fill in absent properties")
        let null = try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(#"{"text":"t","always":null,"maybe":null}"#.utf8))
        #expect(null.maybe == .some(.null) && null.always == .null)
        // A required property stays required.
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ComExampleCodegenKitchen.Record.self, from: Data(#"{"always":null}"#.utf8)) }
    }

    @Test func tokensAndKnownValuesAreConstants() {
        #expect(ComExampleCodegenKitchen.Record.ColorKnownValues.red == "com.example.codegen.tokens#red")
        #expect(ComExampleCodegenKitchen.Record.ColorKnownValues.plain == "plain")
        #expect(ComExampleCodegenKitchen.ShadeKnownValues.dark == "dark")
        #expect(ComExampleCodegenTokens.red == "com.example.codegen.tokens#red")
        #expect(ComExampleCodegenKitchen.A.lexiconType == "com.example.codegen.kitchen#a")
    }

    @Test func dataModelTypesRefuseWhatIsNotThem() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CIDLink.self, from: Data(#"{"$link":"nope"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Bytes.self, from: Data(#"{"$bytes":"!!"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BlobRef.self, from: Data(#"{"$type":"image","ref":{"$link":"x"},"mimeType":"a/b","size":1}"#.utf8)) }
        #expect((try? JSONDecoder().decode(Bytes.self, from: Data(#"{"$bytes":"AAECAw=="}"#.utf8)))?.data == [0, 1, 2, 3])
    }

    /// The committed generated code must be what `sigil lexicon gen` writes from the fixture lexicons today.
    @Test func generatedFixtureCodeMatchesItsLexicons() throws {
        let command = "swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated"
        let expected = SwiftSourceWriter(catalog: Self.catalog, regenerateCommand: command, lexiconRoot: "fixtures/codegen/lexicons").files()
        let directory = Repo.path("Tests/LexiconTests/Generated")
        let committed = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".swift") }
        #expect(Set(committed) == Set(expected.keys), "run \(command)")
        for (name, source) in expected {
            #expect((try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)) == source, "\(name) drifted: run \(command)")
        }
    }
}
