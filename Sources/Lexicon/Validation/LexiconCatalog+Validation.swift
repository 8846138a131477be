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

/// What validation may do besides checking.
public struct ValidationOptions: Sendable {
    /// Fill in missing properties that declare a `default`, returning the completed value.
    public var applyDefaults: Bool

    public init(applyDefaults: Bool = false) {
        self.applyDefaults = applyDefaults
    }
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
    /// the value schema otherwise. Returns the value (with defaults applied if asked).
    public func validate(_ value: JSONValue, against reference: String, options: ValidationOptions = .init())
        throws(SchemaLookupError) -> ValidationResult {
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
    public func validateRecord(_ value: JSONValue, collection nsid: String, recordKey: String? = nil,
                               options: ValidationOptions = .init()) throws(SchemaLookupError) -> ValidationResult {
        guard let index = index(of: nsid) else { throw .unknownDefinition(nsid) }
        let definition = definitions[index]
        guard case .record(let record) = definition.kind else { throw .notARecord(nsid) }
        if let recordKey, !record.key.accepts(recordKey) {
            return .invalid(ValidationError(path: "Record key", reason: "\(StringSchema.literal(recordKey)) is not a valid record key of type \(record.key)"))
        }
        return run(root: "Record", value: value, options: options) { checker, value throws(ValidationFailure) in
            try checker.checkRecord(value, record, nsid: definition.uri)
        }
    }

    /// Validates a method's params (an object of already-typed values), input body or output body.
    public func validate(_ value: JSONValue, method nsid: String, part: MethodPart,
                         options: ValidationOptions = .init()) throws(SchemaLookupError) -> ValidationResult {
        let method = try methodSchema(nsid)
        let schema: FieldSchema
        switch part {
        case .params:
            schema = .object(method.parameters ?? .empty)
        case .input:
            guard let body = method.input?.schema else { throw .noSchema(nsid, part) }
            schema = body
        case .output:
            guard let body = method.output?.schema else { throw .noSchema(nsid, part) }
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

    private func run(root: String, value: JSONValue, options: ValidationOptions,
                     _ body: (ValueChecker, JSONValue) throws(ValidationFailure) -> JSONValue?) -> ValidationResult {
        let checker = ValueChecker(definitions: definitions, applyDefaults: options.applyDefaults)
        do {
            return .valid(try body(checker, value) ?? value)
        } catch {
            return .invalid(error.error(root: root))
        }
    }
}
