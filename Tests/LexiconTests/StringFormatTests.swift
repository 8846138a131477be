import Foundation
import Testing

@testable import Lexicon

// MARK: - atproto interop fixtures

/// One line of an atproto interop syntax fixture file, with the expected outcome.
struct FormatFixtureCase: Sendable, CustomTestStringConvertible {
    let format: StringFormat
    let value: String
    let expectValid: Bool
    let file: String
    let line: Int

    var testDescription: String {
        let shown = value.count > 60 ? String(value.prefix(60)) + "…(\(value.utf8.count) bytes)" : value
        return "\(file):\(line) \(shown.debugDescription)"
    }
}

/// Loads `fixtures/atproto-interop/syntax/*.txt` the way atproto's own harness does:
/// split on newlines, skip empty lines and lines starting with `#`, keep everything else as is.
enum FormatFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/LexiconTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("fixtures/atproto-interop/syntax")

    /// Fixture file prefix for each format.
    static let prefixes: [(prefix: String, format: StringFormat)] = [
        ("atidentifier", .atIdentifier), ("aturi", .atURI), ("cid", .cid), ("datetime", .datetime),
        ("did", .did), ("handle", .handle), ("nsid", .nsid), ("recordkey", .recordKey),
        ("tid", .tid), ("uri", .uri), ("language", .language),
    ]

    /// Fixture file suffix, and whether its lines are valid.
    static let suffixes: [(suffix: String, valid: Bool)] = [
        ("_syntax_valid.txt", true), ("_syntax_invalid.txt", false), ("_parse_invalid.txt", false),
    ]

    /// Every fixture file the suite expects to find.
    static let expectedFiles: [String] =
        prefixes.flatMap { p in
            ["\(p.prefix)_syntax_valid.txt", "\(p.prefix)_syntax_invalid.txt"]
        } + ["datetime_parse_invalid.txt", "language_parse_invalid.txt"]

    /// The cases of one fixture file (empty if it cannot be read or matches no format).
    static func cases(inFile name: String) -> [FormatFixtureCase] {
        guard let kind = classify(name),
            let data = try? Data(contentsOf: directory.appendingPathComponent(name))
        else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var result: [FormatFixtureCase] = []
        for (index, rawLine) in text.components(separatedBy: "\n").enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            result.append(
                FormatFixtureCase(
                    format: kind.format, value: line, expectValid: kind.valid, file: name, line: index + 1))
        }
        return result
    }

    /// The format and expected validity for a fixture file name.
    static func classify(_ name: String) -> (format: StringFormat, valid: Bool)? {
        for p in prefixes {
            for s in suffixes where name == p.prefix + s.suffix {
                return (p.format, s.valid)
            }
        }
        return nil
    }

    static let allCases: [FormatFixtureCase] = expectedFiles.flatMap(cases(inFile:))

    /// Whether the format's wrapper type accepts `value` through its failable initializer.
    static func constructs(_ format: StringFormat, _ value: String) -> Bool {
        switch format {
        case .atIdentifier: return ATIdentifier(value) != nil
        case .atURI: return ATURI(value) != nil
        case .cid: return CIDString(value) != nil
        case .datetime: return Datetime(value) != nil
        case .did: return DID(value) != nil
        case .handle: return Handle(value) != nil
        case .nsid: return NSID(value) != nil
        case .recordKey: return RecordKey(value) != nil
        case .tid: return TID(value) != nil
        case .uri: return URIString(value) != nil
        case .language: return LanguageTag(value) != nil
        }
    }
}

@Suite("String formats: atproto interop fixtures")
struct StringFormatFixtureTests {
    @Test("fixture line", arguments: FormatFixtures.allCases)
    func fixtureLine(_ c: FormatFixtureCase) {
        #expect(c.format.isValid(c.value) == c.expectValid)
        #expect(FormatFixtures.constructs(c.format, c.value) == c.expectValid)
    }

