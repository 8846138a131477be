import Lexicon

/// Writes one lexicon document's Swift types: an `enum` namespace holding `Parameters`/`Input`/`Output` (or the
/// `Record`), named object definitions, tokens and `knownValues` as static constants, unions as enums, and
/// `DeclaredError` for the lexicon's `errors`.
///
/// Every struct has explicit `Codable`: defaults fill in absent properties when decoding (so data from elsewhere
/// decodes even when not validated here), `nullable` properties are ``Nullable`` so `null` survives a round trip,
/// and records carry their `$type`. Properties the schema does not declare are not kept.
struct TypeSourceWriter {
    let catalog: LexiconCatalog

    func documentSource(_ document: LexiconDocument) -> String {
        let name = SwiftNames.typeName(nsid: document.id.rawValue)
        var kind: String?
        if let main = document.definitionIndices["main"] {
            switch catalog.definitions[main].kind {
            case .query: kind = "query"
            case .procedure: kind = "procedure"
            default: break
            }
        }
        var out = "import Lexicon\n" + (kind != nil ? "import XRPCMethods\n" : "") + "\n"
        let mainDescription = document.definitionIndices["main"].flatMap { catalog.definitions[$0].description }
        out += SwiftText.docComment(mainDescription ?? "Types of the lexicon `\(document.id)`.", indent: "")
        var body: [String] = []
        for definitionName in document.definitionIndices.keys.sorted() {
            let definition = catalog.definitions[document.definitionIndices[definitionName]!]
            switch definition.kind {
            case .query(let method), .procedure(let method):
                body.append("    public static let nsid = \(SwiftText.literal(document.id.rawValue))\n    public static let kind = XRPCMethodKind.\(kind!)")
                body.append(methodTypes(method, in: document))
            case .record(let record):
                body.append("    public static let nsid = \(SwiftText.literal(document.id.rawValue))")
                body.append(structSource("Record", record.object, description: "A `\(document.id)` record.", indent: "    ", lexiconType: document.id.rawValue, isRecord: true))
            case .field(.object(let object)):
                body.append(structSource(SwiftNames.typeName(definition: definitionName), object, description: definition.description, indent: "    ", lexiconType: definition.uri))
            case .field(.string(let string)) where string.knownValues != nil:
                body.append(knownValuesSource(SwiftNames.typeName(definition: definitionName) + "KnownValues", string.knownValues!,
                                              description: definition.description ?? "Suggested values of `\(definition.uri)`.", indent: "    "))
            case .token:
                body.append(SwiftText.docComment(definition.description ?? "Token `\(definition.uri)`.", indent: "    ")
                            + "    public static let \(SwiftNames.identifier(definitionName)) = \(SwiftText.literal(definition.uri))")
            default:
                continue
            }
        }
        let conformance = kind != nil ? ": XRPCMethod" : ""
        out += "public enum \(name)\(conformance) {\n" + body.joined(separator: "\n\n") + "\n}\n"
        return out
    }

    // MARK: - Methods

    private func methodTypes(_ method: MethodSchema, in document: LexiconDocument) -> String {
        var parts: [String] = []
        if let parameters = method.parameters, !parameters.properties.isEmpty {
            parts.append(structSource("Parameters", parameters, description: "Query parameters.", indent: "    "))
        } else {
            parts.append("    public typealias Parameters = XRPCNothing")
        }
        parts.append(bodyType("Input", method.input))
        parts.append(bodyType("Output", method.output))
        var errors = "    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.\n"
        errors += "    public struct DeclaredError: XRPCMethodError {\n"
        errors += "        public let errorName: String\n        public let errorMessage: String?\n\n"
        errors += "        public static let declaredNames: [String] = [\(method.errors.map { SwiftText.literal($0.name) }.joined(separator: ", "))]\n\n"
        errors += "        public init(errorName: String, errorMessage: String?) {\n"
        errors += "            self.errorName = errorName\n            self.errorMessage = errorMessage\n        }\n"
        for error in method.errors {
            errors += "\n" + SwiftText.docComment(error.description ?? "`\(error.name)`.", indent: "        ")
            errors += "        public static func \(SwiftNames.caseName(error.name))(_ message: String? = nil) -> DeclaredError {\n"
            errors += "            DeclaredError(errorName: \(SwiftText.literal(error.name)), errorMessage: message)\n        }\n"
        }
        errors += "    }"
        parts.append(errors)
        return parts.joined(separator: "\n\n")
    }

