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
        subcommands: [ServeCommand.self, LexiconCommand.self, SecretsCommand.self, WebhookCommand.self, DevCommand.self, BenchCommand.self]
    )

    /// Runs the command line. Usage errors exit 2; commands exit with the code they choose.
    static func main() async {
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
