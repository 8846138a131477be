/// Which part of a method a value is.
public enum MethodPart: String, Sendable, CaseIterable {
    case params, input, output

    /// The root of error paths, as the reference implementation names it.
    var root: String {
        switch self {
        case .params: "Params"
        case .input: "Input"
        case .output: "Output"
        }
    }
}

/// What validation may do besides checking, and how strict it is.
///
/// The defaults are the atproto rules as written. The two lenient switches exist for reading old data,
/// as the Go and TypeScript tools offer: never turn them on for data you are about to write.
public struct ValidationOptions: Sendable {
    /// Fill in missing properties that declare a `default`, returning the completed value.
    public var applyDefaults: Bool
    /// Accept legacy blobs, `{"cid": "<cid>", "mimeType": "<type>"}` (size unknown, so `maxSize` cannot apply).
    public var allowLegacyBlob: Bool
    /// Accept datetimes that only miss the timezone (read as UTC) or write UTC as `-00:00`, `-0000` or `+0000`.
    public var lenientDatetime: Bool

    public init(applyDefaults: Bool = false, allowLegacyBlob: Bool = false, lenientDatetime: Bool = false) {
        self.applyDefaults = applyDefaults
        self.allowLegacyBlob = allowLegacyBlob
        self.lenientDatetime = lenientDatetime
    }

    /// Both lenient switches: what `--allow-legacy-blob --lenient-datetime` turns on.
    public static let lenient = ValidationOptions(allowLegacyBlob: true, lenientDatetime: true)
}

/// Why a value could not even be checked: the schema it names is not there.
public enum SchemaLookupError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownDefinition(String)
    case notARecord(String)
    case notAMethod(String)
    case noSchema(String, MethodPart)

    public var description: String {
        switch self {
        case .unknownDefinition(let nsid): "no lexicon defines \(nsid)"
        case .notARecord(let nsid): "\(nsid) is not a record type"
        case .notAMethod(let nsid): "\(nsid) is not a query or procedure"
        case .noSchema(let nsid, let part): "\(nsid) declares no \(part.rawValue) schema"
        }
    }
}

/// The outcome of validation.
public enum ValidationResult: Sendable {
    case valid(JSONValue)
    case invalid(ValidationError)
}

extension LexiconCatalog {
    /// Validates any value against a definition (`nsid` or `nsid#name`): a record when it names a record type,
    /// the value schema otherwise. Returns the value, with defaults applied if asked and integer-like numbers
    /// (`123.0`) in integer fields written as integers; otherwise exactly the value given.
    ///
    /// Every part of a valid value is valid atproto data, fields the schema does not declare included.
    public func validate(_ value: JSONValue, against reference: String, options: ValidationOptions = .init())
        throws(SchemaLookupError) -> ValidationResult
    {
        guard let index = index(of: reference) else { throw .unknownDefinition(reference) }
        let definition = definitions[index]
        let root: String
        switch definition.kind {
        case .record: root = "Record"
        case .field: root = "Value"
        default: throw .notARecord(reference)
        }
        return run(root: root, value: value, options: options) { checker, value throws(ValidationFailure) in
            try checker.checkDefinition(value, definition)
        }
    }

    /// Validates a record of collection `nsid`: its `$type` must be `nsid`, and `recordKey`, when given,
    /// must be a key the collection's `key` type accepts.
    public func validateRecord(
        _ value: JSONValue, collection nsid: String, recordKey: String? = nil,
        options: ValidationOptions = .init()
    ) throws(SchemaLookupError) -> ValidationResult {
        guard let index = index(of: nsid) else { throw .unknownDefinition(nsid) }
        let definition = definitions[index]
        guard case .record(let record) = definition.kind else { throw .notARecord(nsid) }
        if let recordKey, !record.key.accepts(recordKey) {
            return .invalid(
                ValidationError(path: "Record key", reason: "\(StringSchema.literal(recordKey)) is not a valid record key of type \(record.key)"))
        }
        return run(root: "Record", value: value, options: options) { checker, value throws(ValidationFailure) in
            try checker.checkRecord(value, record, nsid: definition.uri)
        }
    }

    /// Validates a method's params (an object of already-typed values), input body or output body.
    public func validate(
        _ value: JSONValue, method nsid: String, part: MethodPart,
        options: ValidationOptions = .init()
    ) throws(SchemaLookupError) -> ValidationResult {
        let method = try methodSchema(nsid)
        guard let result = validate(value, methodSchema: method, part: part, options: options) else { throw .noSchema(nsid, part) }
        return result
    }

    /// Validates a method's params, input body or output body against its schema, already looked up (a server
    /// keeps it per method rather than finding it by NSID for every request); nil when that part has no schema.
    public func validate(
        _ value: JSONValue, methodSchema method: MethodSchema, part: MethodPart, options: ValidationOptions = .init()
    ) -> ValidationResult? {
        let schema: FieldSchema
        switch part {
        case .params:
            schema = .object(method.parameters ?? .empty)
        case .input:
            guard let body = method.input?.schema else { return nil }
            schema = body
        case .output:
            guard let body = method.output?.schema else { return nil }
            schema = body
        }
        return run(root: part.root, value: value, options: options) { checker, value throws(ValidationFailure) in
            try checker.check(value, schema)
        }
    }

    /// The schema of a query or procedure.
    public func methodSchema(_ nsid: String) throws(SchemaLookupError) -> MethodSchema {
        guard let definition = definition(nsid) else { throw .unknownDefinition(nsid) }
        switch definition.kind {
        case .query(let method), .procedure(let method): return method
        default: throw .notAMethod(nsid)
        }
    }

    private func run(
        root: String, value: JSONValue, options: ValidationOptions,
        _ body: (ValueChecker, JSONValue) throws(ValidationFailure) -> JSONValue?
    ) -> ValidationResult {
        let checker = ValueChecker(definitions: definitions, options: options)
        do {
            return .valid(try body(checker, value) ?? value)
        } catch {
            return .invalid(error.error(root: root))
        }
    }
}