    private func bodyType(_ name: String, _ body: BodySchema?) -> String {
        guard let body else { return "    public typealias \(name) = XRPCNothing" }
        switch body.schema {
        case .object(let object)?:
            return structSource(name, object, description: body.description ?? "\(name) body (\(body.encoding)).", indent: "    ")
        case let schema?:
            var nested: [String] = []
            let type = swiftType(schema, property: name, nested: &nested, indent: "    ")
            return "    public typealias \(name) = \(type)" + nested.map { "\n\n" + $0 }.joined()
        case nil:
            return "    /// \(body.encoding) body without a schema.\n    public typealias \(name) = JSONValue"
        }
    }

    // MARK: - Structs

    private struct Field {
        let name: String
        let identifier: String
        let type: String
        let required: Bool
        let nullable: Bool
        let defaultLiteral: String?

        /// The Swift type of the stored property.
        var storedType: String {
            let base = nullable ? "Nullable<\(type)>" : type
            return required || defaultLiteral != nil ? base : base + "?"
        }
    }

    func structSource(_ name: String, _ object: ObjectSchema, description: String?, indent: String,
                      lexiconType: String? = nil, isRecord: Bool = false) -> String {
        var nested: [String] = []
        var fields: [Field] = []
        for (property, schema) in object.properties {
            let type = swiftType(schema, property: property, nested: &nested, indent: indent + "    ")
            fields.append(Field(name: property, identifier: SwiftNames.identifier(property), type: type,
                                required: object.required.contains(property), nullable: object.nullable.contains(property),
                                defaultLiteral: schema.defaultValue.map(Self.swiftLiteral)))
        }
        let inner = indent + "    "
        var out = SwiftText.docComment(description ?? "`\(name)`.", indent: indent)
        out += "\(indent)public struct \(name): Codable, Sendable, Hashable {\n"
        if let lexiconType {
            out += "\(inner)/// The `$type` that names this shape in unions\(isRecord ? " and records" : "").\n"
            out += "\(inner)public static let lexiconType = \(SwiftText.literal(lexiconType))\n\n"
        }
        for field in fields {
            out += "\(inner)public var \(field.identifier): \(field.storedType)\n"
        }
        let parameters = fields.map { field -> String in
            let defaultValue = field.storedType.hasSuffix("?") ? " = nil" : field.defaultLiteral.map { " = \($0)" } ?? ""
            return "\(field.identifier): \(field.storedType)\(defaultValue)"
        }
        out += "\n\(inner)public init(\(parameters.joined(separator: ", "))) {\n"
        for field in fields { out += "\(inner)    self.\(field.identifier) = \(field.identifier)\n" }
        out += "\(inner)}\n"
        out += codingSource(fields, indent: inner, recordType: isRecord ? lexiconType : nil)
        for type in nested { out += "\n" + type }
        out += "\(indent)}"
        return out
    }

