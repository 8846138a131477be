/// Reading value schemas (`string`, `object`, `ref`, …) and their constraints.
extension SchemaReader {
    /// Reads a value schema appearing at `place`; reports types the place cannot hold.
    mutating func field(_ value: JSONValue, at path: String, place: Place) -> FieldSchema? {
        guard let object = value.objectValue else {
            problem(path, "a schema must be an object, not \(value.typeName)")
            return nil
        }
        guard let type = object["type"]?.stringValue else {
            problem(path, object["type"] == nil ? "a schema needs a \"type\"" : "\"type\" must be a string")
            return nil
        }
        let known: Set<String> = [
            "boolean", "integer", "string", "bytes", "cid-link", "blob", "array", "object",
            "ref", "union", "unknown", "params", "token", "permission",
            "record", "query", "procedure", "subscription", "permission-set",
        ]
        if type == "null" {
            problem(
                JSONPointer.appending(path, "type"),
                "null is no longer a Lexicon type; list the property in its object's \"nullable\" instead")
            return nil
        }
        guard known.contains(type) else {
            let suggestion = FieldNameSuggestion.closest(to: type, among: known).map { " (did you mean \"\($0)\"?)" } ?? ""
            problem(JSONPointer.appending(path, "type"), "unknown type \"\(type)\"\(suggestion)")
            return nil
        }
        if let reason = Self.placeRejects(type, place) {
            problem(JSONPointer.appending(path, "type"), reason)
            return nil
        }
        switch type {
        case "boolean": return boolean(object, at: path).map { .boolean($0) }
        case "integer": return integer(object, at: path).map { .integer($0) }
        case "string": return string(object, at: path).map { .string($0) }
        case "bytes":
            checkKeys(object, allowed: ["minLength", "maxLength"], at: path, type: type)
            let (min, max) = bounds(object, "minLength", "maxLength", at: path)
            return .bytes(BytesSchema(minLength: min, maxLength: max))
        case "cid-link":
            checkKeys(object, allowed: [], at: path, type: type)
            return .cidLink
        case "blob": return blob(object, at: path).map { .blob($0) }
        case "array": return array(object, at: path, place: place).map { .array($0) }
        case "object": return objectSchema(object, at: path, type: "object", propertyPlace: .property).map { .object($0) }
        case "ref":
            checkKeys(object, allowed: ["ref"], at: path, type: type)
            guard let raw = object["ref"]?.stringValue else {
                problem(path, "a ref needs a string \"ref\"")
                return nil
            }
            return reference(raw, at: JSONPointer.appending(path, "ref"), role: .ref).map { .ref($0) }
        case "union": return union(object, at: path).map { .union($0) }
        case "unknown":
            checkKeys(object, allowed: [], at: path, type: type)
            return .unknown
        default:
            problem(JSONPointer.appending(path, "type"), "type \(type) cannot appear here")
            return nil
        }
    }

    /// Why `type` may not appear at `place`, or `nil` if it may.
    private static func placeRejects(_ type: String, _ place: Place) -> String? {
        let primary: Set<String> = ["record", "query", "procedure", "subscription", "permission-set"]
        if primary.contains(type) { return "a \(type) can only be a top-level \"main\" definition" }
        if type == "token" { return "a token can only be a named definition, not a field" }
        if type == "params" { return "params can only be the \"parameters\" of a query, procedure or subscription" }
        if type == "permission" { return "a permission can only appear in a permission-set's \"permissions\"" }
        switch place {
        case .definition:
            if ["ref", "union", "unknown"].contains(type) {
                return "a \(type) cannot be a named definition; wrap it in an object or use it as a property"
            }
        case .body:
            if !["object", "ref", "union"].contains(type) { return "a body schema must be an object, a ref or a union, not \(type)" }
        case .message:
            if type != "union" { return "a subscription message schema must be a union of refs, not \(type)" }
        case .paramsProperty:
            if !["boolean", "integer", "string", "array"].contains(type) {
                return "params can only hold boolean, integer, string or arrays of those, not \(type)"
            }
        case .paramsArrayItem:
            if !["boolean", "integer", "string"].contains(type) { return "a params array can only hold boolean, integer or string, not \(type)" }
        case .property, .arrayItem:
            break
        }
        return nil
    }

    // MARK: - Scalar types

    private mutating func boolean(_ object: [String: JSONValue], at path: String) -> BooleanSchema? {
        checkKeys(object, allowed: ["default", "const"], at: path, type: "boolean")
        let schema = BooleanSchema(
            defaultValue: typed(object, "default", at: path, \.boolValue, "a boolean"),
            constValue: typed(object, "const", at: path, \.boolValue, "a boolean"))
        if schema.defaultValue != nil && schema.constValue != nil { problem(path, "\"default\" and \"const\" are mutually exclusive") }
        return schema
    }

