import Foundation
import Lexicon
import SigilFuzz

// Two builds of one source. `.ci/fuzz` builds it with `-sanitize=fuzzer,address -D SIGIL_LIBFUZZER`: libFuzzer
// supplies `main` and calls the entry points below, the target named by SIGIL_FUZZ_TARGET. The ordinary
// build has a `main` that replays files (a corpus, a crash) through a target, without libFuzzer.

/// The targets, built from `fixtures/` (SIGIL_FUZZ_FIXTURES, default `./fixtures`).
func loadTargets() -> [FuzzTarget] {
    let fixtures = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FIXTURES"] ?? "fixtures"
    do {
        return try FuzzTargets.all(fixtures: fixtures)
    } catch {
        FileHandle.standardError.write(Data("sigil-fuzz: cannot load the fixtures in \(fixtures): \(error)\n".utf8))
        exit(2)
    }
}

#if SIGIL_LIBFUZZER
    nonisolated(unsafe) var selected: FuzzTarget?

    /// libFuzzer's driver (SwiftPM names the executable's entry point itself, so `main` is ours and hands over).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        selected!.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    @main
    enum FuzzMain {
        static func main() {
            let name = ProcessInfo.processInfo.environment["SIGIL_FUZZ_TARGET"] ?? ""
            let targets = loadTargets()
            guard let target = targets.first(where: { $0.name == name }) else {
                FileHandle.standardError.write(
                    Data("sigil-fuzz: set SIGIL_FUZZ_TARGET to one of: \(targets.map(\.name).joined(separator: ", "))\n".utf8))
                exit(2)
            }
            selected = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) })
        }
    }
#else
    /// `sigil-fuzz --list`, or `sigil-fuzz TARGET PATH…`: runs every file (folders: every file in them) once.
    @main
    enum FuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            let targets = loadTargets()
            if arguments.first == "--list" {
                for target in targets { print("\(target.name)\t\(target.summary)") }
                return
            }
            if arguments.first == "--json-outcomes", arguments.count == 2 {
                // `accept NAME` / `refuse NAME — reason` for every file: the parser's choices, for fixtures/JSONTestSuite.
                for file in files(at: arguments[1]) {
                    let bytes = Array(FileManager.default.contents(atPath: file) ?? Data())
                    let name = (file as NSString).lastPathComponent
                    do {
                        _ = try JSONValue(parsing: bytes)
                        print("accept \(name)")
                    } catch {
                        print("refuse \(name) — \(error.reason)")
                    }
                }
                return
            }
            if arguments.first == "--seeds", arguments.count == 3, let target = targets.first(where: { $0.name == arguments[1] }) {
                // Writes the target's code-made seeds into a corpus folder (named by index: stable across runs).
                for (index, seed) in target.seeds().enumerated() {
                    FileManager.default.createFile(atPath: arguments[2] + "/seed-\(index)", contents: Data(seed))
                }
                return
            }
            guard let name = arguments.first, let target = targets.first(where: { $0.name == name }) else {
                FileHandle.standardError.write(Data("usage: sigil-fuzz --list | sigil-fuzz --seeds TARGET DIR | sigil-fuzz TARGET PATH…\n".utf8))
                exit(2)
            }
            var count = 0
            for path in arguments.dropFirst() {
                for file in files(at: path) {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    target.run(Array(data))
                    count += 1
                }
            }
            print("\(name): \(count) inputs, no failure")
        }

        static func files(at path: String) -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            guard isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.sorted().map { path + "/" + $0 }.filter { !$0.hasSuffix("/") }
        }
    }
#endif
