import Testing

@testable import Lexicon

// MARK: - Fixtures

/// A document that must parse to `expected`.
struct ValidJSONCase: Sendable, CustomTestStringConvertible {
    var json: String
    var expected: JSONValue
    var testDescription: String { json.debugDescription }

    init(_ json: String, _ expected: JSONValue) {
        self.json = json
        self.expected = expected
    }
}

/// Bytes that must be rejected with `reason` at byte `offset`.
struct InvalidJSONCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var reason: String
    var offset: Int
    var testDescription: String { name }

    init(_ text: String, _ reason: String, at offset: Int) {
        self.name = text.debugDescription
        self.bytes = Array(text.utf8)
        self.reason = reason
        self.offset = offset
    }

    init(_ name: String, bytes: [UInt8], _ reason: String, at offset: Int) {
        self.name = name
        self.bytes = bytes
        self.reason = reason
        self.offset = offset
    }
}

func jsonNestedArrays(_ depth: Int) -> String {
    String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
}

func jsonNestedObjects(_ depth: Int) -> String {
    String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
}

let validJSONCases: [ValidJSONCase] = [
    .init("null", .null),
    .init("true", .bool(true)),
    .init("false", .bool(false)),
    .init("0", .integer(0)),
    .init("42", .integer(42)),
    .init("-3", .integer(-3)),
    .init("1.5", .number(1.5)),
    .init("-1.5e3", .number(-1500)),
    .init("1E2", .number(100)),
    .init("1e-2", .number(0.01)),
    .init("2.5E+1", .number(25)),
    .init("0.0", .number(0)),
    .init("1e-400", .number(0)),
    .init(#""""#, .string("")),
    .init(#""abc""#, .string("abc")),
    .init(
        #""a long string that crosses several eight-byte words""#,
        .string("a long string that crosses several eight-byte words")),
    .init(#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
    .init(#""\u00e9\u00E9""#, .string("éé")),
    .init(#""\u0000""#, .string("\u{0}")),
    .init(#""\ud83d\ude00""#, .string("😀")),
    .init(#""\uD83D\uDE00 tail""#, .string("😀 tail")),
    .init("\"é😀中\u{7F}\"", .string("é😀中\u{7F}")),
    .init(
        #""prefix long enough for words \n then more text""#,
        .string("prefix long enough for words \n then more text")),
    .init("[]", .array([])),
    .init("{}", .object([:])),
    .init("[ ]", .array([])),
    .init("{ }", .object([:])),
    .init(" \t\r\n[ 1 , 2 ]\n ", .array([.integer(1), .integer(2)])),
    .init(
        #"[1,"a",null,true,false,1.5,[],{}]"#,
        [1, "a", nil, true, false, 1.5, [], [:]]),
    .init(#"{"a":{"b":[{"c":null}]}}"#, ["a": ["b": [["c": nil]]]]),
    .init(#"{"\u0061":1,"b\n":2}"#, ["a": 1, "b\n": 2]),
    .init(#"{"a":1,"A":2}"#, ["a": 1, "A": 2]),
    .init(#"[[[]]]"#, [[[]]]),
]

let invalidJSONCases: [InvalidJSONCase] = [
    .init("", "empty input", at: 0),
    .init("  \n ", "empty input", at: 4),
    .init("\u{FEFF}{}", "byte order mark is not allowed", at: 0),
    .init(#"{"a":1,"a":2}"#, #"duplicate key "a""#, at: 7),
    .init(#"{"a":1,"b":{"x":1,"x":2}}"#, #"duplicate key "x""#, at: 18),
    .init(
        #"{"\u00e9":1,"e\u0301":2}"#,
        "duplicate key \"e\u{301}\" (canonically equivalent to \"\u{E9}\")", at: 12),
    .init("[1,]", "trailing comma in array", at: 3),
    .init("[1, ]", "trailing comma in array", at: 4),
    .init(#"{"a":1,}"#, "trailing comma in object", at: 7),
    .init("[1,,2]", "unexpected character ',', expected a value", at: 3),
    .init("[,]", "unexpected character ',', expected a value", at: 1),
    .init("01", "invalid number: leading zeros are not allowed", at: 0),
    .init("-01", "invalid number: leading zeros are not allowed", at: 1),
    .init("00", "invalid number: leading zeros are not allowed", at: 0),
    .init("1.", "invalid number: expected a digit after '.'", at: 2),
    .init("1.e5", "invalid number: expected a digit after '.'", at: 2),
    .init(".5", "unexpected character '.', expected a value", at: 0),
    .init("-", "invalid number: expected a digit after '-'", at: 1),
    .init("-a", "invalid number: expected a digit after '-'", at: 1),
    .init("1e", "invalid number: expected a digit in the exponent", at: 2),
    .init("1e+", "invalid number: expected a digit in the exponent", at: 3),
    .init("1E-x", "invalid number: expected a digit in the exponent", at: 3),
    .init("+1", "unexpected character '+', expected a value", at: 0),
    .init("NaN", "unexpected character 'N', expected a value", at: 0),
    .init("Infinity", "unexpected character 'I', expected a value", at: 0),
    .init("-Infinity", "invalid number: expected a digit after '-'", at: 1),
    .init("0x10", "trailing characters after the JSON value", at: 1),
    .init("1e400", "number out of range", at: 0),
    .init("-1.5e999", "number out of range", at: 0),
    .init(#""\ud800""#, #"lone surrogate \uD800 in string"#, at: 1),
    .init(#""\udc00""#, #"lone surrogate \uDC00 in string"#, at: 1),
    .init(#""\uDBFF\u0041""#, #"lone surrogate \uDBFF in string"#, at: 1),
    .init(#""\ud800\ud800""#, #"lone surrogate \uD800 in string"#, at: 1),
    .init(#""x\ud800x""#, #"lone surrogate \uD800 in string"#, at: 2),
    .init(#""\ude00\ud83d""#, #"lone surrogate \uDE00 in string"#, at: 1),
    .init(#""\x""#, #"invalid escape sequence '\x'"#, at: 1),
    .init(#""\'""#, #"invalid escape sequence '\''"#, at: 1),
    .init(#""\U0041""#, #"invalid escape sequence '\U'"#, at: 1),
    .init(#""\u12G4""#, #"invalid \u escape: expected 4 hex digits"#, at: 1),
    .init(#""\u12""#, #"invalid \u escape: expected 4 hex digits"#, at: 1),
    .init(#""\ud800\u12""#, #"invalid \u escape: expected 4 hex digits"#, at: 7),
    .init("bad continuation", bytes: [0x22, 0xC3, 0x28, 0x22], "invalid UTF-8", at: 1),
    .init("overlong 2-byte '/'", bytes: [0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8", at: 1),
    .init("overlong 2-byte C1", bytes: [0x22, 0xC1, 0xBF, 0x22], "invalid UTF-8", at: 1),
    .init("overlong 3-byte", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], "invalid UTF-8", at: 1),
    .init("overlong 4-byte", bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], "invalid UTF-8", at: 1),
    .init("UTF-8 encoded surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8", at: 1),
    .init("above U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8", at: 1),
    .init("F5 lead byte", bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "invalid UTF-8", at: 1),
    .init("stray continuation", bytes: [0x22, 0x80, 0x22], "invalid UTF-8", at: 1),
    .init("0xFF byte", bytes: [0x22, 0x61, 0xFF, 0x22], "invalid UTF-8", at: 2),
    .init("truncated sequence", bytes: [0x22, 0xE2, 0x82], "invalid UTF-8", at: 1),
    .init("truncated before quote", bytes: [0x22, 0xE2, 0x82, 0x22], "invalid UTF-8", at: 1),
    .init(
        "bad byte after 8-byte run",
        bytes: Array(#""abcdefghijk"#.utf8) + [0xFE, 0x22], "invalid UTF-8", at: 12),
    .init(
        "bad byte in escaped string",
        bytes: Array(#""\n"#.utf8) + [0xC3, 0x28, 0x22], "invalid UTF-8", at: 3),
    .init("bad byte in key", bytes: [0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D], "invalid UTF-8", at: 2),
    .init("bad byte outside string", bytes: [0x5B, 0xC3, 0x28, 0x5D], "invalid UTF-8", at: 1),
    .init("\u{A0}1", "unexpected character U+00A0, expected a value", at: 0),
    .init("\"a\nb\"", "unescaped control character U+000A in string", at: 2),
    .init("\"\t\"", "unescaped control character U+0009 in string", at: 1),
    .init("\"\u{0}\"", "unescaped control character U+0000 in string", at: 1),
    .init("\"a long prefix\u{1F}\"", "unescaped control character U+001F in string", at: 14),
    .init("\"\\n\u{1}\"", "unescaped control character U+0001 in string", at: 3),
    .init(#""abc"#, "unterminated string", at: 0),
    .init(#""abc\"#, "unterminated string", at: 0),
    .init(#"["abcdefghijklmnop"#, "unterminated string", at: 1),
    .init(#""\n"#, "unterminated string", at: 0),
    .init("[", "unexpected end of input", at: 1),
    .init("[1", "unexpected end of input", at: 2),
    .init("{", "unexpected end of input", at: 1),
    .init(#"{"a""#, "unexpected end of input", at: 4),
    .init(#"{"a":"#, "unexpected end of input", at: 5),
    .init(#"{"a":1"#, "unexpected end of input", at: 6),
    .init(#"{"a" 1}"#, "unexpected character '1', expected ':'", at: 5),
    .init("{1:2}", "unexpected character '1', expected a string key", at: 1),
    .init("{a:1}", "unexpected character 'a', expected a string key", at: 1),
    .init("{'a':1}", "unexpected character ''', expected a string key", at: 1),
    .init("[1 2]", "unexpected character '2', expected ',' or ']'", at: 3),
    .init(#"{"a":1 "b":2}"#, #"unexpected character '"', expected ',' or '}'"#, at: 7),
    .init(#"{"a":1]"#, "unexpected character ']', expected ',' or '}'", at: 6),
    .init("[1}", "unexpected character '}', expected ',' or ']'", at: 2),
    .init("1 2", "trailing characters after the JSON value", at: 2),
    .init("[1]x", "trailing characters after the JSON value", at: 3),
    .init("{}{}", "trailing characters after the JSON value", at: 2),
    .init("null\u{0}", "trailing characters after the JSON value", at: 4),
    .init("nul", "unexpected end of input", at: 3),
    .init("nulL", "unexpected character 'L'", at: 3),
    .init("tRUE", "unexpected character 'R'", at: 1),
    .init("falsy", "unexpected character 'y'", at: 4),
    .init("truefalse", "trailing characters after the JSON value", at: 4),
    .init("// comment\n1", "unexpected character '/', expected a value", at: 0),
    .init("[1] /* comment */", "trailing characters after the JSON value", at: 4),
    .init("\u{B}1", "unexpected character U+000B, expected a value", at: 0),
    .init("65 nested arrays", bytes: Array(jsonNestedArrays(65).utf8), "nesting deeper than 64", at: 64),
    .init("65 nested objects", bytes: Array(jsonNestedObjects(65).utf8), "nesting deeper than 64", at: 5 * 64),
    .init(
        "100,000 open brackets", bytes: Array(repeating: 0x5B, count: 100_000),
        "nesting deeper than 64", at: 64),
]

let jsonClassificationCases: [(String, JSONValue)] = [
    ("1", .integer(1)),
    ("-0", .integer(0)),
    ("0", .integer(0)),
    ("1.0", .number(1.0)),
    ("-0.0", .number(-0.0)),
    ("1e2", .number(100)),
    ("1E0", .number(1)),
    ("10", .integer(10)),
    ("123456789012345678", .integer(123_456_789_012_345_678)),
    ("1234567890123456789", .integer(1_234_567_890_123_456_789)),
    ("9223372036854775807", .integer(.max)),
    ("-9223372036854775807", .integer(-.max)),
    ("-9223372036854775808", .integer(.min)),
    ("9223372036854775808", .number(9_223_372_036_854_775_808.0)),
    ("-9223372036854775809", .number(-9_223_372_036_854_775_809.0)),
    ("18446744073709551616", .number(18_446_744_073_709_551_616.0)),
    ("99999999999999999999999999999", .number(1e29)),
]

let jsonRoundTripDocuments: [String] = [
    "null", "true", "false", "0", "-1", "9223372036854775807", "-9223372036854775808",
    "0.1", "-2.5e-7", "1e300", "1.7976931348623157e308", "5e-324", "123.456", "1.0",
    #""""#, #""plain""#, #""\" \\ / \b \f \n \r \t \u0001 \u001f \u007f""#,
    #""é 😀 中 \u2028""#, "[]", "{}", "[[],[{}]]",
    #"{"$type":"place.wisp.v2.wh","url":"https://example.com/hooks/wisp","scope":{"aturi":"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post","backlinks":false},"events":["create","update","delete"],"secretId":"3jzfcijpj2z2a","enabled":true,"createdAt":"2024-11-23T10:20:30.123Z"}"#,
    #"{"a\nb":[1,2.5,"x",null,{"k\"":{"":[]}}],"z":-0.0}"#,
]
