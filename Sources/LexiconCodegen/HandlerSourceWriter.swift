import Lexicon

/// Generates typed Swift for the queries, procedures and records of a catalog.
///
/// Per lexicon document: an `enum` namespace holding `Parameters`/`Input`/`Output` structs (or record
/// struct), named object definitions, and `DeclaredError` for the lexicon's `errors`. Per NSID group
/// (the NSID without its last segment): a handler protocol with one requirement per method and a
/// `register` that wires an implementation into an ``XRPCMethodTable``.
public struct HandlerSourceWriter {
    /// The command that regenerates the committed output; named in every file's header.
    public static let regenerateCommand = "swift run sigil lexicon gen --output Sources/WispAPI/Generated"

    let catalog: LexiconCatalog

    public init(catalog: LexiconCatalog) {
        self.catalog = catalog
    }

    /// File name → Swift source, for every document in the catalog.
    public func files() -> [String: String] {
        var files: [String: String] = [:]
        var groups: [String: [(nsid: String, method: MethodSchema, isProcedure: Bool)]] = [:]
        for nsid in catalog.documents.keys.sorted() {
            let document = catalog.documents[nsid]!
            files["\(SwiftNames.typeName(nsid: nsid)).swift"] = documentSource(document)
            if let main = document.definitionIndices["main"] {
                switch catalog.definitions[main].kind {
                case .query(let method): groups[group(of: nsid), default: []].append((nsid, method, false))
                case .procedure(let method): groups[group(of: nsid), default: []].append((nsid, method, true))
                default: break
                }
            }
        }
        for (group, methods) in groups {
            files["\(SwiftNames.typeName(nsid: group))Handler.swift"] = handlerSource(group: group, methods: methods)
        }
        return files
    }

    private func group(of nsid: String) -> String {
        String(nsid.split(separator: ".").dropLast().joined(separator: "."))
    }

    private func header(_ source: String) -> String {
        """
        // GENERATED from \(source) — do not edit.
        // Regenerate with: \(Self.regenerateCommand)
        // A test fails when this file and lexicons/ disagree.

        """
    }

    // MARK: - Documents

    private func documentSource(_ document: LexiconDocument) -> String {
        let name = SwiftNames.typeName(nsid: document.id.rawValue)
        var out = header("lexicons/\(document.id.rawValue.replacingDots()).json")
        out += "import Lexicon\nimport XRPC\n\n"
        let mainDescription = document.definitionIndices["main"].flatMap { catalog.definitions[$0].description }
        out += docComment(mainDescription ?? "Types of the lexicon `\(document.id)`.", indent: "")
        var body: [String] = []
        for definitionName in document.definitionIndices.keys.sorted() {
            let definition = catalog.definitions[document.definitionIndices[definitionName]!]
            switch definition.kind {
            case .query(let method), .procedure(let method):
                body.append("    public static let nsid = \(literal(document.id.rawValue))")
                body.append(methodTypes(method, in: document))
            case .record(let record):
                body.append("    public static let nsid = \(literal(document.id.rawValue))")
                body.append(structSource("Record", record.object, description: "A `\(document.id)` record.", in: document, indent: "    ", recordType: document.id.rawValue))
            case .field(.object(let object)):
                body.append(structSource(SwiftNames.typeName(definition: definitionName), object, description: definition.description, in: document, indent: "    "))
            case .token:
                body.append(docComment(definition.description ?? "Token `\(definition.uri)`.", indent: "    ")
                            + "    public static let \(SwiftNames.identifier(definitionName)) = \(literal(definition.uri))")
            default:
                continue
            }
        }
        let conformance = document.definitionIndices["main"].map { index -> String in
            switch catalog.definitions[index].kind {
            case .query, .procedure: return ": XRPCMethod"
            default: return ""
            }
        } ?? ""
        out += "public enum \(name)\(conformance) {\n" + body.joined(separator: "\n\n") + "\n}\n"
        return out
    }

    private func methodTypes(_ method: MethodSchema, in document: LexiconDocument) -> String {
        var parts: [String] = []
        if let parameters = method.parameters, !parameters.properties.isEmpty {
            parts.append(structSource("Parameters", parameters, description: "Query parameters.", in: document, indent: "    "))
        } else {
            parts.append("    public typealias Parameters = XRPCNothing")
        }
        parts.append(bodyType("Input", method.input, in: document))
        parts.append(bodyType("Output", method.output, in: document))
        var errors = "    /// Errors this method declares; thrown by a handler they answer 400 with their name.\n"
        errors += "    public struct DeclaredError: XRPCDeclaredError, Equatable {\n"
        errors += "        public let errorName: String\n        public let errorMessage: String?\n"
        for error in method.errors {
            errors += "\n" + docComment(error.description ?? "`\(error.name)`.", indent: "        ")
            errors += "        public static func \(SwiftNames.caseName(error.name))(_ message: String? = nil) -> DeclaredError {\n"
            errors += "            DeclaredError(errorName: \(literal(error.name)), errorMessage: message)\n        }\n"
        }
        errors += "    }"
        parts.append(errors)
        return parts.joined(separator: "\n\n")
    }

    private func bodyType(_ name: String, _ body: BodySchema?, in document: LexiconDocument) -> String {
        guard let body else { return "    public typealias \(name) = XRPCNothing" }
        switch body.schema {
        case .object(let object)?:
            return structSource(name, object, description: body.description ?? "\(name) body (\(body.encoding)).", in: document, indent: "    ")
        case let schema?:
            var nested: [String] = []
            let type = swiftType(schema, property: name, in: document, nested: &nested)
            return "    public typealias \(name) = \(type)" + nested.map { "\n\n" + $0 }.joined()
        case nil:
            return "    /// \(body.encoding) body without a schema.\n    public typealias \(name) = JSONValue"
        }
    }

