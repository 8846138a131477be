/// One lexicon file: an NSID and its named definitions.
public struct LexiconDocument: Sendable {
    /// The document's NSID (`id`).
    public let id: NSID
    public let description: String?
    /// Optional `revision` counter.
    public let revision: Int?
    /// Definition names mapped to their index in the owning ``LexiconCatalog/definitions``.
    public let definitionIndices: [String: Int]
    /// Where the document was loaded from.
    public let source: String
    /// The document's JSON as loaded, for tools (code generation, bundling).
    public let json: JSONValue
}