    private mutating func integer(_ object: [String: JSONValue], at path: String) -> IntegerSchema? {
        checkKeys(object, allowed: ["minimum", "maximum", "enum", "default", "const"], at: path, type: "integer")
        var schema = IntegerSchema()
        schema.minimum = typed(object, "minimum", at: path, \.integerValue, "an integer")
        schema.maximum = typed(object, "maximum", at: path, \.integerValue, "an integer")
        schema.enumValues = list(object, "enum", at: path, \.integerValue, "integers")
        if let min = schema.minimum, let max = schema.maximum, min > max {
            problem(path, "minimum (\(min)) is greater than maximum (\(max))")
        }
        checkValues(schema.enumValues, of: schema, named: "enum", at: path)
        schema.defaultValue = typed(object, "default", at: path, \.integerValue, "an integer")
        schema.constValue = typed(object, "const", at: path, \.integerValue, "an integer")
        checkDefaultAndConst(schema.defaultValue, schema.constValue, of: schema, at: path)
        return schema
    }

    private mutating func string(_ object: [String: JSONValue], at path: String) -> StringSchema? {
        checkKeys(
            object,
            allowed: [
                "format", "minLength", "maxLength", "minGraphemes", "maxGraphemes",
                "knownValues", "enum", "default", "const",
            ], at: path, type: "string")
        var format: StringFormat?
        if let raw: String = typed(object, "format", at: path, \.stringValue, "a string") {
            format = StringFormat(rawValue: raw)
            if format == nil {
                let names = StringFormat.allCases.map(\.rawValue).joined(separator: ", ")
                problem(JSONPointer.appending(path, "format"), "unknown string format \"\(raw)\" (known: \(names))")
            }
        }
        let (minLength, maxLength) = bounds(object, "minLength", "maxLength", at: path)
        let (minGraphemes, maxGraphemes) = bounds(object, "minGraphemes", "maxGraphemes", at: path)
        if let minGraphemes, let maxLength, minGraphemes > maxLength {
            problem(path, "minGraphemes (\(minGraphemes)) exceeds maxLength (\(maxLength) bytes): every grapheme is at least one byte")
        }
        let schema = StringSchema(
            format: format, minLength: minLength, maxLength: maxLength, minGraphemes: minGraphemes, maxGraphemes: maxGraphemes,
            knownValues: list(object, "knownValues", at: path, \.stringValue, "strings"),
            enumValues: list(object, "enum", at: path, \.stringValue, "strings"),
            defaultValue: typed(object, "default", at: path, \.stringValue, "a string"),
            constValue: typed(object, "const", at: path, \.stringValue, "a string"))
        checkValues(schema.enumValues, of: schema, named: "enum", at: path)
        checkDefaultAndConst(schema.defaultValue, schema.constValue, of: schema, at: path)
        return schema
    }

    private mutating func blob(_ object: [String: JSONValue], at path: String) -> BlobSchema? {
        checkKeys(object, allowed: ["accept", "maxSize"], at: path, type: "blob")
        var schema = BlobSchema()
        if let accept: [String] = list(object, "accept", at: path, \.stringValue, "strings") {
            var patterns: [MIMEPattern] = []
            for (i, raw) in accept.enumerated() {
                if let pattern = MIMEPattern(raw) {
                    patterns.append(pattern)
                } else {
                    problem(
                        JSONPointer.appending(JSONPointer.appending(path, "accept"), i),
                        "\"\(raw)\" is not a MIME type or a type/* or */* pattern")
                }
            }
            schema.accept = patterns
        }
        schema.maxSize = typed(object, "maxSize", at: path, \.integerValue, "an integer")
        if let maxSize = schema.maxSize, maxSize < 0 { problem(JSONPointer.appending(path, "maxSize"), "maxSize must not be negative") }
        return schema
    }

    // MARK: - Containers

    private mutating func array(_ object: [String: JSONValue], at path: String, place: Place) -> ArraySchema? {
        checkKeys(object, allowed: ["items", "minLength", "maxLength"], at: path, type: "array")
        let (min, max) = bounds(object, "minLength", "maxLength", at: path)
        guard let itemsValue = object["items"] else {
            problem(path, "an array needs \"items\"")
            return nil
        }
        let itemPlace: Place = place == .paramsProperty ? .paramsArrayItem : .arrayItem
        guard let items = field(itemsValue, at: JSONPointer.appending(path, "items"), place: itemPlace) else { return nil }
        return ArraySchema(items: items, minLength: min, maxLength: max)
    }

