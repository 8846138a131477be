import Lexicon

/// `sigil lexicon lint`: style and correctness rules beyond what makes a document loadable, each with a
/// stable rule id (``LexiconRule``). The loader's own warnings are findings too, under their rule ids.
public struct Linter: Sendable {
    /// Rule ids to skip.
    public var disabled: Set<String>

    public init(disabled: Set<String> = []) {
        self.disabled = disabled
    }

    /// Lints documents loaded together; a load failure yields its errors as `lexicon-schema` findings (and nothing else).
    public func lint(sources: [LexiconSource]) -> [LexiconProblem] {
        do {
            return lint(try LexiconCatalog(sources: sources))
        } catch {
            let findings = error.problems.map {
                LexiconProblem(file: $0.file, path: $0.path, message: $0.message, severity: .error, rule: "lexicon-schema")
            }
            return keep(findings + error.warnings)
        }
    }

    /// Lints a loaded catalog, document by document (in NSID order).
    public func lint(_ catalog: LexiconCatalog) -> [LexiconProblem] {
        var findings = catalog.warnings
        for nsid in catalog.documents.keys.sorted() {
            var document = DocumentLint(catalog: catalog, document: catalog.documents[nsid]!)
            document.run()
            findings += document.findings
        }
        return keep(findings)
    }

    private func keep(_ findings: [LexiconProblem]) -> [LexiconProblem] {
        findings.filter { !disabled.contains($0.rule ?? "") }
            .sorted { ($0.file, $0.path, $0.rule ?? "") < ($1.file, $1.path, $1.rule ?? "") }
    }
}

/// The rules for one document.
private struct DocumentLint {
    let catalog: LexiconCatalog
    let document: LexiconDocument
    var findings: [LexiconProblem] = []

    init(catalog: LexiconCatalog, document: LexiconDocument) {
        self.catalog = catalog
        self.document = document
    }

    mutating func report(_ rule: String, _ path: String, _ message: String) {
        let severity = LexiconRule.lintRule(named: rule)?.severity ?? .warning
        findings.append(LexiconProblem(file: document.source, path: path, message: message, severity: severity, rule: rule))
    }

    mutating func run() {
        let id = document.id.rawValue
        checkNSID(id)
        let defs = document.json["defs"]?.objectValue ?? [:]
        if id.hasSuffix(".defs"), defs["main"] != nil {
            report("defs-with-main", "/defs/main", "\(id) is a defs lexicon but has a main definition")
        }
        for name in defs.keys.sorted() {
            let path = JSONPointer.appending("/defs", name)
            let definition = defs[name]!
            let type = definition["type"]?.stringValue ?? ""
            let described = !(definition["description"]?.stringValue ?? "").isEmpty
            if type == "token" {
                if !described { report("undescribed-token", path, "token \(name) has no description") }
            } else if !described {
                report("missing-description", path, "\(type) definition \(name) has no description")
            }
            if !Self.isCamelCase(name) { report("name-syntax", path, "definition name \"\(name)\" is not lowerCamelCase letters and digits") }
            switch type {
            case "query", "procedure":
                if definition["output"] == nil { report("endpoint-output-undefined", path, "\(type) \(id) declares no output") }
            case "permission-set":
                if (definition["title"]?.stringValue ?? "").isEmpty { report("permission-set-no-title", path, "permission set \(id) has no title") }
            default:
                break
            }
            for node in SchemaNode.all(in: definition, at: path) { checkNode(node) }
        }
    }

    private mutating func checkNSID(_ id: String) {
        let segments = id.split(separator: ".")
        let name = segments.last.map(String.init) ?? ""
        if !Self.isCamelCase(name) {
            report("nsid-naming", "/id", "the name segment \"\(name)\" of \(id) should be lowerCamelCase ASCII letters and digits")
        }
        if segments.dropLast().contains(where: { $0.contains(where: \.isUppercase) }) {
            report("nsid-naming", "/id", "the authority of \(id) should be lower case (it is a reversed domain name)")
        }
    }

