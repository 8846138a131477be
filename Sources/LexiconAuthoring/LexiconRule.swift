import Lexicon

/// A rule of `lint` or `breaking`: a stable identifier (what `--disable` and machine-readable output use),
/// its severity and what it detects.
public struct LexiconRule: Sendable, Hashable {
    public let id: String
    public let severity: LexiconProblem.Severity
    public let summary: String

    /// Every rule `sigil lexicon lint` applies, in the order they are documented.
    public static let lint: [LexiconRule] = [
        LexiconRule(id: "lexicon-schema", severity: .error, summary: "the document does not load: the schema is invalid"),
        LexiconRule(id: "unresolved-ref", severity: .warning, summary: "a ref or union member names a definition no checked lexicon defines"),
        LexiconRule(id: "unknown-field", severity: .warning, summary: "a schema field the Lexicon spec does not define (often a typo)"),
        LexiconRule(
            id: "missing-description", severity: .warning,
            summary: "a primary definition (record, query, procedure, subscription) or another named definition has no description"),
        LexiconRule(id: "undescribed-token", severity: .warning, summary: "a token has no description, yet a token is only its meaning"),
        LexiconRule(
            id: "nsid-naming", severity: .warning, summary: "the NSID's name segment is not lowerCamelCase ASCII, or its authority is not lower case"),
        LexiconRule(
            id: "defs-with-main", severity: .warning, summary: "a *.defs lexicon has a main definition (defs documents hold shared definitions only)"),
        LexiconRule(id: "name-syntax", severity: .warning, summary: "a definition or property name is not lowerCamelCase ASCII letters and digits"),
        LexiconRule(
            id: "known-value-unknown-token", severity: .error,
            summary: "a knownValues entry names a token (nsid#name) that the loaded lexicon does not define"),
        LexiconRule(id: "known-value-not-token", severity: .error, summary: "a knownValues entry names a definition that is not a token"),
        LexiconRule(
            id: "known-value-local-ref", severity: .warning, summary: "a knownValues entry is a local #name; tokens are named fully qualified"),
        LexiconRule(
            id: "never-valid", severity: .error,
            summary: "a constraint no value can meet (a format's length outside the bounds, an array that must hold items that can never validate)"),
        LexiconRule(
            id: "nullable-and-optional", severity: .warning,
            summary: "a property is nullable but not required: absent and null then mean the same, pick one"),
        LexiconRule(id: "unlimited-string", severity: .warning, summary: "a string with no maxLength, maxGraphemes, format, enum or const"),
        LexiconRule(id: "unlimited-bytes", severity: .warning, summary: "bytes with no maxLength"),
        LexiconRule(id: "endpoint-output-undefined", severity: .warning, summary: "a query or procedure declares no output"),
        LexiconRule(id: "permission-set-no-title", severity: .warning, summary: "a permission set has no title to show users"),
        LexiconRule(id: "permission-set-resource", severity: .warning, summary: "a permission set holds a resource that sets cannot grant (ignored)"),
        LexiconRule(id: "permission-set-wildcard", severity: .warning, summary: "a permission set names * (ignored inside sets)"),
        LexiconRule(id: "permission-set-aud", severity: .warning, summary: "a permission set names a DID audience (ignored inside sets)"),
        LexiconRule(
            id: "permission-authority", severity: .warning, summary: "a permission names an NSID outside the set's namespace authority (ignored)"),
    ]

    /// The lint rule with this identifier.
    public static func lintRule(named id: String) -> LexiconRule? {
        lint.first { $0.id == id }
    }
}
