/// Walks a value and a schema together. Allocation-free on success; on failure the path is built while unwinding.
///
/// Returns a replacement value only when it applied `default`s (and only if asked to), so plain validation
/// never copies the input.
struct ValueChecker {
    let definitions: [LexiconDefinition]
    let options: ValidationOptions
    var applyDefaults: Bool { options.applyDefaults }

    func check(_ value: JSONValue, _ schema: FieldSchema) throws(ValidationFailure) -> JSONValue? {
        switch schema {
        case .boolean(let s):
            guard case .bool(let b) = value else { throw ValidationFailure("must be a boolean") }
            if let c = s.constValue, b != c { throw ValidationFailure("must be \(c)") }
            return nil
        case .integer(let s):
            guard let i = DataModel.integer(value) else {
                throw ValidationFailure(
                    value.isNumber ? "must be an integer (\(value.jsonString) is not integral or beyond 2^53)" : "must be an integer")
            }
            if let violation = s.constraintViolation(i) { throw ValidationFailure(violation) }
            // 123.0 is the integer 123: hand it on as one.
            if case .number = value { return .integer(i) }
            return nil
        case .string(let s):
            guard case .string(let string) = value else { throw ValidationFailure("must be a string") }
            if let violation = s.constraintViolation(string) {
                // Lenient reading of old data: a datetime that only misses its timezone, or writes UTC oddly.
                guard options.lenientDatetime, s.format == .datetime, Datetime.isValidLenient(string),
                    s.constraintViolation(string, checkingFormat: false) == nil
                else { throw ValidationFailure(violation) }
            }
            return nil
        case .bytes(let s):
            let length = try DataModel.bytesLength(value)
            if let min = s.minLength, length < min { throw ValidationFailure("must not be shorter than \(min) bytes") }
            if let max = s.maxLength, length > max { throw ValidationFailure("must not be longer than \(max) bytes") }
            return nil
        case .cidLink:
            try DataModel.checkLink(value)
            return nil
        case .blob(let s):
            try checkBlob(value, s)
            // A size of 10.0 is the integer 10.
            if case .object(var blob) = value, case .number? = blob["size"], let size = DataModel.integer(blob["size"]!) {
                blob["size"] = .integer(size)
                return .object(blob)
            }
            return nil
        case .array(let s):
            return try checkArray(value, s)
        case .object(let s):
            guard case .object(let object) = value else { throw ValidationFailure("must be an object") }
            return try checkObject(object, s)
        case .ref(let reference):
            return try checkDefinition(value, definitions[reference.index])
        case .union(let s):
            return try checkUnion(value, s)
        case .unknown:
            return try DataModel.checkUnknown(value)
        }
    }

    /// Validates against a referenced definition: a value schema, or a record (which must carry its `$type`).
    func checkDefinition(_ value: JSONValue, _ definition: LexiconDefinition) throws(ValidationFailure) -> JSONValue? {
        switch definition.kind {
        case .field(let schema):
            return try check(value, schema)
        case .record(let record):
            return try checkRecord(value, record, nsid: definition.uri)
        case .unresolved:
            throw ValidationFailure("refers to \(definition.uri), which no loaded lexicon defines")
        default:
            // The loader only lets refs point at value schemas and records.
            throw ValidationFailure("refers to \(definition.uri), a \(definition.typeName), which describes no value")
        }
    }

    func checkRecord(_ value: JSONValue, _ record: RecordSchema, nsid: String) throws(ValidationFailure) -> JSONValue? {
        guard case .object(let object) = value else { throw ValidationFailure("must be an object") }
        guard let type = object["$type"] else { throw ValidationFailure("must have the property \"$type\"") }
        guard case .string(let name) = type, name == nsid else {
            throw ValidationFailure("must be \(StringSchema.literal(nsid))").prefixed("$type")
        }
        return try checkObject(object, record.object, typeChecked: true)
    }

