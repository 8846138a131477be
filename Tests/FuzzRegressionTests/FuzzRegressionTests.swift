import Foundation
import SigilFuzz
import SigilTestSupport
import Testing

/// Every fuzz target over its seeds (made in code, and the fixture files `.ci/fuzz` starts from) and over the
/// inputs fuzzing once broke it with (`fixtures/fuzz/regressions/TARGET/`): the libFuzzer build is not needed
/// to keep a found crash fixed. A broken property stops the process, which fails the run.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let targets = (try? FuzzTargets.all(fixtures: Repo.path("fixtures"))) ?? []

    static func files(_ relative: String) -> [String] {
        let root = Repo.path(relative)
        let names = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
        return names.map { root + "/" + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    @Test func everyTargetLoads() {
        #expect(
            Self.targets.map(\.name) == [
                "json", "json-differential", "lexicon", "validate", "params", "scope", "jwt", "jwt-differential",
                "webhook-verify", "webhook-differential", "jetstream", "webhook-scope", "dag-cbor", "car", "mst-proof",
            ])
    }

    @Test(arguments: targets.map(\.name))
    func seedsAndRegressions(_ name: String) async throws {
        let target = try #require(Self.targets.first { $0.name == name })
        var inputs = target.seeds()
        let folders: [String] =
            switch name {
            case "json", "json-differential": ["fixtures/JSONTestSuite/test_parsing"]
            case "lexicon": ["fixtures/fuzz/lexicons", "lexicons", "fixtures/xrpc-lexicons", "fixtures/fuzz/seeds/lexicon"]
            default: []
            }
        for path in (folders + ["fixtures/fuzz/regressions/" + name]).flatMap(Self.files) {
            inputs.append(Array(FileManager.default.contents(atPath: path) ?? Data()))
        }
        #expect(!inputs.isEmpty)
        // On a thread of its own: the JWT targets block on their async verifier, which needs the pool.
        let all = inputs
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                for input in all { target.run(input) }
                done.resume()
            }.start()
        }
    }
}