    @Test("each fixture file yields cases", arguments: FormatFixtures.expectedFiles)
    func fileHasCases(_ name: String) {
        #expect(
            FormatFixtures.cases(inFile: name).count > 0,
            "no cases loaded from \(FormatFixtures.directory.path)/\(name)")
    }

    @Test("every fixture file in the directory is covered")
    func everyFileCovered() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: FormatFixtures.directory.path)
            .filter { $0.hasSuffix(".txt") }
        #expect(!names.isEmpty)
        for name in names {
            #expect(FormatFixtures.expectedFiles.contains(name), "unmapped fixture file \(name)")
        }
    }
}

@Suite("String formats: edge cases")
struct StringFormatEdgeCaseTests {
    @Test("hand case", arguments: FormatHandCases.all)
    func handCase(_ c: FormatHandCase) {
        #expect(c.format.isValid(c.value) == c.valid)
        #expect(FormatFixtures.constructs(c.format, c.value) == c.valid)
    }

    @Test("every format has hand cases")
    func everyFormatCovered() {
        for format in StringFormat.allCases {
            #expect(FormatHandCases.all.contains { $0.format == format && $0.valid })
            #expect(FormatHandCases.all.contains { $0.format == format && !$0.valid })
        }
    }

    @Test("raw values are the Lexicon format names")
    func rawValues() {
        #expect(
            StringFormat.allCases.map(\.rawValue) == [
                "at-identifier", "at-uri", "cid", "datetime", "did", "handle", "nsid", "record-key",
                "tid", "uri", "language",
            ])
        #expect(StringFormat(rawValue: "record-key") == .recordKey)
        #expect(StringFormat(rawValue: "recordKey") == nil)
    }

    @Test("small (inline) and derived strings validate like literals")
    func derivedStrings() {
        #expect(DID.isValid(String("did:plc:z72i7hdynmk6r22z27h6tvur/extra".prefix(32))))
        #expect(Handle.isValid(String("a.co")))  // small-string representation
        #expect(NSID.isValid(NSString(string: "app.bsky.feed.post") as String))
    }
}

@Suite("String formats: accessors")
struct StringFormatAccessorTests {
    @Test func didMethod() throws {
        let did = try #require(DID("did:plc:z72i7hdynmk6r22z27h6tvur"))
        #expect(did.method == "plc")
        #expect(did.description == "did:plc:z72i7hdynmk6r22z27h6tvur")
        #expect(try #require(DID("did:web:example.com:a")).method == "web")
    }

    @Test func nsidParts() throws {
        let nsid = try #require(NSID("app.bsky.feed.post"))
        #expect(nsid.authority == "app.bsky.feed")
        #expect(nsid.name == "post")
    }

    @Test func atURIParts() throws {
        let full = try #require(ATURI("at://did:plc:abc/app.bsky.feed.post/3jzfcijpj2z2a"))
        #expect(full.authority == "did:plc:abc")
        #expect(full.collection == "app.bsky.feed.post")
        #expect(full.recordKey == "3jzfcijpj2z2a")
        let bare = try #require(ATURI("at://alice.bsky.social"))
        #expect(bare.authority == "alice.bsky.social")
        #expect(bare.collection == nil)
        #expect(bare.recordKey == nil)
    }

    @Test func atIdentifierKinds() throws {
        let did = try #require(ATIdentifier("did:plc:abc"))
        #expect(did.isDID && did.did != nil && did.handle == nil)
        let handle = try #require(ATIdentifier("alice.bsky.social"))
        #expect(!handle.isDID && handle.did == nil && handle.handle != nil)
    }

    @Test func uriScheme() throws {
        #expect(try #require(URIString("https://example.com")).scheme == "https")
    }

    @Test func hashableByRawValue() {
        #expect(Set([TID("2222222222222"), TID("2222222222222")]).count == 1)
    }

    @Test("byte sets match their definition", arguments: ["-", "._:%-", "+="])
    func byteSets(extra: String) {
        let set: ByteSet
        switch extra {
        case "-": set = FormatBytes.alnum(plus: "-")
        case "._:%-": set = FormatBytes.alnum(plus: "._:%-")
        default: set = FormatBytes.alnum(plus: "+=")
        }
        for b in 0...255 {
            let byte = UInt8(b)
            let expected =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || extra.utf8.contains(byte)
            #expect(set.contains(byte) == expected, "byte \(b) in alnum+\(extra)")
        }
    }
}