    private mutating func checkNode(_ node: SchemaNode) {
        switch node.type {
        case "object", "params":
            let properties = node.object["properties"]?.objectValue ?? [:]
            let required = Set(node.object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            for name in properties.keys.sorted() where !Self.isCamelCase(name) {
                report(
                    "name-syntax", JSONPointer.appending(JSONPointer.appending(node.path, "properties"), name),
                    "property name \"\(name)\" is not lowerCamelCase letters and digits")
            }
            for name in node.object["nullable"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !required.contains(name) {
                report(
                    "nullable-and-optional", JSONPointer.appending(JSONPointer.appending(node.path, "properties"), name),
                    "\"\(name)\" is nullable but optional: absent and null then mean the same")
            }
        case "string":
            checkString(node)
        case "bytes":
            if node.object["maxLength"] == nil { report("unlimited-bytes", node.path, "bytes without maxLength") }
        default:
            break
        }
    }

    private mutating func checkString(_ node: SchemaNode) {
        let object = node.object
        let format = object["format"]?.stringValue
        let maxLength = object["maxLength"]?.integerValue
        let minLength = object["minLength"]?.integerValue
        let maxGraphemes = object["maxGraphemes"]?.integerValue
        if format == nil, maxLength == nil, maxGraphemes == nil, object["enum"] == nil, object["const"] == nil {
            report("unlimited-string", node.path, "string without maxLength, maxGraphemes, format, enum or const")
        }
        // Format strings are ASCII, so graphemes and bytes agree for them.
        if let format, let bounds = Self.formatLengths[format] {
            let ceiling = [maxLength, maxGraphemes].compactMap { $0 }.min()
            if let ceiling, ceiling < bounds.min {
                report("never-valid", node.path, "no \(format) is as short as \(ceiling) bytes (the shortest is \(bounds.min))")
            }
            if let minLength, minLength > bounds.max {
                report("never-valid", node.path, "no \(format) is as long as \(minLength) bytes (the longest is \(bounds.max))")
            }
        }
        guard let known = object["knownValues"]?.arrayValue?.compactMap(\.stringValue) else { return }
        let knownPath = JSONPointer.appending(node.path, "knownValues")
        let schema = StringSchema(
            format: format.flatMap(StringFormat.init(rawValue:)), minLength: minLength.map(Int.init), maxLength: maxLength.map(Int.init),
            minGraphemes: object["minGraphemes"]?.integerValue.map(Int.init), maxGraphemes: maxGraphemes.map(Int.init))
        for (i, value) in known.enumerated() {
            let path = JSONPointer.appending(knownPath, String(i))
            if let reason = schema.violation(of: value) {
                report("never-valid", path, "known value \(JSONValue.string(value).jsonString) \(reason), so it can never be sent")
            }
            checkKnownValue(value, at: path)
        }
    }

    private mutating func checkKnownValue(_ value: String, at path: String) {
        guard let hash = value.firstIndex(of: "#") else {
            // A bare NSID names a main token only when that lexicon is loaded and its main is a token.
            if NSID.isValid(value), let document = catalog.documents[value], let main = document.definitionIndices["main"],
                case let kind = catalog.definitions[main].kind, !Self.isToken(kind)
            {
                report("known-value-not-token", path, "known value \(value) names a \(catalog.definitions[main].typeName), not a token")
            }
            return
        }
        let base = value[..<hash]
        let name = String(value[value.index(after: hash)...])
        if base.isEmpty { report("known-value-local-ref", path, "known value \(value) should name its token fully: \(document.id)\(value)") }
        let nsid = base.isEmpty ? document.id.rawValue : String(base)
        guard NSID.isValid(nsid), let target = catalog.documents[nsid] else { return }
        guard let index = target.definitionIndices[name] else {
            report("known-value-unknown-token", path, "known value \(value) names no definition: \(nsid) has no \"\(name)\"")
            return
        }
        if !Self.isToken(catalog.definitions[index].kind) {
            report("known-value-not-token", path, "known value \(value) names a \(catalog.definitions[index].typeName), not a token")
        }
    }

    static func isToken(_ kind: LexiconDefinition.Kind) -> Bool {
        if case .token = kind { return true }
        return false
    }

    /// `lowerCamelCase`: an ASCII lower-case letter, then ASCII letters and digits.
    static func isCamelCase(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= 0x61, first <= 0x7A else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) }
    }

    /// The shortest and longest string each format accepts, in bytes.
    static let formatLengths: [String: (min: Int, max: Int)] = [
        "tid": (13, 13), "datetime": (20, 64), "record-key": (1, 512), "did": (7, 2048), "nsid": (5, 317),
        "handle": (3, 253), "at-identifier": (3, 2048), "at-uri": (8, 8192), "uri": (3, 8192), "language": (2, 128),
    ]
}
