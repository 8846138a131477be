import Foundation

/// One fuzz target: a function from arbitrary bytes to nothing, which must neither crash nor break a
/// property it checks. A broken property stops the process with ``FuzzFailure`` (libFuzzer records a crash).
public struct FuzzTarget: Sendable {
    /// The name `.ci/fuzz` and `sigil-fuzz` select it by (also its corpus folder under `fixtures/fuzz/corpus/`).
    public let name: String
    /// What it checks, for `sigil-fuzz --list`.
    public let summary: String
    /// Runs one input.
    public let run: @Sendable (UnsafeRawBufferPointer) -> Void
    /// Inputs made in code that start the corpus (signed tokens, signed deliveries), besides the files
    /// `.ci/fuzz` copies from `fixtures/`.
    public let seeds: @Sendable () -> [[UInt8]]

    public init(
        name: String, summary: String, seeds: @escaping @Sendable () -> [[UInt8]] = { [] },
        run: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.seeds = seeds
        self.run = run
    }

    /// Runs one input given as bytes.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// Every fuzz target, built once from the repository's `fixtures/` (the lexicons the validator targets use).
public enum FuzzTargets {
    /// All targets, in the order `.ci/fuzz` runs them.
    public static func all(fixtures: String) throws -> [FuzzTarget] {
        let lexicons = try FuzzLexicons(fixtures: fixtures)
        let auth = AuthFixture()
        return [
            JSONTargets.parser, JSONTargets.differential,
            LexiconTargets.loader, LexiconTargets.validator(lexicons), LexiconTargets.params(lexicons), PermissionTargets.scope(lexicons),
            AuthTargets.verifier(auth), AuthTargets.signerDifferential(auth),
            WebhookTargets.verifier, WebhookTargets.signerDifferential, WebhookTargets.jetstream, WebhookScopeTargets.scope,
            ATDataTargets.dagCBOR, ATDataTargets.car, ATDataTargets.proof,
        ]
    }
}

/// Stops the process: the input broke a property (not merely was refused).
func fuzzFailure(_ target: String, _ message: String, input: UnsafeRawBufferPointer) -> Never {
    let shown = input.prefix(256).map { String(format: "%02x", $0) }.joined()
    fatalError("fuzz target \(target): \(message) (input \(input.count) bytes, hex prefix \(shown))")
}

/// Splits an input into a selector byte and the rest (targets that pick among several schemas or modes).
func split(_ input: UnsafeRawBufferPointer) -> (selector: UInt8, rest: UnsafeRawBufferPointer) {
    guard let first = input.first else { return (0, input) }
    return (first, UnsafeRawBufferPointer(rebasing: input.dropFirst()))
}