    /// Reads an `object` or `params` schema.
    mutating func objectSchema(_ object: [String: JSONValue], at path: String, type: String, propertyPlace: Place) -> ObjectSchema? {
        checkKeys(
            object, allowed: type == "params" ? ["properties", "required"] : ["properties", "required", "nullable"],
            at: path, type: type)
        let propertiesPath = JSONPointer.appending(path, "properties")
        guard let propertiesValue = object["properties"] else {
            problem(path, "an \(type) needs \"properties\" (use {} for none)")
            return nil
        }
        guard case .object(let declared) = propertiesValue else {
            problem(propertiesPath, "\"properties\" must be an object of name → schema")
            return nil
        }
        var properties: [(name: String, schema: FieldSchema)] = []
        var failed = false
        for name in Self.declarationOrder(of: propertiesValue) {
            if let schema = field(declared[name]!, at: JSONPointer.appending(propertiesPath, name), place: propertyPlace) {
                properties.append((name, schema))
            } else {
                failed = true
            }
        }
        let names = Set(declared.keys)
        let required = nameSet(object, "required", declared: names, at: path)
        let nullable = nameSet(object, "nullable", declared: names, at: path)
        if failed { return nil }
        return ObjectSchema(properties: properties, required: required, nullable: nullable)
    }

    /// Keys in a stable order (JSON objects are unordered here): sorted, so generated code is deterministic.
    private static func declarationOrder(of value: JSONValue) -> [String] {
        (value.objectValue?.keys).map { $0.sorted() } ?? []
    }

    private mutating func nameSet(_ object: [String: JSONValue], _ key: String, declared: Set<String>, at path: String) -> Set<String> {
        guard let names: [String] = list(object, key, at: path, \.stringValue, "strings") else { return [] }
        let listPath = JSONPointer.appending(path, key)
        var result: Set<String> = []
        for (i, name) in names.enumerated() {
            if !declared.contains(name) {
                problem(JSONPointer.appending(listPath, i), "\(key) names \"\(name)\", which is not a declared property")
            }
            if !result.insert(name).inserted {
                problem(JSONPointer.appending(listPath, i), "\(key) lists \"\(name)\" twice")
            }
        }
        return result
    }

    private mutating func union(_ object: [String: JSONValue], at path: String) -> UnionSchema? {
        checkKeys(object, allowed: ["refs", "closed"], at: path, type: "union")
        guard let raws: [String] = list(object, "refs", at: path, \.stringValue, "strings") else {
            if object["refs"] == nil { problem(path, "a union needs \"refs\"") }
            return nil
        }
        let closed: Bool = typed(object, "closed", at: path, \.boolValue, "a boolean") ?? false
        if closed && raws.isEmpty { problem(path, "a closed union with no refs can never be satisfied") }
        var refs: [DefinitionReference] = []
        let refsPath = JSONPointer.appending(path, "refs")
        for (i, raw) in raws.enumerated() {
            guard let reference = reference(raw, at: JSONPointer.appending(refsPath, i), role: .unionMember) else { continue }
            if refs.contains(reference) {
                problem(JSONPointer.appending(refsPath, i), "\"\(raw)\" is listed twice")
            } else {
                refs.append(reference)
            }
        }
        return refs.count == raws.count ? UnionSchema(refs: refs, closed: closed) : nil
    }

    /// Resolves `#name`, `nsid` or `nsid#name` to a loaded definition.
    private mutating func reference(_ raw: String, at path: String, role: PendingReference.Role) -> DefinitionReference? {
        guard let uri = Self.normalize(raw, in: nsid) else {
            problem(path, "\"\(raw)\" is not a reference (#name, nsid or nsid#name)")
            return nil
        }
        guard let target = index[uri] else {
            // Lazy like the reference implementations: loads, and fails only if validation reaches it.
            let placeholder: Int
            if let known = unresolved[uri] {
                placeholder = known
            } else {
                placeholder = firstUnresolvedIndex + unresolved.count
                unresolved[uri] = placeholder
            }
            warn(path, "reference \"\(raw)\" points to no loaded definition; validation that reaches it fails", rule: "unresolved-ref")
            return DefinitionReference(uri: uri, index: placeholder)
        }
        let reference = DefinitionReference(uri: uri, index: target)
        pendingReferences.append(PendingReference(reference: reference, file: file, path: path, role: role))
        return reference
    }

