/// A schema that data can be validated against: every Lexicon type that describes a value.
///
/// `ref` and `union` carry resolved ``DefinitionReference``s, so validation never looks a name up.
public indirect enum FieldSchema: Sendable {
    case null
    case boolean(BooleanSchema)
    case integer(IntegerSchema)
    case string(StringSchema)
    case bytes(BytesSchema)
    case cidLink
    case blob(BlobSchema)
    case array(ArraySchema)
    case object(ObjectSchema)
    case ref(DefinitionReference)
    case union(UnionSchema)
    case unknown

    /// The Lexicon `type` name of this schema.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .integer: "integer"
        case .string: "string"
        case .bytes: "bytes"
        case .cidLink: "cid-link"
        case .blob: "blob"
        case .array: "array"
        case .object: "object"
        case .ref: "ref"
        case .union: "union"
        case .unknown: "unknown"
        }
    }
}

/// `boolean`: an optional `default` or `const`.
public struct BooleanSchema: Sendable {
    public var defaultValue: Bool?
    public var constValue: Bool?
}

/// `integer`: a signed 64-bit integer with optional bounds, closed set, default and const.
public struct IntegerSchema: Sendable {
    public var minimum: Int64?
    public var maximum: Int64?
    public var enumValues: [Int64]?
    public var defaultValue: Int64?
    public var constValue: Int64?
}

/// `string`: a Unicode string with optional format, byte and grapheme lengths, closed or open value sets.
public struct StringSchema: Sendable {
    public var format: StringFormat?
    /// Bounds in UTF-8 bytes.
    public var minLength: Int?
    public var maxLength: Int?
    /// Bounds in extended grapheme clusters.
    public var minGraphemes: Int?
    public var maxGraphemes: Int?
    /// Suggested values; never enforced.
    public var knownValues: [String]?
    public var enumValues: [String]?
    public var defaultValue: String?
    public var constValue: String?
}

/// `bytes`: raw bytes, `{"$bytes": base64}` in JSON; lengths count decoded bytes.
public struct BytesSchema: Sendable {
    public var minLength: Int?
    public var maxLength: Int?
}

/// `blob`: a reference to uploaded content with a MIME type and size.
public struct BlobSchema: Sendable {
    /// Accepted MIME types; entries may be `type/*` or `*/*`. `nil` accepts all.
    public var accept: [MIMEPattern]?
    public var maxSize: Int64?
}

/// `array`: elements of one schema, with optional element-count bounds.
public struct ArraySchema: Sendable {
    public var items: FieldSchema
    public var minLength: Int?
    public var maxLength: Int?
}

/// `object` (and `params`): named properties, some required, some nullable.
public struct ObjectSchema: Sendable {
    /// Properties in declaration order (the order of the lexicon file).
    public var properties: [(name: String, schema: FieldSchema)]
    public var required: Set<String>
    public var nullable: Set<String>

    /// The schema of one property, if declared.
    public func property(_ name: String) -> FieldSchema? {
        properties.first { $0.name == name }?.schema
    }
}

/// `union`: an object whose `$type` names one of `refs`; open unions accept other `$type`s too.
public struct UnionSchema: Sendable {
    public var refs: [DefinitionReference]
    public var closed: Bool
}

/// A resolved pointer from one definition to another, by catalog index.
public struct DefinitionReference: Sendable, Hashable {
    /// The normalized reference: `nsid` for a `main` definition, `nsid#name` otherwise.
    public let uri: String
    /// The referenced definition's position in ``LexiconCatalog/definitions``.
    public let index: Int
}
