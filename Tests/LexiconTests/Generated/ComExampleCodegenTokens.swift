// GENERATED from fixtures/codegen/lexicons/com/example/codegen/tokens.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Types of the lexicon `com.example.codegen.tokens`.
public enum ComExampleCodegenTokens {
    /// Blue.
    public static let blue = "com.example.codegen.tokens#blue"

    /// Red.
    public static let red = "com.example.codegen.tokens#red"
}
