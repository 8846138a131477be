/// Every loaded lexicon, keyed by NSID, with references resolved; immutable and safe to share.
public struct LexiconCatalog: Sendable {
    /// Documents by NSID.
    public let documents: [String: LexiconDocument]
    /// Every definition of every document, then one ``LexiconDefinition/Kind/unresolved`` placeholder per
    /// reference to a definition no loaded document has; ``DefinitionReference/index`` points in here.
    public let definitions: [LexiconDefinition]
    /// What loading noticed but did not refuse: references to definitions not loaded, unknown schema fields.
    public let warnings: [LexiconProblem]
    private let indexByURI: [String: Int]

    /// The definitions that documents refer to but no loaded document defines, by normalized URI.
    public var unresolvedReferences: [String] {
        definitions.lazy.filter { if case .unresolved = $0.kind { true } else { false } }.map(\.uri)
    }

    /// Loads documents together (so they may refer to each other); throws every error found.
    ///
    /// Warnings (see ``warnings``) never make loading fail: a catalog may be partial, and a field this
    /// engine does not know is ignored. Callers that want them to (`sigil lexicon check --strict`) decide so.
    public init(sources: [LexiconSource]) throws(LexiconLoadError) {
        var problems: [LexiconProblem] = []
        var headers: [(source: LexiconSource, id: NSID, json: JSONValue, defs: [String: JSONValue])] = []
        var seen: [String: String] = [:]
        for source in sources {
            guard let header = Self.readHeader(source, problems: &problems) else { continue }
            if let first = seen[header.id.rawValue] {
                problems.append(LexiconProblem(file: source.name, path: "/id", message: "\(header.id) is already defined in \(first)"))
                continue
            }
            seen[header.id.rawValue] = source.name
            headers.append((source, header.id, header.json, header.defs))
        }

        // Every definition gets its index before any is read, so references can resolve in one pass.
        var indexByURI: [String: Int] = [:]
        var slots: [(id: NSID, name: String)] = []
        for header in headers {
            for name in header.defs.keys.sorted() {
                indexByURI[name == "main" ? header.id.rawValue : "\(header.id)#\(name)"] = slots.count
                slots.append((header.id, name))
            }
        }

        var kinds = [LexiconDefinition.Kind?](repeating: nil, count: slots.count)
        var pending: [SchemaReader.PendingReference] = []
        var documents: [String: LexiconDocument] = [:]
        var unresolved: [String: Int] = [:]
        for header in headers {
            var reader = SchemaReader(
                file: header.source.name, nsid: header.id, index: indexByURI,
                unresolved: unresolved, firstUnresolvedIndex: slots.count)
            var indices: [String: Int] = [:]
            for name in header.defs.keys.sorted() {
                let uri = name == "main" ? header.id.rawValue : "\(header.id)#\(name)"
                let index = indexByURI[uri]!
                indices[name] = index
                kinds[index] = reader.definition(name: name, header.defs[name]!, at: JSONPointer.appending("/defs", name))
            }
            problems += reader.problems
            pending += reader.pendingReferences
            unresolved = reader.unresolved
            documents[header.id.rawValue] = LexiconDocument(
                id: header.id, description: header.json["description"]?.stringValue,
                revision: header.json["revision"]?.integerValue.map(Int.init),
                definitionIndices: indices, source: header.source.name, json: header.json)
        }

        for reference in pending {
            guard let kind = kinds[reference.reference.index] else { continue }
            if let reason = Self.referenceRejects(kind, role: reference.role, uri: reference.reference.uri) {
                problems.append(LexiconProblem(file: reference.file, path: reference.path, message: reason))
            }
        }
        guard !problems.contains(where: { $0.severity == .error }) else {
            throw LexiconLoadError(problems: problems.filter { $0.severity == .error }, warnings: problems.filter { $0.severity == .warning })
        }

        self.documents = documents
        self.indexByURI = indexByURI
        self.warnings = problems
        let loaded = slots.enumerated().map { index, slot in
            let uri = slot.name == "main" ? slot.id.rawValue : "\(slot.id)#\(slot.name)"
            let json = documents[slot.id.rawValue]!.json["defs"]?[slot.name]
            return LexiconDefinition(
                uri: uri, nsid: slot.id, name: slot.name,
                description: json?["description"]?.stringValue, kind: kinds[index]!)
        }
        let placeholders = unresolved.sorted { $0.value < $1.value }.map { uri, _ in
            let parts = uri.split(separator: "#", maxSplits: 1)
            return LexiconDefinition(
                uri: uri, nsid: NSID(String(parts[0]))!, name: parts.count == 2 ? String(parts[1]) : "main",
                description: nil, kind: .unresolved)
        }
        self.definitions = loaded + placeholders
    }

