import Foundation
import Testing

@testable import ATData

/// Only canonical DAG-CBOR of the data model decodes; every refusal names its rule.
@Suite("Strict DAG-CBOR")
struct DAGCBORStrictnessTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let bytes: [UInt8]
        let reason: String
        var testDescription: String { label }
    }

    static let cid = CID.of([1, 2, 3])
    static let refused: [Case] = [
        Case(label: "empty", bytes: [], reason: "unexpected end"),
        Case(label: "integer 1 in two bytes", bytes: [0x18, 0x01], reason: "shortest form"),
        Case(label: "integer 255 in three bytes", bytes: [0x19, 0x00, 0xFF], reason: "shortest form"),
        Case(label: "a length in the long form", bytes: [0x78, 0x01, 0x61], reason: "shortest form"),
        Case(label: "an integer past Int64", bytes: [0x1B, 0x80, 0, 0, 0, 0, 0, 0, 0], reason: "out of range"),
        Case(label: "an indefinite array", bytes: [0x9F, 0xFF], reason: "indefinite"),
        Case(label: "an indefinite text", bytes: [0x7F, 0xFF], reason: "indefinite"),
        Case(label: "a half float", bytes: [0xF9, 0x3C, 0x00], reason: "floats"),
        Case(label: "a double", bytes: [0xFB, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0], reason: "floats"),
        Case(label: "undefined", bytes: [0xF7], reason: "simple value 23"),
        Case(label: "unsorted keys", bytes: [0xA2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], reason: "canonical order"),
        Case(label: "a longer key first", bytes: [0xA2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], reason: "canonical order"),
        Case(label: "a repeated key", bytes: [0xA2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], reason: "repeated"),
        // "é" as one scalar (2 bytes) and as e + a combining accent (3 bytes): canonical order in bytes, one key as text.
        Case(
            label: "two keys equal as Unicode text", bytes: [0xA2, 0x62, 0xC3, 0xA9, 0x01, 0x63, 0x65, 0xCC, 0x81, 0x02],
            reason: "different Unicode forms"),
        Case(label: "an integer key", bytes: [0xA1, 0x01, 0x02], reason: "not text"),
        Case(label: "text that is not UTF-8", bytes: [0x62, 0xC3, 0x28], reason: "not UTF-8"),
        Case(label: "tag 1", bytes: [0xC1, 0x00], reason: "only 42"),
        Case(label: "tag 42 on text", bytes: [0xD8, 0x2A, 0x61, 0x61], reason: "not bytes"),
        Case(label: "tag 42 without the 0x00 prefix", bytes: [0xD8, 0x2A, 0x58, 0x24] + cid.bytes, reason: "0x00"),
        Case(
            label: "tag 42 with a CIDv0-like payload", bytes: [0xD8, 0x2A, 0x58, 0x23, 0x00, 0x12, 0x20] + Array(repeating: 1, count: 32),
            reason: "0x00"),
        Case(label: "a byte after the value", bytes: [0x01, 0x01], reason: "after the value"),
        Case(label: "a length past the end", bytes: [0x5A, 0xFF, 0xFF, 0xFF, 0xFF], reason: "past the end"),
        Case(label: "more items than allowed", bytes: [0x9A, 0x7F, 0xFF, 0xFF, 0xFF], reason: "more than"),
        Case(label: "nested past the depth limit", bytes: Array(repeating: 0x81, count: 100) + [0x01], reason: "deeper than"),
    ]

    @Test(arguments: refused)
    func nonCanonicalInputIsRefused(_ example: Case) {
        do {
            _ = try DAGCBOR.decode(example.bytes)
            Issue.record("\(example.label) decoded")
        } catch {
            #expect(error.reason.contains(example.reason), "\(example.label): \(error)")
        }
    }

    @Test func canonicalValuesRoundTrip() throws {
        let values: [DataValue] = [
            .null, .bool(true), .bool(false), .integer(0), .integer(23), .integer(24), .integer(255), .integer(256), .integer(65_535),
            .integer(65_536),
            .integer(Int64.max), .integer(-1), .integer(-24), .integer(-25), .integer(Int64.min), .string(""), .string("é😀"), .bytes([]),
            .bytes(Array(repeating: 7, count: 300)), .link(Self.cid), .link(CID.of([9], codec: CID.raw)), .array([]),
            .map(["": .null, "a": .integer(1), "aa": .array([.string("x")]), "b": .map([:])]),
        ]
        for value in values {
            let bytes = DAGCBOR.encode(value)
            #expect(try DAGCBOR.decode(bytes) == value, "\(value)")
            #expect(DAGCBOR.encode(try DAGCBOR.decode(bytes)) == bytes)
        }
    }

    @Test func cidsParseOnlyTheirCanonicalText() {
        let text = Self.cid.description
        #expect(text.hasPrefix("bafyrei") && CID(text) == Self.cid)
        #expect(CID(text.uppercased()) == nil, "base32 is lowercase")
        #expect(CID("z" + text.dropFirst()) == nil, "another multibase")
        #expect(CID(String(text.dropLast())) == nil, "cut short")
        #expect(CID("bafyrei") == nil)
        #expect(CID(String(repeating: "b", count: 5_000)) == nil)
    }
}
