import Foundation
@_exported import SigilTestSupport

@testable import Lexicon

extension Repo {
    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue(parsing: [UInt8](FileManager.default.contents(atPath: path(relative))!))
    }
}

/// Builds a catalog from inline lexicon documents.
func makeCatalog(_ documents: String...) throws -> LexiconCatalog {
    try LexiconCatalog(
        sources: documents.enumerated().map { i, text in
            LexiconSource(name: "doc\(i).json", bytes: Array(text.utf8))
        })
}

/// The problems loading these documents reports (empty when they load).
func problems(_ documents: String...) -> [LexiconProblem] {
    do {
        _ = try LexiconCatalog(
            sources: documents.enumerated().map { i, text in
                LexiconSource(name: "doc\(i).json", bytes: Array(text.utf8))
            })
        return []
    } catch {
        return error.problems
    }
}

/// The warnings a successful load of these documents reports (`nil` when loading fails).
func warnings(_ documents: String...) -> [LexiconProblem]? {
    try? LexiconCatalog(
        sources: documents.enumerated().map { i, text in
            LexiconSource(name: "doc\(i).json", bytes: Array(text.utf8))
        }
    ).warnings
}

/// A one-definition document `com.example.test` whose `main` is the given JSON.
func document(main: String, extra: String = "") -> String {
    """
    {"lexicon": 1, "id": "com.example.test", "defs": {"main": \(main)\(extra.isEmpty ? "" : ", " + extra)}}
    """
}

extension ValidationResult {
    var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    var error: ValidationError? {
        if case .invalid(let error) = self { return error }
        return nil
    }

    var value: JSONValue? {
        if case .valid(let value) = self { return value }
        return nil
    }
}

/// A small deterministic generator (SplitMix64), so fuzz-style loops are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
