import ArgumentParser
import Foundation

/// `sigil`: an atproto XRPC service driven by Lexicon schemas.
@main
struct Sigil: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "An atproto XRPC service driven by Lexicon schemas.",
        version: version,
        subcommands: [
            ServeCommand.self, LexiconCommand.self, SecretsCommand.self, WebhookCommand.self, AccountCommand.self, OwnerSecretCommand.self,
            DevCommand.self, BenchCommand.self, ObserveCommand.self,
        ]
    )

    /// How a crash of `sigil serve` is reported unless the operator set `SWIFT_BACKTRACE` themselves: a
    /// backtrace of the crashed thread with no register contents (they can hold token or key bytes), no
    /// image list, file paths redacted, and never an interactive debugger prompt.
    static let productionBacktrace = "enable=yes,interactive=no,sanitize=yes,registers=none,images=none,threads=crashed,color=no"

    /// The Swift runtime reads `SWIFT_BACKTRACE` once, at start: `serve` re-executes itself (same pid, same
    /// arguments and descriptors) with the production setting when none is set.
    static func ensureProductionBacktraces() {
        let arguments = CommandLine.arguments
        guard arguments.dropFirst().first == "serve", ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil else { return }
        setenv("SWIFT_BACKTRACE", productionBacktrace, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returned, so it failed: run on; a crash then reports with the runtime's defaults.
    }

    /// `SIGIL_EXIT_WITH_PARENT=PID`: exit once the process PID is no longer the parent (it died, and this process
    /// was adopted), checked every second. Test harnesses set it so that no child outlives a crashed or killed
    /// test run. (`prctl(PR_SET_PDEATHSIG)` would be the kernel's way, but Swift cannot call variadic C.)
    static func exitWithParentIfAsked() {
        guard let text = ProcessInfo.processInfo.environment["SIGIL_EXIT_WITH_PARENT"], let parent = Int32(text) else { return }
        // Not for this process's own children (`sigil bench` starts `sigil serve`): their parent is this one.
        unsetenv("SIGIL_EXIT_WITH_PARENT")
        let watcher = Thread {
            while getppid() == parent { sleep(1) }
            FileHandle.standardError.write(Data("sigil: parent process \(parent) ended (SIGIL_EXIT_WITH_PARENT); exiting\n".utf8))
            _exit(70)
        }
        watcher.stackSize = 64 << 10
        watcher.start()
    }

    /// Runs the command line. Usage errors exit 2; commands exit with the code they choose.
    static func main() async {
        // Backtraces first: `serve` re-executes itself, and the watcher must start in the process that stays.
        ensureProductionBacktraces()
        exitWithParentIfAsked()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            // Parse and usage errors (ArgumentParser's 64) are 2 here, like most Unix tools.
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