    /// The normalized form of a reference: `nsid` for main definitions, `nsid#name` for others.
    static func normalize(_ raw: String, in nsid: NSID) -> String? {
        let parts = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let base = parts[0].isEmpty ? nsid.rawValue : String(parts[0])
        guard NSID.isValid(base) else { return nil }
        guard parts.count == 2 else { return base }
        let name = parts[1]
        guard isDefinitionName(name) else { return nil }
        return name == "main" ? base : "\(base)#\(name)"
    }

    /// Definition names: ASCII letters, digits, `_` and `-`, starting with a letter.
    static func isDefinitionName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A else { return false }
        return name.utf8.allSatisfy { byte in
            ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
        }
    }

    // MARK: - Constraint sanity

    private mutating func checkValues<S: ScalarSchema>(_ values: [S.Value]?, of schema: S, named key: String, at path: String) {
        guard let values else { return }
        if values.isEmpty { problem(JSONPointer.appending(path, key), "\(key) is empty, so no value can ever be valid") }
        for (i, value) in values.enumerated() {
            if let violation = schema.constraintViolation(value, ignoringValueSets: true, ignoringConst: true) {
                problem(JSONPointer.appending(JSONPointer.appending(path, key), i), "\(key) value \(S.literal(value)) \(violation)")
            }
        }
    }

    private mutating func checkDefaultAndConst<S: ScalarSchema>(_ defaultValue: S.Value?, _ constValue: S.Value?, of schema: S, at path: String) {
        if defaultValue != nil && constValue != nil { problem(path, "\"default\" and \"const\" are mutually exclusive") }
        if let constValue, let violation = schema.constraintViolation(constValue, ignoringValueSets: false, ignoringConst: true) {
            problem(JSONPointer.appending(path, "const"), "const \(S.literal(constValue)) \(violation)")
        }
        if let defaultValue, let violation = schema.constraintViolation(defaultValue, ignoringValueSets: false) {
            problem(JSONPointer.appending(path, "default"), "default \(S.literal(defaultValue)) \(violation)")
        }
    }

    // MARK: - Typed field access

    /// Warns about keys that the type does not define (`type` and `description` are always allowed): the spec keeps
    /// adding fields, so an unknown one never makes a document unloadable, but a likely typo names its correction.
    mutating func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, at path: String, type: String) {
        for key in object.keys.sorted() where key != "type" && key != "description" && !allowed.contains(key) {
            var message = "unknown field \"\(key)\" for type \(type), ignored"
            if let suggestion = FieldNameSuggestion.closest(to: key, among: allowed.union(["type", "description"])) {
                message += " (did you mean \"\(suggestion)\"?)"
            } else if let owners = FieldNameSuggestion.typesDefining(key) {
                message += " (it belongs to \(owners))"
            }
            warn(JSONPointer.appending(path, key), message, rule: "unknown-field")
        }
        if let description = object["description"], description.stringValue == nil {
            problem(JSONPointer.appending(path, "description"), "\"description\" must be a string")
        }
    }

    mutating func string(_ object: [String: JSONValue], _ key: String, at path: String) -> String? {
        typed(object, key, at: path, \.stringValue, "a string")
    }

    mutating func typed<T>(
        _ object: [String: JSONValue], _ key: String, at path: String,
        _ extract: (JSONValue) -> T?, _ expected: String
    ) -> T? {
        guard let value = object[key] else { return nil }
        guard let typed = extract(value) else {
            problem(JSONPointer.appending(path, key), "\"\(key)\" must be \(expected), not \(value.typeName)")
            return nil
        }
        return typed
    }

    private mutating func list<T>(
        _ object: [String: JSONValue], _ key: String, at path: String,
        _ extract: (JSONValue) -> T?, _ expected: String
    ) -> [T]? {
        guard let value = object[key] else { return nil }
        guard let items = value.arrayValue else {
            problem(JSONPointer.appending(path, key), "\"\(key)\" must be an array of \(expected), not \(value.typeName)")
            return nil
        }
        let typed = items.compactMap(extract)
        guard typed.count == items.count else {
            problem(JSONPointer.appending(path, key), "\"\(key)\" must be an array of \(expected)")
            return nil
        }
        return typed
    }

    private mutating func bounds(_ object: [String: JSONValue], _ minKey: String, _ maxKey: String, at path: String) -> (Int?, Int?) {
        func read(_ key: String) -> Int? {
            guard let value: Int64 = typed(object, key, at: path, \.integerValue, "an integer") else { return nil }
            guard value >= 0 else {
                problem(JSONPointer.appending(path, key), "\(key) must not be negative")
                return nil
            }
            return Int(value)
        }
        let min = read(minKey)
        let max = read(maxKey)
        if let min, let max, min > max { problem(path, "\(minKey) (\(min)) is greater than \(maxKey) (\(max))") }
        return (min, max)
    }
}
