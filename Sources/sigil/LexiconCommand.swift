import ArgumentParser

/// `sigil lexicon …`: check, validate against and bundle lexicon schemas.
struct LexiconCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "Check lexicon schemas, validate data against them, and resolve, pull and publish them on the network.",
        subcommands: [
            LexiconCheck.self, LexiconValidate.self, LexiconLint.self, LexiconBreaking.self, LexiconTest.self, LexiconScope.self, LexiconGen.self,
            LexiconBundle.self, LexiconResolve.self, LexiconPull.self, LexiconPublish.self, LexiconCheckDNS.self,
        ]
    )
}
