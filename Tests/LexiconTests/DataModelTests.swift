import Testing

@testable import Lexicon

/// A value Sigil calls valid is valid atproto data throughout: declared fields, undeclared fields, `unknown`.
@Suite("Data model everywhere")
struct DataModelTests {
    static let catalog = try! makeCatalog(
        ##"""
        {"lexicon": 1, "id": "com.example.dm", "defs": {
          "main": {"type": "record", "key": "tid", "record": {"type": "object", "properties": {
            "n": {"type": "integer"}, "o": {"type": "ref", "ref": "#inner"}, "b": {"type": "blob", "accept": ["image/*"], "maxSize": 100},
            "when": {"type": "string", "format": "datetime"}, "u": {"type": "unknown"}}}},
          "inner": {"type": "object", "properties": {"k": {"type": "string"}}}
        }}
        """##)

    static let cid = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"

    static func record(_ fields: String) -> JSONValue {
        var object = try! JSONValue(parsing: fields).objectValue!
        object["$type"] = "com.example.dm"
        return .object(object)
    }

    static let cases: [(label: String, fields: String, error: String?)] = [
        ("undeclared plain fields are fine", #"{"extra": {"a": [1, "x", true, null]}}"#, nil),
        ("undeclared float", #"{"extra": 1.5}"#, "Record/extra must not be a floating-point number (the atproto data model has integers only)"),
        (
            "undeclared nested float", #"{"extra": {"a": [0, {"b": 2.5}]}}"#,
            "Record/extra/a/1/b must not be a floating-point number (the atproto data model has integers only)"
        ),
        ("undeclared integer-like float", #"{"extra": 2.0}"#, nil),
        (
            "undeclared float in a declared object", #"{"o": {"k": "x", "z": 0.1}}"#,
            "Record/o/z must not be a floating-point number (the atproto data model has integers only)"
        ),
        ("undeclared bogus $link", #"{"extra": {"$link": "nope"}}"#, #"Record/extra must be a cid-link: "$link" is not a valid cid"#),
        ("undeclared $link with another key", #"{"extra": {"$link": "\#(cid)", "x": 1}}"#, #"Record/extra must be a cid-link: {"$link": "<cid>"}"#),
        ("undeclared good $link", #"{"extra": {"$link": "\#(cid)"}}"#, nil),
        ("undeclared bogus $bytes", #"{"extra": {"$bytes": "!!"}}"#, #"Record/extra must be bytes: "$bytes" is not valid base64"#),
        ("undeclared $bytes not a string", #"{"extra": {"$bytes": 1}}"#, #"Record/extra must be bytes: {"$bytes": "<base64>"}"#),
        (
            "undeclared blob without size", #"{"extra": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png"}}"#,
            #"Record/extra must have the property "size""#
        ),
        (
            "undeclared blob with float size", #"{"extra": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png", "size": 1.5}}"#,
            "Record/extra/size must be an integer"
        ),
        ("undeclared $type empty", #"{"extra": {"$type": ""}}"#, "Record/extra/$type must be a non-empty string"),
        ("undeclared $type not a string", #"{"extra": {"$type": 5}}"#, "Record/extra/$type must be a non-empty string"),
        ("$type in a declared object must be a string", #"{"o": {"$type": 1}}"#, "Record/o/$type must be a non-empty string"),
        (
            "a declared object that is bytes in disguise", #"{"o": {"k": "x", "$bytes": "AAAA"}}"#,
            "Record/o must be an object, not a bytes, cid-link or blob value"
        ),
        (
            "a declared object that is a link in disguise", #"{"o": {"$link": "\#(cid)"}}"#,
            "Record/o must be an object, not a bytes, cid-link or blob value"
        ),
        (
            "a declared object that claims to be a blob", #"{"o": {"$type": "blob"}}"#,
            "Record/o must be an object, not a bytes, cid-link or blob value"
        ),
        ("a record that is a link in disguise", #"{"$link": "\#(cid)"}"#, "Record must be an object, not a bytes, cid-link or blob value"),
        (
            "2^53 + 2 as a float is no integer", #"{"extra": 9007199254740994.0}"#,
            "Record/extra must not be a floating-point number (the atproto data model has integers only)"
        ),
        (
            "unknown holding a float", #"{"u": {"x": 1.25}}"#,
            "Record/u/x must not be a floating-point number (the atproto data model has integers only)"
        ),
        ("unknown holding a bogus link", #"{"u": {"x": {"$link": "bafy"}}}"#, #"Record/u/x must be a cid-link: "$link" is not a valid cid"#),
        // Blobs: exact keys, a real CID, integer size.
        ("good blob", #"{"b": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png", "size": 10}}"#, nil),
        ("blob size 10.0 is 10", #"{"b": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png", "size": 10.0}}"#, nil),
        (
            "blob with an extra key", #"{"b": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png", "size": 10, "x": 1}}"#,
            #"Record/b must be a blob with exactly $type, ref, mimeType and size, not also "x""#
        ),
        (
            "blob ref not a cid", #"{"b": {"$type": "blob", "ref": {"$link": "nope"}, "mimeType": "image/png", "size": 10}}"#,
            #"Record/b/ref must be a cid-link: "$link" is not a valid cid"#
        ),
        (
            "legacy blob refused by default", #"{"b": {"cid": "\#(cid)", "mimeType": "image/png"}}"#,
            #"Record/b must be a blob: {"$type": "blob", "ref", "mimeType", "size"}"#
        ),
        ("relaxed datetime refused by default", #"{"when": "2024-01-01T00:00:00"}"#, "Record/when must be a valid datetime"),
    ]

    @Test(arguments: cases.indices)
    func strict(_ index: Int) throws {
        let (label, fields, expected) = Self.cases[index]
        let result = try Self.catalog.validateRecord(Self.record(fields), collection: "com.example.dm")
        #expect(result.error?.message == expected, "\(label)")
    }

    static let lenientCases: [(label: String, fields: String, error: String?)] = [
        ("legacy blob", #"{"b": {"cid": "\#(cid)", "mimeType": "image/png"}}"#, nil),
        (
            "legacy blob still checks accept", #"{"b": {"cid": "\#(cid)", "mimeType": "text/plain"}}"#,
            #"Record/b mimeType "text/plain" is not accepted (accepted: image/*)"#
        ),
        ("legacy blob with a bad cid", #"{"b": {"cid": "nope", "mimeType": "image/png"}}"#, "Record/b/cid must be a valid cid"),
        (
            "legacy blob with a third key is not legacy", #"{"b": {"cid": "\#(cid)", "mimeType": "image/png", "size": 1}}"#,
            #"Record/b must be a blob: {"$type": "blob", "ref", "mimeType", "size"}"#
        ),
        ("modern blob still fine", #"{"b": {"$type": "blob", "ref": {"$link": "\#(cid)"}, "mimeType": "image/png", "size": 10}}"#, nil),
        ("datetime without a timezone", #"{"when": "2024-01-01T00:00:00"}"#, nil),
        ("datetime without a timezone, with fraction", #"{"when": "2024-01-01T00:00:00.123"}"#, nil),
        ("datetime with -00:00", #"{"when": "2024-01-01T00:00:00-00:00"}"#, nil),
        ("datetime with +0000", #"{"when": "2024-01-01T00:00:00+0000"}"#, nil),
        ("datetime with -0000", #"{"when": "2024-01-01T00:00:00-0000"}"#, nil),
        ("lenient is not anything goes: a date alone", #"{"when": "2024-01-01"}"#, "Record/when must be a valid datetime"),
        ("lenient is not anything goes: Feb 30", #"{"when": "2024-02-30T00:00:00"}"#, "Record/when must be a valid datetime"),
        ("lenient is not anything goes: +0100", #"{"when": "2024-01-01T00:00:00+0100"}"#, "Record/when must be a valid datetime"),
        ("lenient is not anything goes: lowercase z", #"{"when": "2024-01-01T00:00:00z"}"#, "Record/when must be a valid datetime"),
        ("floats stay refused", #"{"extra": 1.5}"#, "Record/extra must not be a floating-point number (the atproto data model has integers only)"),
    ]

    @Test(arguments: lenientCases.indices)
    func lenient(_ index: Int) throws {
        let (label, fields, expected) = Self.lenientCases[index]
        let result = try Self.catalog.validateRecord(Self.record(fields), collection: "com.example.dm", options: .lenient)
        #expect(result.error?.message == expected, "\(label)")
    }

    @Test func anIntegerLikeFloatIsHandedOnAsAnInteger() throws {
        let result = try Self.catalog.validateRecord(Self.record(#"{"n": 123.0, "extra": 4.0}"#), collection: "com.example.dm")
        #expect(result.value?["n"] == .integer(123))
        // Undeclared fields too: the data model has integers only.
        #expect(result.value?["extra"] == .integer(4))
        let nested = try Self.catalog.validateRecord(
            Self.record(
                #"{"u": {"a": [1.0, {"b": 2e0}]}, "b": {"$type": "blob", "ref": {"$link": "\#(Self.cid)"}, "mimeType": "image/png", "size": 10.0}}"#),
            collection: "com.example.dm")
        #expect(nested.value?["u"] == ["a": [1, ["b": 2]]])
        #expect(nested.value?["b"]?["size"] == .integer(10))
        // Untouched values come back as they were.
        let plain = Self.record(#"{"n": 1, "extra": "x"}"#)
        #expect(try Self.catalog.validateRecord(plain, collection: "com.example.dm").value == plain)
        #expect(
            try Self.catalog.validateRecord(Self.record(#"{"n": 123.5}"#), collection: "com.example.dm").error?.message
                == "Record/n must be an integer (123.5 is not integral or beyond 2^53)")
    }

    @Test func theIntegerRuleAtTheEdgesOfInt64() {
        // Beyond 2^53 a double does not hold every integer: 9007199254740993.0 parses as …992, so none is taken.
        #expect(DataModel.integer(.number(9_007_199_254_740_992.0)) == 9_007_199_254_740_992)
        #expect(DataModel.integer(.number(-9_007_199_254_740_992.0)) == -9_007_199_254_740_992)
        #expect(DataModel.integer(.number(9_007_199_254_740_994.0)) == nil)
        #expect(DataModel.integer(.number(-9_223_372_036_854_775_808.0)) == nil)
        #expect(DataModel.integer(.number(.nan)) == nil)
        #expect(DataModel.integer(.number(.infinity)) == nil)
        #expect(DataModel.integer(.number(0.5)) == nil)
        #expect(DataModel.integer(.string("1")) == nil)
    }
}
