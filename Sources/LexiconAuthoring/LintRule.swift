import Lexicon

/// A lint rule: a stable identifier (what `--disable` and machine-readable output use), its severity and what it checks.
public struct LintRule: Sendable, Hashable {
    public let id: String
    public let severity: LexiconProblem.Severity
    public let summary: String

    /// Every rule `sigil lexicon lint` applies, in the order they are documented.
    public static let all: [LintRule] = [
        LintRule(id: "lexicon-schema", severity: .error, summary: "the document does not load: the schema is invalid"),
        LintRule(id: "unresolved-ref", severity: .warning, summary: "a ref or union member names a definition no checked lexicon defines"),
        LintRule(id: "unknown-field", severity: .warning, summary: "a schema field the Lexicon spec does not define (often a typo)"),
        LintRule(id: "missing-description", severity: .warning, summary: "a primary definition (record, query, procedure, subscription) or another named definition has no description"),
        LintRule(id: "undescribed-token", severity: .warning, summary: "a token has no description, yet a token is only its meaning"),
        LintRule(id: "nsid-naming", severity: .warning, summary: "the NSID's name segment is not lowerCamelCase ASCII, or its authority is not lower case"),
        LintRule(id: "defs-with-main", severity: .warning, summary: "a *.defs lexicon has a main definition (defs documents hold shared definitions only)"),
        LintRule(id: "name-syntax", severity: .warning, summary: "a definition or property name is not lowerCamelCase ASCII letters and digits"),
        LintRule(id: "known-value-unknown-token", severity: .error, summary: "a knownValues entry names a token (nsid#name) that the loaded lexicon does not define"),
        LintRule(id: "known-value-not-token", severity: .error, summary: "a knownValues entry names a definition that is not a token"),
        LintRule(id: "known-value-local-ref", severity: .warning, summary: "a knownValues entry is a local #name; tokens are named fully qualified"),
        LintRule(id: "never-valid", severity: .error, summary: "a constraint no value can meet (a format's length outside the bounds, an array that must hold items that can never validate)"),
        LintRule(id: "nullable-and-optional", severity: .warning, summary: "a property is nullable but not required: absent and null then mean the same, pick one"),
        LintRule(id: "unlimited-string", severity: .warning, summary: "a string with no maxLength, maxGraphemes, format, enum or const"),
        LintRule(id: "unlimited-bytes", severity: .warning, summary: "bytes with no maxLength"),
        LintRule(id: "endpoint-output-undefined", severity: .warning, summary: "a query or procedure declares no output"),
        LintRule(id: "permission-set-no-title", severity: .warning, summary: "a permission set has no title to show users"),
        LintRule(id: "permission-set-resource", severity: .warning, summary: "a permission set holds a resource that sets cannot grant (ignored)"),
        LintRule(id: "permission-set-wildcard", severity: .warning, summary: "a permission set names * (ignored inside sets)"),
        LintRule(id: "permission-set-aud", severity: .warning, summary: "a permission set names a DID audience (ignored inside sets)"),
        LintRule(id: "permission-authority", severity: .warning, summary: "a permission names an NSID outside the set's namespace authority (ignored)"),
    ]

    /// The rule with this identifier.
    public static func named(_ id: String) -> LintRule? {
        all.first { $0.id == id }
    }
}