    /// - Parameter typeChecked: the object's `$type` was already checked (a record's, or a union member's).
    func checkObject(_ object: [String: JSONValue], _ schema: ObjectSchema, typeChecked: Bool = false) throws(ValidationFailure) -> JSONValue? {
        var replacements: [(String, JSONValue)] = []
        var declaredPresent = 0
        for (name, propertySchema) in schema.properties {
            guard let value = object[name] else {
                if schema.required.contains(name) { throw ValidationFailure("must have the property \"\(name)\"") }
                if applyDefaults, let defaultValue = propertySchema.defaultValue { replacements.append((name, defaultValue)) }
                continue
            }
            declaredPresent += 1
            if case .null = value, schema.nullable.contains(name) { continue }
            do {
                if let replaced = try check(value, propertySchema) { replacements.append((name, replaced)) }
            } catch {
                throw error.prefixed(name)
            }
        }
        // Fields the schema does not declare are allowed, but they must still be valid data; and an object
        // is no bytes, cid-link or blob in disguise. (Only an object with undeclared keys can be either.)
        if declaredPresent + (typeChecked ? 1 : 0) < object.count {
            for (name, value) in object where !schema.declares(name) {
                if name == "$bytes" || name == "$link" || (name == "$type" && value == .string("blob")) {
                    throw ValidationFailure("must be an object, not a bytes, cid-link or blob value")
                }
                do throws(ValidationFailure) {
                    if name == "$type" {
                        if typeChecked { continue }
                        guard case .string(let type) = value, !type.isEmpty else { throw ValidationFailure("must be a non-empty string") }
                    } else if let replaced = try DataModel.checkData(value) {
                        replacements.append((name, replaced))
                    }
                } catch {
                    throw error.prefixed(name)
                }
            }
        }
        guard !replacements.isEmpty else { return nil }
        var updated = object
        for (name, value) in replacements { updated[name] = value }
        return .object(updated)
    }

    private func checkArray(_ value: JSONValue, _ schema: ArraySchema) throws(ValidationFailure) -> JSONValue? {
        guard case .array(let items) = value else { throw ValidationFailure("must be an array") }
        if let min = schema.minLength, items.count < min { throw ValidationFailure("must not have fewer than \(min) elements") }
        if let max = schema.maxLength, items.count > max { throw ValidationFailure("must not have more than \(max) elements") }
        var updated: [JSONValue]?
        for (i, item) in items.enumerated() {
            do {
                if let replaced = try check(item, schema.items) {
                    if updated == nil { updated = items }
                    updated![i] = replaced
                }
            } catch {
                throw error.prefixed(String(i))
            }
        }
        return updated.map(JSONValue.array)
    }

    private func checkUnion(_ value: JSONValue, _ schema: UnionSchema) throws(ValidationFailure) -> JSONValue? {
        guard case .object(let object) = value, case .string(let type)? = object["$type"] else {
            throw ValidationFailure("must be an object which includes the \"$type\" property")
        }
        if type.hasSuffix("#main") {
            throw ValidationFailure("must name a main definition without \"#main\" (\(StringSchema.literal(String(type.dropLast(5)))))").prefixed(
                "$type")
        }
        for reference in schema.refs where reference.uri == type {
            let definition = definitions[reference.index]
            // The member's `$type` is the one just matched.
            if case .field(.object(let member)) = definition.kind { return try checkObject(object, member, typeChecked: true) }
            return try checkDefinition(value, definition)
        }
        if schema.closed {
            throw ValidationFailure("must be one of \(schema.refs.map { StringSchema.literal($0.uri) }.joined(separator: ", "))").prefixed("$type")
        }
        // Open union, unknown variant: accepted, but it must still be valid data.
        return try DataModel.checkUnknown(value)
    }

    private func checkBlob(_ value: JSONValue, _ schema: BlobSchema) throws(ValidationFailure) {
        if options.allowLegacyBlob, let legacy = try DataModel.legacyBlob(value) {
            if let accept = schema.accept, !accept.contains(where: { $0.matches(legacy.mimeType) }) {
                throw ValidationFailure(
                    "mimeType \(StringSchema.literal(legacy.mimeType)) is not accepted (accepted: \(accept.map(\.rawValue).joined(separator: ", ")))")
            }
            return
        }
        let blob = try DataModel.checkBlob(value)
        if let accept = schema.accept, !accept.contains(where: { $0.matches(blob.mimeType) }) {
            throw ValidationFailure(
                "mimeType \(StringSchema.literal(blob.mimeType)) is not accepted (accepted: \(accept.map(\.rawValue).joined(separator: ", ")))")
        }
        if let maxSize = schema.maxSize, blob.size > maxSize {
            throw ValidationFailure("is \(blob.size) bytes, more than the maximum of \(maxSize)")
        }
    }
}

extension FieldSchema {
    /// The schema's `default`, as a JSON value.
    public var defaultValue: JSONValue? {
        switch self {
        case .boolean(let s): s.defaultValue.map(JSONValue.bool)
        case .integer(let s): s.defaultValue.map(JSONValue.integer)
        case .string(let s): s.defaultValue.map(JSONValue.string)
        default: nil
        }
    }
}
