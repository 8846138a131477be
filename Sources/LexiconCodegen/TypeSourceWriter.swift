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
    /// NSID → the Swift namespace enum of its document (distinct even where two NSIDs spell alike).
    let namespaces: [String: String]

    init(catalog: LexiconCatalog) {
        self.catalog = catalog
        var byName: [String: [String]] = [:]
        for nsid in catalog.documents.keys { byName[SwiftNames.typeName(nsid: nsid), default: []].append(nsid) }
        var namespaces: [String: String] = [:]
        for (name, nsids) in byName {
            for nsid in nsids { namespaces[nsid] = nsids.count == 1 ? name : SwiftNames.distinctTypeName(nsid: nsid) }
        }
        self.namespaces = namespaces
    }

    func namespace(_ nsid: String) -> String {
        namespaces[nsid] ?? SwiftNames.typeName(nsid: nsid)
    }

    /// The Swift name of a named definition's type inside its document's namespace.
    func definitionTypeName(_ name: String) -> String {
        let type = SwiftNames.typeName(definition: name)
        return SwiftNames.reservedTypeNames.contains(type) ? type + "Def" : type
    }

    func documentSource(_ document: LexiconDocument) -> String {
        let name = namespace(document.id.rawValue)
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
                body.append(
                    "    public static let nsid = \(SwiftText.literal(document.id.rawValue))\n    public static let kind = XRPCMethodKind.\(kind!)")
                body.append(methodTypes(method, in: document))
            case .record(let record):
                body.append("    public static let nsid = \(SwiftText.literal(document.id.rawValue))")
                body.append(
                    structSource(
                        "Record", record.object, description: "A `\(document.id)` record.", indent: "    ",
                        lexiconType: document.id.rawValue, isRecord: true, owner: document.definitionIndices[definitionName]))
            case .field(.object(let object)):
                body.append(
                    structSource(
                        definitionTypeName(definitionName), object, description: definition.description, indent: "    ",
                        lexiconType: definition.uri, owner: document.definitionIndices[definitionName]))
            case .field(.string(let string)) where string.knownValues != nil:
                body.append(
                    knownValuesSource(
                        definitionTypeName(definitionName) + "KnownValues", string.knownValues!,
                        description: definition.description ?? "Suggested values of `\(definition.uri)`.", indent: "    "))
            case .token:
                var identifier = SwiftNames.identifier(definitionName)
                if ["nsid", "kind"].contains(identifier) { identifier += "Token" }
                body.append(
                    SwiftText.docComment(definition.description ?? "Token `\(definition.uri)`.", indent: "    ")
                        + "    public static let \(identifier) = \(SwiftText.literal(definition.uri))")
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
            parts.append(structSource("Parameters", parameters, description: "Query parameters.", indent: "    ", owner: nil))
        } else {
            parts.append("    public typealias Parameters = XRPCNothing")
        }
        parts.append(bodyType("Input", method.input))
        parts.append(bodyType("Output", method.output))
        var errors = "    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.\n"
        errors += "    public struct DeclaredError: XRPCMethodError {\n"
        errors += "        public let errorName: String\n        public let errorMessage: String?\n\n"
        errors +=
            "        public static let declaredNames: [String] = [\(method.errors.map { SwiftText.literal($0.name) }.joined(separator: ", "))]\n\n"
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
            return structSource(name, object, description: body.description ?? "\(name) body (\(body.encoding)).", indent: "    ", owner: nil)
        case .union(let union)?:
            return UnionSourceWriter(types: self).source(name, union, indent: "    ")
        case let schema?:
            var nested: [String] = []
            var taken: Set<String> = [name]
            let type = swiftType(schema, property: name, nested: &nested, taken: &taken, indent: "    ", owner: nil)
            return "    public typealias \(name) = \(type)" + nested.map { "\n\n" + $0 }.joined()
        case nil where body.encoding == "application/json":
            return "    /// JSON body without a schema.\n    public typealias \(name) = JSONValue"
        case nil:
            return "    /// \(body.encoding) body, passed through as bytes.\n    public typealias \(name) = XRPCRawBody"
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
        /// Stored out of line (`@Indirect`): the property's type can contain the struct that holds it.
        let boxed: Bool

        /// The Swift type of the stored property.
        var storedType: String {
            let base = nullable ? "Nullable<\(type)>" : type
            return required || defaultLiteral != nil ? base : base + "?"
        }
    }

    /// - Parameter owner: the named definition this struct is (or is nested in), for finding reference cycles.
    func structSource(
        _ name: String, _ object: ObjectSchema, description: String?, indent: String,
        lexiconType: String? = nil, isRecord: Bool = false, owner: Int?
    ) -> String {
        var nested: [String] = []
        var fields: [Field] = []
        var identifiers: Set<String> = ["lexiconType"]
        var nestedNames: Set<String> = [name]
        for (property, schema) in object.properties {
            let type = swiftType(schema, property: property, nested: &nested, taken: &nestedNames, indent: indent + "    ", owner: owner)
            var boxed = false
            if case .ref(let reference) = schema, let owner, isStruct(reference.index) {
                boxed = reference.index == owner || reaches(reference.index, owner)
            }
            fields.append(
                Field(
                    name: property, identifier: SwiftNames.identifier(property, taken: &identifiers), type: type,
                    required: object.required.contains(property), nullable: object.nullable.contains(property),
                    defaultLiteral: schema.defaultValue.map(Self.swiftLiteral), boxed: boxed))
        }
        let inner = indent + "    "
        var out = SwiftText.docComment(description ?? "`\(name)`.", indent: indent)
        out += "\(indent)public struct \(name): Codable, Sendable, Hashable {\n"
        if let lexiconType {
            out += "\(inner)/// The `$type` that names this shape in unions\(isRecord ? " and records" : "").\n"
            out += "\(inner)public static let lexiconType = \(SwiftText.literal(lexiconType))\n\n"
        }
        for field in fields {
            out += "\(inner)\(field.boxed ? "@Indirect " : "")public var \(field.identifier): \(field.storedType)\n"
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
        // An object with no properties gets keys without a raw type (an empty enum cannot declare one).
        var out = "\n\(indent)enum CodingKeys: \(fields.isEmpty && recordType == nil ? "" : "String, ")CodingKey {\n"
        if recordType != nil { out += "\(indent)    case lexiconType = \"$type\"\n" }
        for field in fields {
            let key = SwiftNames.codingKey(field.identifier)
            out += "\(indent)    case \(key)\(key == field.name ? "" : " = \(SwiftText.literal(field.name))")\n"
        }
        out += "\(indent)}\n\n"
        out += "\(indent)public init(from decoder: any Decoder) throws {\n"
        out += "\(indent)    let container = try decoder.container(keyedBy: CodingKeys.self)\n"
        for field in fields {
            let key = SwiftNames.codingKey(field.identifier)
            let base = field.nullable ? "Nullable<\(field.type)>" : field.type
            let value: String
            if field.required {
                value = "try container.decode(\(base).self, forKey: .\(key))"
            } else if let defaultLiteral = field.defaultLiteral {
                value =
                    "try container.decodeIfPresent(\(base).self, forKey: .\(key)) ?? \(field.nullable ? ".value(\(defaultLiteral))" : defaultLiteral)"
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
            let key = SwiftNames.codingKey(field.identifier)
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

    /// The Swift type for a schema; inline objects, unions and known values become nested declarations in
    /// `nested`, named distinctly within `taken`.
    func swiftType(
        _ schema: FieldSchema, property: String, nested: inout [String], taken: inout Set<String>,
        indent: String, owner: Int?
    ) -> String {
        switch schema {
        case .string(let string):
            if let known = string.knownValues {
                let name = SwiftNames.nestedTypeName(property, suffix: "KnownValues", taken: &taken)
                nested.append(knownValuesSource(name, known, description: "Suggested values of `\(property)` (others are allowed).", indent: indent))
            }
            return "String"
        case .integer: return "Int"
        case .boolean: return "Bool"
        case .bytes: return "Bytes"
        case .cidLink: return "CIDLink"
        case .blob: return "BlobRef"
        case .unknown: return "JSONValue"
        case .array(let array):
            return "[\(swiftType(array.items, property: property, nested: &nested, taken: &taken, indent: indent, owner: owner))]"
        case .object(let object):
            let name = SwiftNames.nestedTypeName(property, taken: &taken)
            nested.append(structSource(name, object, description: nil, indent: indent, owner: owner))
            return name
        case .ref(let reference):
            return referencedType(reference)
        case .union(let union):
            let name = SwiftNames.nestedTypeName(property, taken: &taken)
            nested.append(UnionSourceWriter(types: self).source(name, union, indent: indent))
            return name
        }
    }

    // MARK: - Reference cycles

    /// Whether a definition is generated as a struct (a record or an object).
    func isStruct(_ index: Int) -> Bool {
        switch catalog.definitions[index].kind {
        case .record, .field(.object): true
        default: false
        }
    }

    /// The struct definitions a definition holds by value: through refs, and inline objects' refs. Arrays and
    /// unions (indirect enums) hold theirs out of line already.
    func heldByValue(_ index: Int) -> [Int] {
        func walk(_ schema: FieldSchema) -> [Int] {
            switch schema {
            case .ref(let reference): isStruct(reference.index) ? [reference.index] : []
            case .object(let object): object.properties.flatMap { walk($0.schema) }
            default: []
            }
        }
        switch catalog.definitions[index].kind {
        case .record(let record): return record.object.properties.flatMap { walk($0.schema) }
        case .field(.object(let object)): return object.properties.flatMap { walk($0.schema) }
        default: return []
        }
    }

    /// Whether `start` holds `target` by value, directly or through others.
    func reaches(_ start: Int, _ target: Int) -> Bool {
        var seen: Set<Int> = [start]
        var frontier = [start]
        while let next = frontier.popLast() {
            for held in heldByValue(next) {
                if held == target { return true }
                if seen.insert(held).inserted { frontier.append(held) }
            }
        }
        return false
    }

    func referencedType(_ reference: DefinitionReference) -> String {
        let definition = catalog.definitions[reference.index]
        let namespace = namespace(definition.nsid.rawValue)
        switch definition.kind {
        case .record: return "\(namespace).Record"
        case .field(.object): return "\(namespace).\(definitionTypeName(definition.name))"
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
            var identifier = base.isEmpty ? "empty" : SwiftNames.caseName(SwiftNames.typeName(definition: base))
            while !used.insert(identifier).inserted { identifier += "_" }
            out += "\(indent)    public static let \(identifier) = \(SwiftText.literal(value))\n"
        }
        return out + "\(indent)}"
    }
}