    // MARK: - Structs

    private func structSource(_ name: String, _ object: ObjectSchema, description: String?, in document: LexiconDocument,
                              indent: String, recordType: String? = nil) -> String {
        var nested: [String] = []
        var fields: [(name: String, type: String, optional: Bool)] = []
        for (property, schema) in object.properties {
            let type = swiftType(schema, property: property, in: document, nested: &nested, indent: indent + "    ")
            // Validation fills in defaults, so a property with one is always present.
            let optional = (!object.required.contains(property) && schema.defaultValue == nil) || object.nullable.contains(property)
            fields.append((property, type, optional))
        }
        var out = docComment(description ?? "`\(name)`.", indent: indent)
        out += "\(indent)public struct \(name): Codable, Sendable, Equatable {\n"
        if let recordType {
            out += "\(indent)    /// Always `\(recordType)`.\n\(indent)    public var type: String = \(literal(recordType))\n"
        }
        for field in fields {
            out += "\(indent)    public var \(SwiftNames.identifier(field.name)): \(field.type)\(field.optional ? "?" : "")\n"
        }
        let parameters = fields.map { "\(SwiftNames.identifier($0.name)): \($0.type)\($0.optional ? "? = nil" : "")" }
        out += "\n\(indent)    public init(\(parameters.joined(separator: ", "))) {\n"
        for field in fields {
            let id = SwiftNames.identifier(field.name)
            out += "\(indent)        self.\(id) = \(id)\n"
        }
        out += "\(indent)    }\n"
        if recordType != nil || fields.contains(where: { SwiftNames.needsCodingKey($0.name) }) {
            out += "\n\(indent)    enum CodingKeys: String, CodingKey {\n"
            if recordType != nil { out += "\(indent)        case type = \"$type\"\n" }
            for field in fields {
                let id = SwiftNames.identifier(field.name)
                out += "\(indent)        case \(id)\(id == field.name ? "" : " = \(literal(field.name))")\n"
            }
            out += "\(indent)    }\n"
        }
        for type in nested { out += "\n" + type }
        out += "\(indent)}"
        return out
    }

    /// The Swift type for a schema; inline objects become nested structs appended to `nested`.
    private func swiftType(_ schema: FieldSchema, property: String, in document: LexiconDocument,
                           nested: inout [String], indent: String = "    ") -> String {
        switch schema {
        case .string: return "String"
        case .integer: return "Int"
        case .boolean: return "Bool"
        case .array(let array):
            return "[\(swiftType(array.items, property: property, in: document, nested: &nested, indent: indent))]"
        case .object(let object):
            let name = SwiftNames.typeName(definition: property)
            nested.append(structSource(name, object, description: nil, in: document, indent: indent))
            return name
        case .ref(let reference):
            return referencedType(reference)
        case .bytes, .cidLink, .blob, .union, .unknown:
            // Kept as validated JSON; typed wrappers for these come with the methods that need them.
            return "JSONValue"
        }
    }

    private func referencedType(_ reference: DefinitionReference) -> String {
        let definition = catalog.definitions[reference.index]
        let namespace = SwiftNames.typeName(nsid: definition.nsid.rawValue)
        switch definition.kind {
        case .record: return "\(namespace).Record"
        case .field(.object): return "\(namespace).\(SwiftNames.typeName(definition: definition.name))"
        case .field(.string): return "String"
        case .field(.integer): return "Int"
        case .field(.boolean): return "Bool"
        default: return "JSONValue"
        }
    }

    // MARK: - Handler protocols

    private func handlerSource(group: String, methods: [(nsid: String, method: MethodSchema, isProcedure: Bool)]) -> String {
        let name = SwiftNames.typeName(nsid: group) + "Handler"
        let sorted = methods.sorted { $0.nsid < $1.nsid }
        var out = header("the \(group).* lexicons")
        out += "import XRPC\n\n"
        out += "/// Implements the `\(group).*` methods; one requirement per method, called only with validated input.\n"
        out += "public protocol \(name): Sendable {\n"
        for entry in sorted {
            let type = SwiftNames.typeName(nsid: entry.nsid)
            let function = SwiftNames.identifier(String(entry.nsid.split(separator: ".").last!))
            let description = catalog.definition(entry.nsid)?.description ?? "`\(entry.nsid)` (\(entry.isProcedure ? "procedure" : "query"))."
            out += docComment(description, indent: "    ")
            out += "    func \(function)(_ request: XRPCRequest<\(type)>) async throws -> \(type).Output\n"
        }
        out += "}\n\nextension XRPCMethodTable {\n"
        out += "    /// Serves every `\(group).*` method with `handler`.\n"
        out += "    public mutating func register(_ handler: some \(name), auth: XRPCAuthRequirement = .required) throws {\n"
        for entry in sorted {
            let type = SwiftNames.typeName(nsid: entry.nsid)
            let function = SwiftNames.identifier(String(entry.nsid.split(separator: ".").last!))
            out += "        try register(\(type).self, auth: auth) { try await handler.\(function)($0) }\n"
        }
        out += "    }\n}\n"
        return out
    }

    // MARK: - Text

    private func docComment(_ text: String, indent: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(indent)/// \($0)\n" }.joined()
    }

    private func literal(_ string: String) -> String {
        JSONValue.string(string).jsonString
    }
}

extension String {
    func replacingDots() -> String {
        split(separator: ".").joined(separator: "/")
    }
}
