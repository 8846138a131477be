/// Turns one lexicon document's JSON into schema values, collecting every problem instead of stopping at the first.
///
/// References are resolved against `index`, the URIs of every definition being loaded together;
/// what a reference points *at* is checked afterwards by the catalog (`pendingReferences`).
/// A reference to a definition that is not loaded is a warning, not an error: it gets a placeholder
/// index (from `unresolved`, numbered from `firstUnresolvedIndex`) and fails only when validation reaches it.
struct SchemaReader {
    let file: String
    let nsid: NSID
    let index: [String: Int]
    var problems: [LexiconProblem] = []
    var pendingReferences: [PendingReference] = []
    /// Placeholder indices of references to definitions not loaded, shared across the documents of one load.
    var unresolved: [String: Int]
    let firstUnresolvedIndex: Int

    /// A reference whose target's type must be checked once every definition is read.
    struct PendingReference {
        let reference: DefinitionReference
        let file: String
        let path: String
        let role: Role
        enum Role { case ref, unionMember }
    }

    /// Where a field schema appears; each place allows a different set of types.
    enum Place: Equatable {
        case definition, property, arrayItem, body, message
        case paramsProperty, paramsArrayItem
    }

    init(file: String, nsid: NSID, index: [String: Int], unresolved: [String: Int] = [:], firstUnresolvedIndex: Int? = nil) {
        self.file = file
        self.nsid = nsid
        self.index = index
        self.unresolved = unresolved
        self.firstUnresolvedIndex = firstUnresolvedIndex ?? index.count
    }

    mutating func problem(_ path: String, _ message: String) {
        problems.append(LexiconProblem(file: file, path: path, message: message))
    }

    /// Something a lexicon author should look at that does not stop the document from loading.
    mutating func warn(_ path: String, _ message: String, rule: String) {
        problems.append(LexiconProblem(file: file, path: path, message: message, severity: .warning, rule: rule))
    }

    // MARK: - Definitions

    /// Reads the definition `name` of this document.
    mutating func definition(name: String, _ value: JSONValue, at path: String) -> LexiconDefinition.Kind? {
        guard let object = value.objectValue else {
            problem(path, "a definition must be an object, not \(value.typeName)")
            return nil
        }
        guard let type = object["type"]?.stringValue else {
            problem(path, object["type"] == nil ? "a definition needs a \"type\"" : "\"type\" must be a string")
            return nil
        }
        let primary: Set<String> = ["record", "query", "procedure", "subscription", "permission-set"]
        if primary.contains(type) && name != "main" {
            problem(JSONPointer.appending(path, "type"), "a \(type) must be the \"main\" definition, not \"\(name)\"")
            return nil
        }
        switch type {
        case "record": return record(object, at: path).map { .record($0) }
        case "query": return method(object, at: path, isProcedure: false).map { .query($0) }
        case "procedure": return method(object, at: path, isProcedure: true).map { .procedure($0) }
        case "subscription": return subscription(object, at: path).map { .subscription($0) }
        case "permission-set": return permissionSet(object, at: path).map { .permissionSet($0) }
        case "token":
            checkKeys(object, allowed: [], at: path, type: "token")
            return .token
        default:
            return field(value, at: path, place: .definition).map { .field($0) }
        }
    }

    private mutating func record(_ object: [String: JSONValue], at path: String) -> RecordSchema? {
        checkKeys(object, allowed: ["key", "record"], at: path, type: "record")
        var key: RecordKeyType?
        switch object["key"] {
        case nil: problem(path, "a record needs a \"key\" (tid, nsid, any or literal:<key>)")
        case .string(let raw)?:
            key = RecordKeyType(raw)
            if key == nil { problem(JSONPointer.appending(path, "key"), "record key type \"\(raw)\" is not tid, nsid, any or literal:<record-key>") }
        case let other?: problem(JSONPointer.appending(path, "key"), "\"key\" must be a string, not \(other.typeName)")
        }
        let recordPath = JSONPointer.appending(path, "record")
        guard let recordValue = object["record"] else {
            problem(path, "a record needs a \"record\" object schema")
            return nil
        }
        guard recordValue["type"]?.stringValue == "object" else {
            problem(recordPath, "a record's \"record\" must be a schema of type object")
            return nil
        }
        guard case .object(let schema)? = field(recordValue, at: recordPath, place: .body), let key else { return nil }
        return RecordSchema(key: key, object: schema)
    }

    private mutating func method(_ object: [String: JSONValue], at path: String, isProcedure: Bool) -> MethodSchema? {
        let type = isProcedure ? "procedure" : "query"
        checkKeys(
            object, allowed: isProcedure ? ["parameters", "input", "output", "errors"] : ["parameters", "output", "errors"],
            at: path, type: type)
        let parameters = object["parameters"].flatMap { params($0, at: JSONPointer.appending(path, "parameters")) }
        let input = object["input"].flatMap { body($0, at: JSONPointer.appending(path, "input")) }
        let output = object["output"].flatMap { body($0, at: JSONPointer.appending(path, "output")) }
        let errors = object["errors"].map { errorList($0, at: JSONPointer.appending(path, "errors")) } ?? []
        return MethodSchema(parameters: parameters, input: input, output: output, errors: errors)
    }

