import Lexicon

/// Writes, per NSID group, the handler protocol a server implements (one requirement per method) and the
/// `register` that wires an implementation into an `XRPCMethodTable`.
struct HandlerSourceWriter {
    /// The document type names come from here, so clients and handlers name what the type writer wrote.
    let types: TypeSourceWriter
    var catalog: LexiconCatalog { types.catalog }

    func source(group: String, name: String, methods: [SwiftSourceWriter.GroupMethod]) -> String {
        var out = "import XRPC\n\n"
        out += "/// Implements the `\(group).*` methods; one requirement per method, called only with validated input.\n"
        out += "public protocol \(name): Sendable {\n"
        for entry in methods {
            let description = catalog.definition(entry.nsid)?.description ?? "`\(entry.nsid)` (\(entry.isProcedure ? "procedure" : "query"))."
            out += SwiftText.docComment(description, indent: "    ")
            let type = types.namespace(entry.nsid)
            out += "    func \(entry.functionName)(_ request: XRPCRequest<\(type)>) async throws -> \(type).Output\n"
        }
        out += "}\n\nextension XRPCMethodTable {\n"
        out += "    /// Serves every `\(group).*` method with `handler`.\n"
        out += "    public mutating func register(_ handler: some \(name), auth: XRPCAuthRequirement = .required) throws {\n"
        for entry in methods {
            out += "        try register(\(types.namespace(entry.nsid)).self, auth: auth) { try await handler.\(entry.functionName)($0) }\n"
        }
        out += "    }\n}\n"
        return out
    }
}