    /// `CodingKeys`, `init(from:)` and `encode(to:)` for a struct's fields.
    private func codingSource(_ fields: [Field], indent: String, recordType: String?) -> String {
        var out = "\n\(indent)enum CodingKeys: String, CodingKey {\n"
        if recordType != nil { out += "\(indent)    case lexiconType = \"$type\"\n" }
        for field in fields {
            let key = SwiftNames.codingKey(field.name)
            out += "\(indent)    case \(key)\(key == field.name ? "" : " = \(SwiftText.literal(field.name))")\n"
        }
        out += "\(indent)}\n\n"
        out += "\(indent)public init(from decoder: any Decoder) throws {\n"
        out += "\(indent)    let container = try decoder.container(keyedBy: CodingKeys.self)\n"
        for field in fields {
            let key = SwiftNames.codingKey(field.name)
            let base = field.nullable ? "Nullable<\(field.type)>" : field.type
            let value: String
            if field.required {
                value = "try container.decode(\(base).self, forKey: .\(key))"
            } else if let defaultLiteral = field.defaultLiteral {
                value = "try container.decodeIfPresent(\(base).self, forKey: .\(key)) ?? \(field.nullable ? ".value(\(defaultLiteral))" : defaultLiteral)"
            } else if field.nullable {
                // decodeIfPresent reads null as absent; a present null must stay .null.
                value = "container.contains(.\(key)) ? try container.decode(\(base).self, forKey: .\(key)) : nil"
            } else {
                value = "try container.decodeIfPresent(\(base).self, forKey: .\(key))"
            }
            out += "\(indent)    self.\(field.identifier) = \(value)\n"
        }
        out += "\(indent)}\n\n"
        out += "\(indent)public func encode(to encoder: any Encoder) throws {\n"
        out += "\(indent)    var container = encoder.container(keyedBy: CodingKeys.self)\n"
        if let recordType { out += "\(indent)    try container.encode(\(SwiftText.literal(recordType)), forKey: .lexiconType)\n" }
        for field in fields {
            let key = SwiftNames.codingKey(field.name)
            let optional = field.storedType.hasSuffix("?")
            out += "\(indent)    try container.\(optional ? "encodeIfPresent" : "encode")(\(field.identifier), forKey: .\(key))\n"
        }
        out += "\(indent)}\n"
        return out
    }

    static func swiftLiteral(_ value: JSONValue) -> String {
        switch value {
        case .bool(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .string(let s): SwiftText.literal(s)
        default: "nil"
        }
    }

    // MARK: - Types

    /// The Swift type for a schema; inline objects, unions and known values become nested declarations in `nested`.
    func swiftType(_ schema: FieldSchema, property: String, nested: inout [String], indent: String) -> String {
        switch schema {
        case .string(let string):
            if let known = string.knownValues {
                let name = SwiftNames.typeName(definition: property) + "KnownValues"
                if !nested.contains(where: { $0.contains("public enum \(name) ") }) {
                    nested.append(knownValuesSource(name, known, description: "Suggested values of `\(property)` (others are allowed).", indent: indent))
                }
            }
            return "String"
        case .integer: return "Int"
        case .boolean: return "Bool"
        case .bytes: return "Bytes"
        case .cidLink: return "CIDLink"
        case .blob: return "BlobRef"
        case .unknown: return "JSONValue"
        case .array(let array):
            return "[\(swiftType(array.items, property: property, nested: &nested, indent: indent))]"
        case .object(let object):
            let name = SwiftNames.typeName(definition: property)
            nested.append(structSource(name, object, description: nil, indent: indent))
            return name
        case .ref(let reference):
            return referencedType(reference)
        case .union(let union):
            let name = SwiftNames.typeName(definition: property)
            nested.append(UnionSourceWriter(types: self).source(name, union, indent: indent))
            return name
        }
    }

    func referencedType(_ reference: DefinitionReference) -> String {
        let definition = catalog.definitions[reference.index]
        let namespace = SwiftNames.typeName(nsid: definition.nsid.rawValue)
        switch definition.kind {
        case .record: return "\(namespace).Record"
        case .field(.object): return "\(namespace).\(SwiftNames.typeName(definition: definition.name))"
        case .field(.string): return "String"
        case .field(.integer): return "Int"
        case .field(.boolean): return "Bool"
        case .field(.bytes): return "Bytes"
        case .field(.cidLink): return "CIDLink"
        case .field(.blob): return "BlobRef"
        default: return "JSONValue"
        }
    }

    /// `enum Name { static let red = "…" }` for `knownValues`; a token reference is named by its definition.
    func knownValuesSource(_ name: String, _ values: [String], description: String, indent: String) -> String {
        var out = SwiftText.docComment(description, indent: indent)
        out += "\(indent)public enum \(name) {\n"
        var used: Set<String> = []
        for value in values {
            let base = value.split(separator: "#").last.map(String.init) ?? value
            var identifier = SwiftNames.caseName(SwiftNames.typeName(definition: base))
            while !used.insert(identifier).inserted { identifier += "_" }
            out += "\(indent)    public static let \(identifier) = \(SwiftText.literal(value))\n"
        }
        return out + "\(indent)}"
    }
}
