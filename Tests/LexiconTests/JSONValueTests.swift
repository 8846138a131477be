import Testing

@testable import Lexicon

// MARK: - Parsing

@Suite("JSON value")
struct JSONValueTests {
    @Test("parses valid documents", arguments: validJSONCases)
    func parsesValid(_ testCase: ValidJSONCase) throws {
        let value = try JSONValue(parsing: testCase.json)
        #expect(value == testCase.expected)
        // The byte entry point agrees with the string one.
        #expect(try JSONValue(parsing: Array(testCase.json.utf8)) == value)
    }

    @Test("rejects invalid documents", arguments: invalidJSONCases)
    func rejectsInvalid(_ testCase: InvalidJSONCase) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: testCase.bytes) }
        do {
            _ = try JSONValue(parsing: testCase.bytes)
        } catch {
            #expect(error.reason == testCase.reason)
            #expect(error.offset == testCase.offset)
        }
    }

    @Test("classifies integers and numbers", arguments: jsonClassificationCases)
    func classifiesNumbers(_ json: String, _ expected: JSONValue) throws {
        let value = try JSONValue(parsing: json)
        #expect(value == expected)
        #expect(value.typeName == expected.typeName)
        if case .number(let parsed) = value, case .number(let wanted) = expected {
            #expect(parsed.sign == wanted.sign)
        }
    }

    @Test("accepts exactly 64 levels of nesting by default", arguments: [false, true])
    func acceptsDepth64(objects: Bool) throws {
        var depth = 0
        var current = try JSONValue(parsing: objects ? jsonNestedObjects(64) : jsonNestedArrays(64))
        while true {
            if case .array(let elements) = current {
                depth += 1
                guard let first = elements.first else { break }
                current = first
            } else if case .object(let members) = current {
                depth += 1
                guard let first = members["a"] else { break }
                current = first
            } else {
                break
            }
        }
        #expect(depth == 64)
    }

    @Test func reportsLineAndColumn() {
        let json = "{\n  \"name\": 1,\n  \"name\": 2\n}"
        #expect(throws: JSONParseError(offset: 17, line: 3, column: 3, reason: #"duplicate key "name""#)) {
            try JSONValue(parsing: json)
        }
        do {
            _ = try JSONValue(parsing: #"{"a":1,"a":2}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"invalid JSON at line 1, column 8: duplicate key "a""#)
        }
        // Columns count Unicode scalars, not bytes.
        #expect(
            throws: JSONParseError(offset: 8, line: 1, column: 5, reason: "trailing characters after the JSON value")
        ) {
            try JSONValue(parsing: "\"é😀\"x")
        }
        #expect(throws: JSONParseError(offset: 0, line: 1, column: 1, reason: "empty input")) {
            try JSONValue(parsing: [UInt8]())
        }
    }

    @Test func enforcesLimits() throws {
        let shallow = JSONParser.Limits(maxDepth: 2)
        #expect(try JSONValue(parsing: "[[1]]", limits: shallow) == [[1]])
        #expect(try JSONValue(parsing: "[{}]", limits: shallow) == [[:]])
        #expect(throws: JSONParseError(offset: 2, line: 1, column: 3, reason: "nesting deeper than 2")) {
            try JSONValue(parsing: "[[[]]]", limits: shallow)
        }
        #expect(try JSONValue(parsing: "7", limits: .init(maxDepth: 0)) == 7)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "[]", limits: .init(maxDepth: 0)) }

        let small = JSONParser.Limits(maxBytes: 4)
        #expect(try JSONValue(parsing: "[12]", limits: small) == [12])
        #expect(throws: JSONParseError(offset: 4, line: 1, column: 5, reason: "input larger than 4 bytes")) {
            try JSONValue(parsing: "[123]", limits: small)
        }

        // A deep document within a raised limit parses without recursion.
        let deep = try JSONValue(parsing: jsonNestedArrays(2_000), limits: .init(maxDepth: 2_000))
        #expect(deep.arrayValue?.count == 1)
        // Unbounded depth on hostile input is an error, not a stack overflow.
        #expect(throws: JSONParseError.self) {
            try JSONValue(parsing: String(repeating: "[{\"a\":", count: 200_000), limits: .init(maxDepth: .max))
        }
    }

    @Test func acceptsAnyByteCollection() throws {
        let text = #"{"k":[1,2,3]}"#
        let expected: JSONValue = ["k": [1, 2, 3]]
        let bytes = Array(text.utf8)
        #expect(try JSONValue(parsing: bytes) == expected)
        #expect(try JSONValue(parsing: bytes[...]) == expected)
        #expect(try JSONValue(parsing: ContiguousArray(bytes)) == expected)
        // Not contiguous: copied first.
        #expect(try JSONValue(parsing: bytes.lazy.map { $0 }) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
        #expect(try JSONParser().parse(bytes) == expected)
        let fromBuffer = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            try JSONParser().parse(buffer)
        }
        #expect(fromBuffer == expected)
        // Non-contiguous input still reports errors with offsets.
        #expect(throws: JSONParseError(offset: 3, line: 1, column: 4, reason: "trailing comma in array")) {
            try JSONValue(parsing: Array("[1,]".utf8).lazy.map { $0 })
        }
    }

    // MARK: - Serializing

    @Test("round-trips through the serializer", arguments: jsonRoundTripDocuments)
    func roundTrips(_ json: String) throws {
        let value = try JSONValue(parsing: json)
        let bytes = value.serialized()
        #expect(try JSONValue(parsing: bytes) == value)
        let sorted = value.serialized(sortedKeys: true)
        #expect(try JSONValue(parsing: sorted) == value)
        #expect(try JSONValue(parsing: value.jsonString) == value)
        // Serialization of a parsed value is a fixed point.
        #expect(try JSONValue(parsing: sorted).serialized(sortedKeys: true) == sorted)
    }

    @Test func serializesCompactly() {
        let value: JSONValue = [
            "b": [1, -2, 2.5, true, false, nil],
            "a": "x\"y\\z\n\t\r\u{8}\u{C}\u{1}\u{1F}/é😀",
            "c": [:],
        ]
        let expected = #"{"a":"x\"y\\z\n\t\r\b\f\u0001\u001f/é😀","b":[1,-2,2.5,true,false,null],"c":{}}"#
        #expect(String(decoding: value.serialized(sortedKeys: true), as: UTF8.self) == expected)
        #expect(JSONValue.integer(.min).jsonString == "-9223372036854775808")
        #expect(JSONValue.integer(.max).jsonString == "9223372036854775807")
        #expect(JSONValue.integer(0).jsonString == "0")
        #expect(JSONValue.number(5.0).jsonString == "5.0")
        #expect(JSONValue.number(0.1).jsonString == "0.1")
        #expect(JSONValue.number(-0.0).jsonString == "-0.0")
        #expect(JSONValue.number(.nan).jsonString == "null")
        #expect(JSONValue.number(.infinity).jsonString == "null")
        #expect(JSONValue.number(-.infinity).jsonString == "null")
        #expect(JSONValue.array([.number(.nan)]).jsonString == "[null]")
        #expect(JSONValue.string("").jsonString == #""""#)
        // Sorted by UTF-8 bytes: uppercase before lowercase, shorter prefix first.
        let keys: JSONValue = ["b": 1, "B": 2, "": 3, "ba": 4, "é": 5]
        #expect(
            String(decoding: keys.serialized(sortedKeys: true), as: UTF8.self)
                == #"{"":3,"B":2,"b":1,"ba":4,"é":5}"#)
    }

    @Test func serializedDoublesRoundTrip() throws {
        for double in [
            0.1, 1.0 / 3.0, 1e21, 1e-7, 123_456_789.123, .pi, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, -2.2250738585072014e-308, 9_007_199_254_740_993.0,
        ] {
            let parsed = try JSONValue(parsing: JSONValue.number(double).serialized())
            #expect(parsed == .number(double))
        }
    }

    // MARK: - Conveniences

    @Test func accessors() throws {
        let value = try JSONValue(parsing: #"{"s":"x","i":3,"n":1.5,"b":true,"z":null,"a":[1],"o":{}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.integerValue == 3)
        #expect(value["n"]?.integerValue == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["z"]?.isNull == true)
        #expect(value["s"]?.isNull == false)
        #expect(value["a"]?.arrayValue == [.integer(1)])
        #expect(value["o"]?.objectValue == [:])
        #expect(value["missing"] == nil)
        #expect(value["a"]?["x"] == nil)
        #expect(value.objectValue?.count == 7)
        #expect(value.stringValue == nil)
        #expect(value["s"]?.arrayValue == nil)
        #expect(value["s"]?.objectValue == nil)
        #expect(value["i"]?.boolValue == nil)

        let names = ["s", "i", "n", "b", "z", "a", "o"].map { value[$0]!.typeName }
        #expect(names == ["string", "integer", "number", "boolean", "null", "array", "object"])
    }

    @Test func literals() {
        let value: JSONValue = ["a": [1, 2.5, "s", true, nil], "b": ["c": -7]]
        #expect(
            value
                == .object([
                    "a": .array([.integer(1), .number(2.5), .string("s"), .bool(true), .null]),
                    "b": .object(["c": .integer(-7)]),
                ]))
    }

    // MARK: - Fuzzing

    @Test func survivesMutatedInputs() {
        var random = SeededGenerator(seed: 0x5167_11)
        let seeds =
            jsonRoundTripDocuments.map { Array($0.utf8) } + [
                Array(#"{"a":[1,{"b":"\ud83d\ude00\n"}],"c":-1.5e+3,"d":[true,false,null]}"#.utf8),
                Array("[\"é😀\", 0, -0, 1e2, \"\\u00e9\"]".utf8),
            ]
        let alphabet =
            Array(#"{}[]":,\-+.0123456789eEtrufalsn u"#.utf8) + [
                0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0, 0xF4, 0xFF,
            ]
        var parsedCount = 0
        for _ in 0..<4_000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + random.next() % 4) {
                let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                switch random.next() % 6 {
                case 0 where !bytes.isEmpty:
                    bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1:
                    bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                case 2 where !bytes.isEmpty:
                    bytes.remove(at: position)
                case 3:
                    bytes.removeLast(Int(random.next() % UInt64(bytes.count + 1)))
                case 4 where !bytes.isEmpty:
                    bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
                default:
                    let end = min(bytes.count, position + Int(random.next() % 8))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                }
            }
            if let value = try? JSONValue(parsing: bytes) {
                parsedCount += 1
                // Whatever parses must serialize to JSON that parses back to the same value.
                #expect((try? JSONValue(parsing: value.serialized())) == value)
            }
            _ = try? JSONValue(parsing: bytes, limits: .init(maxDepth: 3, maxBytes: 40))
        }
        #expect(parsedCount > 0)
    }
}