    private mutating func subscription(_ object: [String: JSONValue], at path: String) -> SubscriptionSchema? {
        checkKeys(object, allowed: ["parameters", "message", "errors", "subprotocol"], at: path, type: "subscription")
        let parameters = object["parameters"].flatMap { params($0, at: JSONPointer.appending(path, "parameters")) }
        let subprotocol = subprotocolName(object, at: path)
        var message: FieldSchema?
        if object["message"] == nil {
            problem(path, "a subscription needs a \"message\" ({\"schema\": a union of refs})")
        }
        if let value = object["message"] {
            let messagePath = JSONPointer.appending(path, "message")
            if let messageObject = value.objectValue {
                checkKeys(messageObject, allowed: ["schema"], at: messagePath, type: "message")
                if let schema = messageObject["schema"] {
                    message = field(schema, at: JSONPointer.appending(messagePath, "schema"), place: .message)
                } else {
                    problem(messagePath, "a subscription message needs a \"schema\" (a union of refs)")
                }
            } else {
                problem(messagePath, "\"message\" must be an object")
            }
        }
        let errors = object["errors"].map { errorList($0, at: JSONPointer.appending(path, "errors")) } ?? []
        return SubscriptionSchema(parameters: parameters, message: message, errors: errors, subprotocol: subprotocol)
    }

    /// `subprotocol`: one WebSocket subprotocol token (RFC 6455), e.g. `xrpc.v1.json`; absent means the default.
    private mutating func subprotocolName(_ object: [String: JSONValue], at path: String) -> String? {
        guard let value = object["subprotocol"] else { return nil }
        let fieldPath = JSONPointer.appending(path, "subprotocol")
        guard case .string(let name) = value else {
            problem(fieldPath, "\"subprotocol\" must be a string, not \(value.typeName)")
            return nil
        }
        // An HTTP token: visible ASCII except separators.
        let separators = Set("()<>@,;:\\\"/[]?={} ".utf8)
        guard !name.isEmpty, name.utf8.count <= 256,
            name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !separators.contains($0) })
        else {
            problem(fieldPath, "\"subprotocol\" must be one WebSocket subprotocol token such as xrpc.v1.json")
            return nil
        }
        return name
    }

    private mutating func errorList(_ value: JSONValue, at path: String) -> [ErrorDeclaration] {
        guard let items = value.arrayValue else {
            problem(path, "\"errors\" must be an array of {name, description?}")
            return []
        }
        var result: [ErrorDeclaration] = []
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let itemPath = JSONPointer.appending(path, i)
            guard let object = item.objectValue else {
                problem(itemPath, "an error must be an object")
                continue
            }
            checkKeys(object, allowed: ["name"], at: itemPath, type: "error")
            guard let name = object["name"]?.stringValue else {
                problem(itemPath, "an error needs a string \"name\"")
                continue
            }
            if name.isEmpty || name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
                problem(JSONPointer.appending(itemPath, "name"), "error name \"\(name)\" must be non-empty with no whitespace")
                continue
            }
            if !seen.insert(name).inserted { problem(JSONPointer.appending(itemPath, "name"), "error \"\(name)\" is declared twice") }
            result.append(ErrorDeclaration(name: name, description: string(object, "description", at: itemPath)))
        }
        return result
    }

    private mutating func body(_ value: JSONValue, at path: String) -> BodySchema? {
        guard let object = value.objectValue else {
            problem(path, "must be an object with \"encoding\"")
            return nil
        }
        checkKeys(object, allowed: ["encoding", "schema"], at: path, type: "body")
        let encoding = string(object, "encoding", at: path)
        if encoding == nil && object["encoding"] == nil { problem(path, "a body needs an \"encoding\" (a MIME type such as application/json)") }
        if let encoding, MIMEPattern(encoding) == nil, !encoding.contains(",") {
            problem(JSONPointer.appending(path, "encoding"), "\"\(encoding)\" is not a MIME type")
        }
        var schema: FieldSchema?
        if let schemaValue = object["schema"] {
            let schemaPath = JSONPointer.appending(path, "schema")
            if let encoding, encoding != "application/json" {
                problem(schemaPath, "a schema describes JSON bodies only, but the encoding is \(encoding)")
            }
            schema = field(schemaValue, at: schemaPath, place: .body)
        }
        guard let encoding else { return nil }
        return BodySchema(encoding: encoding, schema: schema, description: string(object, "description", at: path))
    }

    private mutating func params(_ value: JSONValue, at path: String) -> ObjectSchema? {
        guard let object = value.objectValue, object["type"]?.stringValue == "params" else {
            problem(path, "\"parameters\" must be a schema of type params")
            return nil
        }
        return objectSchema(object, at: path, type: "params", propertyPlace: .paramsProperty)
    }
}
