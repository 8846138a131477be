import Lexicon

/// Writes, per NSID group, a typed client: one async method per query and procedure of the group, over `XRPCClient`.
struct ClientSourceWriter {
    /// The document type names come from here, so clients and handlers name what the type writer wrote.
    let types: TypeSourceWriter
    var catalog: LexiconCatalog { types.catalog }

    func source(group: String, name: String, methods: [SwiftSourceWriter.GroupMethod]) -> String {
        let property = SwiftNames.caseName(SwiftNames.typeName(nsid: group))
        var out = "import XRPCClient\nimport XRPCMethods\n\n"
        out += "/// Calls the `\(group).*` methods of a service; declared errors are thrown as each method's `DeclaredError`.\n"
        out += "public struct \(name): Sendable {\n"
        out += "    public let client: XRPCClient\n\n"
        out += "    public init(_ client: XRPCClient) {\n        self.client = client\n    }\n"
        for entry in methods {
            let type = types.namespace(entry.nsid)
            let description = catalog.definition(entry.nsid)?.description ?? "`\(entry.nsid)`."
            let hasParameters = !(entry.method.parameters?.properties.isEmpty ?? true)
            let hasInput = entry.isProcedure && entry.method.input != nil
            out += "\n" + SwiftText.docComment(description, indent: "    ")
            var arguments: [String] = []
            if hasParameters { arguments.append("_ parameters: \(type).Parameters") }
            if hasInput { arguments.append("\(hasParameters ? "input" : "_ input"): \(type).Input") }
            // `client` is the stored property's name.
            let function = entry.functionName == "client" ? "client_" : entry.functionName
            out += "    public func \(function)(\(arguments.joined(separator: ", "))) async throws -> \(type).Output {\n"
            out +=
                "        try await client.call(\(type).self, parameters: \(hasParameters ? "parameters" : "XRPCNothing()"), input: \(hasInput ? "input" : "XRPCNothing()"))\n"
            out += "    }\n"
        }
        out += "}\n\nextension XRPCClient {\n"
        out += "    /// The `\(group).*` methods.\n"
        out += "    public var \(property): \(name) { \(name)(self) }\n}\n"
        return out
    }
}