    /// The definition a reference names: `nsid`, `nsid#main` or `nsid#name`.
    public func definition(_ reference: String) -> LexiconDefinition? {
        let uri = reference.hasSuffix("#main") ? String(reference.dropLast(5)) : reference
        return indexByURI[uri].map { definitions[$0] }
    }

    /// Index of a definition, for callers that validate the same definition many times.
    public func index(of reference: String) -> Int? {
        let uri = reference.hasSuffix("#main") ? String(reference.dropLast(5)) : reference
        return indexByURI[uri]
    }

    // MARK: - Loading steps

    private static func readHeader(_ source: LexiconSource, problems: inout [LexiconProblem])
        -> (id: NSID, json: JSONValue, defs: [String: JSONValue])?
    {
        func fail(_ path: String, _ message: String) -> (id: NSID, json: JSONValue, defs: [String: JSONValue])? {
            problems.append(LexiconProblem(file: source.name, path: path, message: message))
            return nil
        }
        guard source.bytes.count <= LexiconSource.maxDocumentBytes else {
            return fail("", "document is \(source.bytes.count) bytes, over the limit of \(LexiconSource.maxDocumentBytes)")
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: source.bytes)
        } catch {
            return fail("", error.description)
        }
        guard case .object(let top) = json else { return fail("", "a lexicon document must be a JSON object, not \(json.typeName)") }
        var ok = true
        let fields: Set<String> = ["lexicon", "id", "revision", "description", "defs", "$type"]
        for key in top.keys.sorted() where !fields.contains(key) {
            let suggestion = FieldNameSuggestion.closest(to: key, among: fields).map { " (did you mean \"\($0)\"?)" } ?? ""
            problems.append(
                LexiconProblem(
                    file: source.name, path: JSONPointer.appending("", key),
                    message: "unknown top-level field \"\(key)\", ignored\(suggestion)", severity: .warning, rule: "unknown-field"))
        }
        switch top["lexicon"] {
        case .integer(1)?: break
        case nil:
            problems.append(LexiconProblem(file: source.name, path: "", message: "missing \"lexicon\" (must be 1)"))
            ok = false
        case let other?:
            problems.append(
                LexiconProblem(file: source.name, path: "/lexicon", message: "\"lexicon\" must be the integer 1, not \(other.jsonString)"))
            ok = false
        }
        if let type = top["$type"], type != .string("com.atproto.lexicon.schema") {
            problems.append(
                LexiconProblem(file: source.name, path: "/$type", message: "\"$type\" must be \"com.atproto.lexicon.schema\" when present"))
            ok = false
        }
        if let revision = top["revision"], revision.integerValue == nil {
            problems.append(LexiconProblem(file: source.name, path: "/revision", message: "\"revision\" must be an integer"))
            ok = false
        }
        if let description = top["description"], description.stringValue == nil {
            problems.append(LexiconProblem(file: source.name, path: "/description", message: "\"description\" must be a string"))
            ok = false
        }
        guard let idValue = top["id"] else { return fail("", "missing \"id\" (the document's NSID)") }
        guard case .string(let rawID) = idValue else { return fail("/id", "\"id\" must be a string, not \(idValue.typeName)") }
        guard let id = NSID(rawID) else { return fail("/id", "\"\(rawID)\" is not a valid NSID") }
        if let expected = source.expectedID, expected != rawID {
            return fail("/id", "id \"\(rawID)\" does not match the file's location, which implies \"\(expected)\"")
        }
        guard let defsValue = top["defs"] else { return fail("", "missing \"defs\"") }
        guard case .object(let defs) = defsValue else { return fail("/defs", "\"defs\" must be an object of name → definition") }
        guard !defs.isEmpty else { return fail("/defs", "a lexicon needs at least one definition") }
        for name in defs.keys.sorted() where !SchemaReader.isDefinitionName(name) {
            problems.append(
                LexiconProblem(
                    file: source.name, path: JSONPointer.appending("/defs", name),
                    message: "definition name \"\(name)\" must start with a letter and hold only letters, digits, _ and -"))
            ok = false
        }
        return ok ? (id, json, defs) : nil
    }

    /// Why a reference may not point at `kind`, or `nil` if it may.
    private static func referenceRejects(_ kind: LexiconDefinition.Kind, role: SchemaReader.PendingReference.Role, uri: String) -> String? {
        switch (role, kind) {
        case (.unionMember, .record), (.unionMember, .field(.object)): return nil
        case (.unionMember, _): return "union member \(uri) must be an object or a record"
        case (.ref, .record), (.ref, .field): return nil
        case (.ref, .token): return "ref \(uri) points at a token, which has no data representation"
        case (.ref, _): return "ref \(uri) points at a definition that describes no value"
        }
    }
}
