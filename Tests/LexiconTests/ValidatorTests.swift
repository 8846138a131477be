import Testing

@testable import Lexicon

/// A record type that uses every Lexicon type and constraint once.
let kitchenSink = #"""
    {"lexicon": 1, "id": "com.example.kitchen", "defs": {
      "main": {"type": "record", "key": "tid", "record": {"type": "object", "required": ["text"], "nullable": ["maybe"],
        "properties": {
          "text": {"type": "string", "minLength": 1, "maxLength": 10},
          "graphemes": {"type": "string", "minGraphemes": 2, "maxGraphemes": 3},
          "count": {"type": "integer", "minimum": 0, "maximum": 10},
          "choice": {"type": "integer", "enum": [1, 2, 3]},
          "fixed": {"type": "integer", "const": 7},
          "flag": {"type": "boolean"},
          "alwaysTrue": {"type": "boolean", "const": true},
          "lang": {"type": "string", "knownValues": ["en", "fr"]},
          "color": {"type": "string", "enum": ["red", "green"]},
          "exact": {"type": "string", "const": "x"},
          "greeting": {"type": "string", "default": "hello"},
          "answer": {"type": "integer", "default": 42},
          "data": {"type": "bytes", "minLength": 1, "maxLength": 4},
          "link": {"type": "cid-link"},
          "image": {"type": "blob", "accept": ["image/*", "video/mp4"], "maxSize": 1000},
          "anyBlob": {"type": "blob"},
          "tags": {"type": "array", "minLength": 1, "maxLength": 2, "items": {"type": "string", "maxLength": 5}},
          "nested": {"type": "ref", "ref": "#nested"},
          "embed": {"type": "union", "refs": ["#a", "com.example.kitchen#b", "com.example.post"]},
          "closedEmbed": {"type": "union", "refs": ["#a"], "closed": true},
          "extra": {"type": "unknown"},
          "maybe": {"type": "string"},
          "did": {"type": "string", "format": "did"},
          "when": {"type": "string", "format": "datetime"},
          "handle": {"type": "string", "format": "handle"},
          "uri": {"type": "string", "format": "at-uri"}
        }}},
      "nested": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}, "d": {"type": "boolean", "default": true}}},
      "a": {"type": "object", "properties": {"x": {"type": "integer"}}},
      "b": {"type": "object", "properties": {"y": {"type": "string"}}}
    }}
    """#

let postRecord = #"""
    {"lexicon": 1, "id": "com.example.post", "defs": {"main": {"type": "record", "key": "any",
      "record": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}}}}
    """#

struct ValueCase: CustomTestStringConvertible, Sendable {
    let label: String
    /// JSON object whose members are merged into a minimal valid record.
    let fields: String
    /// The expected error message, or nil when the record is valid.
    let error: String?
    var testDescription: String { label }

    init(_ label: String, _ fields: String, _ error: String? = nil) {
        self.label = label
        self.fields = fields
        self.error = error
    }
}

@Suite("Validator")
struct ValidatorTests {
    static let catalog = try! makeCatalog(kitchenSink, postRecord)

    static func record(_ fields: String) -> JSONValue {
        var object: [String: JSONValue] = ["$type": "com.example.kitchen", "text": "hi"]
        for (key, value) in try! JSONValue(parsing: fields).objectValue! {
            if value == .string("<absent>") { object[key] = nil } else { object[key] = value }
        }
        return .object(object)
    }

    static let cases: [ValueCase] = [
        .init("minimal record", "{}"),
        // record and $type
        .init("$type missing", #"{"$type": "<absent>"}"#, #"Record must have the property "$type""#),
        .init("$type of another record", #"{"$type": "com.example.post"}"#, #"Record/$type must be "com.example.kitchen""#),
        // required, nullable, null
        .init("required missing", #"{"text": "<absent>"}"#, #"Record must have the property "text""#),
        .init("null where not nullable", #"{"text": null}"#, "Record/text must be a string"),
        .init("null where nullable", #"{"maybe": null}"#),
        // strings: bytes, not characters
        .init("string at maxLength (ASCII)", #"{"text": "0123456789"}"#),
        .init("string over maxLength", #"{"text": "0123456789a"}"#, "Record/text must not be longer than 10 UTF-8 bytes"),
        .init("non-ASCII counted in bytes", #"{"text": "ééééé"}"#),
        .init("non-ASCII over in bytes, not in characters", #"{"text": "éééééé"}"#, "Record/text must not be longer than 10 UTF-8 bytes"),
        .init("emoji bytes", #"{"text": "👍👍👍"}"#, "Record/text must not be longer than 10 UTF-8 bytes"),
        .init("under minLength", #"{"text": ""}"#, "Record/text must not be shorter than 1 UTF-8 bytes"),
        .init("string given a number", #"{"text": 5}"#, "Record/text must be a string"),
        // graphemes
        .init("graphemes ASCII ok", #"{"graphemes": "abc"}"#),
        .init("graphemes ASCII over", #"{"graphemes": "abcd"}"#, "Record/graphemes must not be longer than 3 graphemes"),
        .init("graphemes under", #"{"graphemes": "a"}"#, "Record/graphemes must not be shorter than 2 graphemes"),
        .init("CRLF is one grapheme", "{\"graphemes\": \"a\\r\\nb\"}"),
        .init("ZWJ family is one grapheme", #"{"graphemes": "👨‍👩‍👧‍👦👨‍👩‍👧‍👦"}"#),
        .init("four ZWJ families are four", #"{"graphemes": "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦"}"#, "Record/graphemes must not be longer than 3 graphemes"),
        .init("combining marks join their base", "{\"graphemes\": \"e\\u0301e\\u0301e\\u0301\"}"),
        .init(
            "combining marks: four bases", "{\"graphemes\": \"e\\u0301e\\u0301e\\u0301e\"}", "Record/graphemes must not be longer than 3 graphemes"),
        .init("flag emoji pairs", #"{"graphemes": "🇫🇷🇯🇵"}"#),
        .init("one emoji is under min", #"{"graphemes": "🇫🇷"}"#, "Record/graphemes must not be shorter than 2 graphemes"),
        .init("Hangul jamo compose", "{\"graphemes\": \"\\u1100\\u1161\\u11A8\\u1100\\u1161\"}"),
        // integers
        .init("integer in range", #"{"count": 10}"#),
        .init("integer over maximum", #"{"count": 11}"#, "Record/count can not be greater than 10"),
        .init("integer under minimum", #"{"count": -1}"#, "Record/count can not be less than 0"),
        .init("float where integer", #"{"count": 1.5}"#, "Record/count must be an integer (1.5 is not integral or beyond 2^53)"),
        .init("1.0 is the integer 1", #"{"count": 1.0}"#),
        .init("1e1 is the integer 10", #"{"count": 1e1}"#),
        .init("integer-like float still bounded", #"{"count": 11.0}"#, "Record/count can not be greater than 10"),
        .init("integer-like float checked against enum", #"{"choice": 4.0}"#, "Record/choice must be one of 1, 2, 3"),
        .init("-0.0 is the integer 0", #"{"count": -0.0}"#),
        .init(
            "2^63 as a float is out of range", #"{"count": 9223372036854775808.0}"#,
            "Record/count must be an integer (9.223372036854776e+18 is not integral or beyond 2^53)"),
        .init("huge exponent is not an integer", #"{"count": 1e300}"#, "Record/count must be an integer (1e+300 is not integral or beyond 2^53)"),
        .init("integer as string", #"{"count": "1"}"#, "Record/count must be an integer"),
        .init("integer enum ok", #"{"choice": 3}"#),
        .init("integer enum miss", #"{"choice": 4}"#, "Record/choice must be one of 1, 2, 3"),
        .init("integer const ok", #"{"fixed": 7}"#),
        .init("integer const miss", #"{"fixed": 8}"#, "Record/fixed must be 7"),
        // booleans
        .init("boolean", #"{"flag": false}"#),
        .init("boolean as string", #"{"flag": "true"}"#, "Record/flag must be a boolean"),
        .init("boolean const miss", #"{"alwaysTrue": false}"#, "Record/alwaysTrue must be true"),
        // string value sets
        .init("knownValues are open", #"{"lang": "de"}"#),
        .init("string enum ok", #"{"color": "green"}"#),
        .init("string enum miss", #"{"color": "blue"}"#, #"Record/color must be one of "red", "green""#),
        .init("string const miss", #"{"exact": "y"}"#, #"Record/exact must be "x""#),
        // formats
        .init("did format", #"{"did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz"}"#),
        .init("did format bad", #"{"did": "alice"}"#, "Record/did must be a valid did"),
        .init("datetime format", #"{"when": "2024-02-29T12:00:00.000Z"}"#),
        .init("datetime Feb 30", #"{"when": "2023-02-29T12:00:00Z"}"#, "Record/when must be a valid datetime"),
        .init("handle format bad", #"{"handle": "-bad.example.com"}"#, "Record/handle must be a valid handle"),
        .init("at-uri format", #"{"uri": "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3jzfcijpj2z2a"}"#),
        // bytes
        .init("bytes", #"{"data": {"$bytes": "AQID"}}"#),
        .init("bytes padded", #"{"data": {"$bytes": "AQI="}}"#),
        .init("bytes too long (5 decoded)", #"{"data": {"$bytes": "AQIDBAU"}}"#, "Record/data must not be longer than 4 bytes"),
        .init("bytes empty", #"{"data": {"$bytes": ""}}"#, "Record/data must not be shorter than 1 bytes"),
        .init("bytes bad base64", #"{"data": {"$bytes": "A*=="}}"#, #"Record/data must be bytes: "$bytes" is not valid base64"#),
        .init("bytes as string", #"{"data": "AQID"}"#, #"Record/data must be bytes: {"$bytes": "<base64>"}"#),
        .init("bytes with extra key", #"{"data": {"$bytes": "AQID", "x": 1}}"#, #"Record/data must be bytes: {"$bytes": "<base64>"}"#),
        // cid-link
        .init("cid-link", #"{"link": {"$link": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"}}"#),
        .init("cid-link bad cid", #"{"link": {"$link": "nope"}}"#, #"Record/link must be a cid-link: "$link" is not a valid cid"#),
        .init(
            "cid-link as string", #"{"link": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"}"#,
            #"Record/link must be a cid-link: {"$link": "<cid>"}"#),
        // blobs
        .init(
            "blob image/png",
            #"{"image": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "image/png", "size": 900}}"#
        ),
        .init(
            "blob exact accept",
            #"{"image": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "video/mp4", "size": 9}}"#
        ),
        .init(
            "blob wrong mime",
            #"{"image": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "text/html", "size": 9}}"#,
            #"Record/image mimeType "text/html" is not accepted (accepted: image/*, video/mp4)"#),
        .init(
            "blob too big",
            #"{"image": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "image/png", "size": 1001}}"#,
            "Record/image is 1001 bytes, more than the maximum of 1000"),
        .init(
            "blob without size",
            #"{"anyBlob": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "image/png"}}"#,
            #"Record/anyBlob must have the property "size""#),
        .init(
            "blob bad ref", #"{"anyBlob": {"$type": "blob", "ref": {"$link": "x"}, "mimeType": "image/png", "size": 1}}"#,
            #"Record/anyBlob/ref must be a cid-link: "$link" is not a valid cid"#),
        .init(
            "legacy blob shape", #"{"anyBlob": {"cid": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity", "mimeType": "image/png"}}"#,
            #"Record/anyBlob must be a blob: {"$type": "blob", "ref", "mimeType", "size"}"#),
        // arrays
        .init("array", #"{"tags": ["a", "b"]}"#),
        .init("array too long", #"{"tags": ["a", "b", "c"]}"#, "Record/tags must not have more than 2 elements"),
        .init("array empty", #"{"tags": []}"#, "Record/tags must not have fewer than 1 elements"),
        .init("array item invalid", #"{"tags": ["a", "toolong"]}"#, "Record/tags/1 must not be longer than 5 UTF-8 bytes"),
        .init("array given object", #"{"tags": {}}"#, "Record/tags must be an array"),
        // refs and objects
        .init("ref object", #"{"nested": {"n": 1}}"#),
        .init("ref object missing required", #"{"nested": {}}"#, #"Record/nested must have the property "n""#),
        .init("ref object deep error", #"{"nested": {"n": "1"}}"#, "Record/nested/n must be an integer"),
        .init("object given array", #"{"nested": []}"#, "Record/nested must be an object"),
        .init("unknown fields are allowed", #"{"somethingElse": {"deep": [1, 2]}}"#),
        // unions
        .init("union local ref", #"{"embed": {"$type": "com.example.kitchen#a", "x": 1}}"#),
        .init("union full ref", #"{"embed": {"$type": "com.example.kitchen#b", "y": "s"}}"#),
        .init("union member error", #"{"embed": {"$type": "com.example.kitchen#a", "x": "s"}}"#, "Record/embed/x must be an integer"),
        .init("union record member", #"{"embed": {"$type": "com.example.post", "body": "b"}}"#),
        .init("union record member invalid", #"{"embed": {"$type": "com.example.post"}}"#, #"Record/embed must have the property "body""#),
        .init("union without $type", #"{"embed": {"x": 1}}"#, #"Record/embed must be an object which includes the "$type" property"#),
        .init(
            "union #main suffix", ##"{"embed": {"$type": "com.example.post#main", "body": "b"}}"##,
            ##"Record/embed/$type must name a main definition without "#main" ("com.example.post")"##),
        .init("open union unknown variant", #"{"embed": {"$type": "com.example.other#thing", "z": true}}"#),
        .init(
            "open union unknown variant with float", #"{"embed": {"$type": "com.example.other#thing", "z": 1.5}}"#,
            "Record/embed/z must not be a floating-point number (the atproto data model has integers only)"),
        .init(
            "closed union other variant", #"{"closedEmbed": {"$type": "com.example.kitchen#b"}}"#,
            #"Record/closedEmbed/$type must be one of "com.example.kitchen#a""#),
        .init("closed union its variant", #"{"closedEmbed": {"$type": "com.example.kitchen#a"}}"#),
        // unknown
        .init("unknown object", #"{"extra": {"anything": [1, "two", {"three": null}]}}"#),
        .init("unknown must be object", #"{"extra": "string"}"#, "Record/extra must be an object"),
        .init("unknown not bytes", #"{"extra": {"$bytes": "AQID"}}"#, "Record/extra must be an object, not a bytes, cid-link or blob value"),
        .init(
            "unknown not link", #"{"extra": {"$link": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"}}"#,
            "Record/extra must be an object, not a bytes, cid-link or blob value"),
        .init(
            "unknown not blob",
            #"{"extra": {"$type": "blob", "ref": {"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "image/png", "size": 1}}"#,
            "Record/extra must be an object, not a bytes, cid-link or blob value"),
        .init(
            "unknown with nested float", #"{"extra": {"a": {"b": [0.5]}}}"#,
            "Record/extra/a/b/0 must not be a floating-point number (the atproto data model has integers only)"),
        .init(
            "unknown with nested bad link", #"{"extra": {"a": {"$link": "nope"}}}"#, #"Record/extra/a must be a cid-link: "$link" is not a valid cid"#
        ),
        .init("unknown with non-string $type", #"{"extra": {"$type": 5}}"#, "Record/extra/$type must be a non-empty string"),
    ]

    @Test("records", arguments: cases)
    func validates(_ entry: ValueCase) throws {
        let result = try Self.catalog.validateRecord(Self.record(entry.fields), collection: "com.example.kitchen")
        #expect(result.error?.message == entry.error)
    }

    @Test func recordMustBeAnObject() throws {
        #expect(try Self.catalog.validateRecord("text", collection: "com.example.kitchen").error?.message == "Record must be an object")
    }

    @Test func recordKeyIsCheckedAgainstTheKeyType() throws {
        let record = Self.record("{}")
        #expect(try Self.catalog.validateRecord(record, collection: "com.example.kitchen", recordKey: "3jzfcijpj2z2a").isValid)
        let error = try Self.catalog.validateRecord(record, collection: "com.example.kitchen", recordKey: "self").error
        #expect(error?.message == #"Record key "self" is not a valid record key of type tid"#)
        let post: JSONValue = ["$type": "com.example.post", "body": "b"]
        #expect(try Self.catalog.validateRecord(post, collection: "com.example.post", recordKey: "self").isValid)
        #expect(try Self.catalog.validateRecord(post, collection: "com.example.post", recordKey: "..").error != nil)
    }

    @Test func defaultsAreAppliedOnlyWhenAsked() throws {
        let record = Self.record(#"{"nested": {"n": 1}}"#)
        let plain = try Self.catalog.validateRecord(record, collection: "com.example.kitchen")
        #expect(plain.value == record)
        let completed = try Self.catalog.validateRecord(record, collection: "com.example.kitchen", options: .init(applyDefaults: true))
        #expect(completed.value?["greeting"] == "hello")
        #expect(completed.value?["answer"] == 42)
        #expect(completed.value?["nested"]?["d"] == true)
        #expect(completed.value?["text"] == "hi")
        // Present values are never overwritten.
        let given = try Self.catalog.validateRecord(
            Self.record(#"{"greeting": "bye"}"#), collection: "com.example.kitchen",
            options: .init(applyDefaults: true))
        #expect(given.value?["greeting"] == "bye")
    }

    @Test func lookupErrors() {
        #expect(throws: SchemaLookupError.unknownDefinition("com.example.nope")) {
            try Self.catalog.validateRecord([:], collection: "com.example.nope")
        }
        #expect(throws: SchemaLookupError.notARecord("com.example.kitchen#a")) {
            try Self.catalog.validateRecord([:], collection: "com.example.kitchen#a")
        }
    }

    @Test func validatesANonRecordDefinition() throws {
        #expect(try Self.catalog.validate(["n": 1], against: "com.example.kitchen#nested").isValid)
        #expect(try Self.catalog.validate(["n": true], against: "com.example.kitchen#nested").error?.message == "Value/n must be an integer")
    }
}

@Suite("Method validation")
struct MethodValidationTests {
    static let catalog = try! LexiconCatalog.load(directory: Repo.path("lexicons"))

    @Test func rotateInputAndOutput() throws {
        #expect(try Self.catalog.validate(["name": "deploy-hook"], method: "place.wisp.v2.secret.rotate", part: .input).isValid)
        let bad = try Self.catalog.validate(["name": "bad name"], method: "place.wisp.v2.secret.rotate", part: .input)
        #expect(bad.error?.message == "Input/name must be a valid record-key")
        #expect(bad.error?.path == "Input/name")
        let output: JSONValue = ["name": "deploy-hook", "token": "whsec_x", "rotatedAt": "2026-11-23T10:00:00.000Z"]
        #expect(try Self.catalog.validate(output, method: "place.wisp.v2.secret.rotate", part: .output).isValid)
        let badOutput: JSONValue = ["name": "deploy-hook", "rotatedAt": "2026-11-23T10:00:00.000Z"]
        #expect(
            try Self.catalog.validate(badOutput, method: "place.wisp.v2.secret.rotate", part: .output).error?.message
                == #"Output must have the property "token""#)
    }

    @Test func paramsGetDefaults() throws {
        let result = try Self.catalog.validate([:], method: "place.wisp.v2.secret.list", part: .params, options: .init(applyDefaults: true))
        #expect(result.value == ["limit": 50])
        #expect(
            try Self.catalog.validate(["limit": 101], method: "place.wisp.v2.secret.list", part: .params).error?.message
                == "Params/limit can not be greater than 100")
    }

    @Test func deleteHasNoOutput() {
        // As wisp.place's lexicon has it.
        #expect(throws: SchemaLookupError.noSchema("place.wisp.v2.secret.delete", .output)) {
            try Self.catalog.validate(["name": "a"], method: "place.wisp.v2.secret.delete", part: .output)
        }
    }

    @Test func queriesHaveNoInput() {
        #expect(throws: SchemaLookupError.noSchema("place.wisp.v2.secret.list", .input)) {
            try Self.catalog.validate([:], method: "place.wisp.v2.secret.list", part: .input)
        }
    }
}

extension MethodValidationTests {
    @Test func outputDatetimeIsChecked() throws {
        let output: JSONValue = ["name": "deploy-hook", "token": "whsec_x", "rotatedAt": "yesterday"]
        #expect(
            try Self.catalog.validate(output, method: "place.wisp.v2.secret.rotate", part: .output).error?.message
                == "Output/rotatedAt must be a valid datetime")
    }
}
