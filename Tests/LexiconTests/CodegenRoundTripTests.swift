import Foundation
import LexiconCodegen
import Testing
import XRPCMethods

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
        #expect(
            String(decoding: encoded.serialized(sortedKeys: true), as: UTF8.self)
                == String(decoding: shape.value.serialized(sortedKeys: true), as: UTF8.self))
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
            try JSONDecoder().decode(
                ComExampleCodegenKitchen.Record.self,
                from: Data(#"{"text":"t","always":null,"closedEmbed":{"$type":"com.example.codegen.post","body":"b"}}"#.utf8))
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
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BlobRef.self, from: Data(#"{"$type":"image","ref":{"$link":"x"},"mimeType":"a/b","size":1}"#.utf8))
        }
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

/// Lexicon shapes that trip generators up: self-reference, reserved names, union bodies, partial catalogs,
/// hyphenated authorities. That this file compiles is half the test; the other half round-trips them.
@Suite("Generated types for hostile shapes")
struct CodegenHostileShapesTests {
    static func roundTrip<T: Codable>(_ type: T.Type, _ json: String) throws -> (T, String) {
        let value = try JSONDecoder().decode(T.self, from: Data(json.utf8))
        let encoded = try JSONValue(parsing: CodegenRoundTripTests.encode(value))
        return (value, String(decoding: encoded.serialized(sortedKeys: true), as: UTF8.self))
    }

    static func canonical(_ json: String) throws -> String {
        String(decoding: try JSONValue(parsing: Array(json.utf8)).serialized(sortedKeys: true), as: UTF8.self)
    }

    @Test func aThreadThatContainsItself() throws {
        let json = #"""
            {"uri": "at://did:plc:a/app.x/1", "root": {"uri": "at://did:plc:a/app.x/0"},
             "parent": {"$type": "com.example.codegen.thread#view", "uri": "at://did:plc:a/app.x/0",
                        "parent": {"$type": "com.example.codegen.thread#notFound", "notFound": true}},
             "replies": [{"$type": "com.example.codegen.thread#view", "uri": "at://did:plc:a/app.x/2",
                          "replies": [{"$type": "com.example.codegen.thread#view", "uri": "at://did:plc:a/app.x/3"}]}]}
            """#
        let (view, encoded) = try Self.roundTrip(ComExampleCodegenThread.View.self, json)
        #expect(encoded == (try Self.canonical(json)))
        guard case .view(let parent)? = view.parent, case .notFound? = parent.parent else {
            Issue.record("parent chain lost")
            return
        }
        #expect(view.root?.uri == "at://did:plc:a/app.x/0")
        // Mutually and directly recursive structs hold their values out of line and still read like values.
        var node = ComExampleCodegenThread.Node(next: .init(next: .init(value: 3), value: 2), value: 1)
        node.next?.next?.value = 4
        #expect(node.next?.next?.value == 4)
        let (_, nodeJSON) = try Self.roundTrip(ComExampleCodegenThread.Node.self, #"{"value": 1, "next": {"value": 2, "next": {}}}"#)
        #expect(nodeJSON == #"{"next":{"next":{},"value":2},"value":1}"#)
    }

    @Test func aUnionMemberNoLoadedLexiconDefinesKeepsItsType() throws {
        let json = #"{"partial": {"$type": "com.unloaded.thing", "a": [1, "b"]}}"#
        let (pong, encoded) = try Self.roundTrip(ComExampleCodegenThread.Pong.self, json)
        #expect(encoded == (try Self.canonical(json)))
        guard case .thing(let raw)? = pong.partial else {
            Issue.record("not the unresolved member")
            return
        }
        #expect(raw["a"] == [1, "b"])
    }

    @Test func reservedNamesAndAUnionOutput() throws {
        let json = #"""
            {"type": {"a": 1}, "self": {"$type": "com.example.codegen.names#input", "i": 2}, "string": {"s": "x"}, "codingKeys": 3,
             "lexiconType": "l", "foo-bar": 4, "foo_bar": 5, "default": true, "kind": "a-b"}
            """#
        let (input, encoded) = try Self.roundTrip(ComExampleCodegenNames.Input.self, json)
        #expect(encoded == (try Self.canonical(json)))
        #expect(input.foo_bar == 4 && input.foo_bar_ == 5 && input.codingKeys == 3 && input.`default`)
        #expect(ComExampleCodegenNames.Input.KindKnownValues.empty == "" && ComExampleCodegenNames.nsidToken == "com.example.codegen.names#nsid")
        let (output, outputJSON) = try Self.roundTrip(ComExampleCodegenNames.Output.self, #"{"$type": "com.example.codegen.names#record", "r": 1}"#)
        #expect(output == .record(.init(r: 1)))
        #expect(outputJSON == #"{"$type":"com.example.codegen.names#record","r":1}"#)
        let (_, emptyJSON) = try Self.roundTrip(ComExampleCodegenNames.Empty.self, #"{}"#)
        #expect(emptyJSON == "{}")
        #expect(ComExampleCodegenNames.kind == .procedure && ComExampleCodegenUpload.Input.self == XRPCMethods.XRPCRawBody.self)
    }

    @Test func aHyphenatedAuthorityIsAnIdentifier() throws {
        let (item, _) = try Self.roundTrip(
            ComMyAppCodegenItem.Record.self, #"{"$type": "com.my-app.codegen.item", "thread": {"uri": "at://did:plc:a/x.y/1"}}"#)
        #expect(item.thread?.uri == "at://did:plc:a/x.y/1")
        #expect(ComMyAppCodegenItem.Record.lexiconType == "com.my-app.codegen.item")
    }
}
