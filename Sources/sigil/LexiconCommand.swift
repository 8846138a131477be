import ArgumentParser

/// `sigil lexicon …`: check, validate against and bundle lexicon schemas.
struct LexiconCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "Check lexicon schemas and validate data against them.",
        subcommands: [
            LexiconCheck.self, LexiconValidate.self, LexiconLint.self, LexiconBreaking.self, LexiconTest.self, LexiconScope.self, LexiconGen.self,
            LexiconBundle.self,
        ]
    )
}
