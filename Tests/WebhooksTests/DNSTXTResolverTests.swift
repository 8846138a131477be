import Foundation
import Testing

@testable import NetworkPolicy

/// The TXT client's parser on what a hostile or broken DNS server may send: an error, never a crash or a loop.
@Suite("DNS TXT answers")
struct DNSTXTResolverTests {
    static let id: UInt16 = 0x1234
    static let query = DNSTXTResolver.query(name: "_atproto.alice.test", id: id)!

    /// A well-formed answer to `_atproto.alice.test` with `records`.
    static func answer(_ records: [[UInt8]], rcode: UInt8 = 0) -> [UInt8] {
        var bytes: [UInt8] = [0x12, 0x34, 0x81, 0x80 | rcode, 0, 1, 0, UInt8(records.count), 0, 0, 0, 0]
        bytes += DNSTXTResolver.query(name: "_atproto.alice.test", id: id)!.dropFirst(12)
        for record in records {
            bytes += [0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 60, UInt8(record.count >> 8), UInt8(record.count & 0xFF)] + record
        }
        return bytes
    }

    @Test func wellFormedAnswers() throws {
        #expect(try DNSTXTResolver.parseTXT(Self.answer([[4] + Array("did=".utf8)]), query: Self.query) == ["did="])
        // Several character-strings in one record are one value; two records are two.
        let split: [UInt8] = [3] + Array("did".utf8) + [9] + Array("=did:plc:".utf8)
        #expect(try DNSTXTResolver.parseTXT(Self.answer([split, [1, 0x41]]), query: Self.query) == ["did=did:plc:", "A"])
        #expect(try DNSTXTResolver.parseTXT(Self.answer([], rcode: 3), query: Self.query) == [], "NXDOMAIN: no records")
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        let label: String
        let bytes: [UInt8]
        var testDescription: String { label }
    }

    static let broken: [Broken] = {
        let good = answer([[4] + Array("did=".utf8)])
        var otherID = good
        otherID[0] = 0x99
        var notAnAnswer = good
        notAnAnswer[2] = 0x01
        var serverFailure = good
        serverFailure[3] = 0x82
        var lyingLength = good
        lyingLength[lyingLength.count - 6] = 0xFF  // the record's length says more than the packet holds
        var lyingString = good
        lyingString[lyingString.count - 5] = 0x7F  // a character-string longer than its record
        var endlessName = Array(good.prefix(12)) + [0xC0, 0x0C]  // a question whose name points at itself
        endlessName[5] = 1
        var otherQuestion = good
        otherQuestion[14] = UInt8(ascii: "X")  // an answer about another name
        var noQuestion = good
        noQuestion[5] = 0  // no question echoed: the echoed one would be read as an answer
        var manyLabels = Array(good.prefix(12))
        manyLabels[5] = 1
        manyLabels += Array(repeating: [UInt8]([1, 0x61]), count: 200).flatMap { $0 } + [0]
        return [
            Broken(label: "empty", bytes: []), Broken(label: "header only, cut", bytes: Array(good.prefix(7))),
            Broken(label: "another query's id", bytes: otherID), Broken(label: "a query, not an answer", bytes: notAnAnswer),
            Broken(label: "SERVFAIL", bytes: serverFailure), Broken(label: "record length past the end", bytes: lyingLength),
            Broken(label: "string length past its record", bytes: lyingString), Broken(label: "cut in the middle", bytes: Array(good.dropLast(3))),
            Broken(label: "a question cut to a self-pointing name", bytes: endlessName), Broken(label: "a name of 200 labels", bytes: manyLabels),
            Broken(label: "an answer to another question", bytes: otherQuestion),
            Broken(label: "an answer that echoes no question", bytes: noQuestion),
        ]
    }()

    /// Only class IN counts: a CH-class TXT record in an answer is skipped, not believed.
    @Test func recordsOfAnotherClassAreSkipped() throws {
        var answer = Self.answer([[4] + Array("did=".utf8)])
        answer[answer.count - 12] = 3  // the record's class (its low byte): CH
        #expect(try DNSTXTResolver.parseTXT(answer, query: Self.query) == [])
    }

    @Test(arguments: broken)
    func brokenAnswersAreRefused(_ example: Broken) {
        #expect(throws: DNSTXTResolver.Failure.self) { try DNSTXTResolver.parseTXT(example.bytes, query: Self.query) }
    }

    @Test func badNamesAndServersAreRefused() {
        #expect(DNSTXTResolver.query(name: "a..b", id: 1) == nil)
        #expect(DNSTXTResolver.query(name: String(repeating: "a", count: 64) + ".test", id: 1) == nil)
        #expect(throws: DNSTXTResolver.Failure.self) { try DNSTXTResolver(server: "resolver.example:53") }
        #expect(throws: DNSTXTResolver.Failure.self) { try DNSTXTResolver(server: "127.0.0.1:0") }
        #expect(throws: DNSTXTResolver.Failure.self) { try DNSTXTResolver(server: "127.0.0.1:99999") }
        #expect(throws: DNSTXTResolver.Failure.self) { try DNSTXTResolver(server: "127.0.0.1", timeout: .zero) }
    }

    /// A server that accepts the connection and never answers: the lookup ends at its deadline, not the socket's.
    @Test func aSilentServerIsGivenUpOnAtTheDeadline() throws {
        let silent = try SilentHost(address: "127.0.0.1")
        let started = ContinuousClock.now
        let query = try #require(DNSTXTResolver.query(name: "_atproto.alice.test", id: 7))
        #expect(throws: DNSTXTResolver.Failure.self) {
            try DNSTXTResolver.exchange(query, host: "127.0.0.1", port: UInt16(silent.port), tcp: true, deadline: started + .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
