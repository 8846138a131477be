/// A schema that data can be validated against: every Lexicon type that describes a value.
///
/// `ref` and `union` carry resolved ``DefinitionReference``s, so validation never looks a name up.
public indirect enum FieldSchema: Sendable {
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
///
/// A class: schemas are immutable once loaded, and validation passes them around by reference.
public final class StringSchema: Sendable {
    public let format: StringFormat?
    /// Bounds in UTF-8 bytes.
    public let minLength: Int?
    public let maxLength: Int?
    /// Bounds in extended grapheme clusters.
    public let minGraphemes: Int?
    public let maxGraphemes: Int?
    /// Suggested values; never enforced.
    public let knownValues: [String]?
    public let enumValues: [String]?
    public let defaultValue: String?
    public let constValue: String?

    public init(
        format: StringFormat? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        minGraphemes: Int? = nil, maxGraphemes: Int? = nil, knownValues: [String]? = nil,
        enumValues: [String]? = nil, defaultValue: String? = nil, constValue: String? = nil
    ) {
        self.format = format
        self.minLength = minLength
        self.maxLength = maxLength
        self.minGraphemes = minGraphemes
        self.maxGraphemes = maxGraphemes
        self.knownValues = knownValues
        self.enumValues = enumValues
        self.defaultValue = defaultValue
        self.constValue = constValue
    }
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
public final class ArraySchema: Sendable {
    public let items: FieldSchema
    public let minLength: Int?
    public let maxLength: Int?

    public init(items: FieldSchema, minLength: Int? = nil, maxLength: Int? = nil) {
        self.items = items
        self.minLength = minLength
        self.maxLength = maxLength
    }
}

/// `object` (and `params`): named properties, some required, some nullable.
public final class ObjectSchema: Sendable {
    /// Properties in a stable order (sorted by name).
    public let properties: [(name: String, schema: FieldSchema)]
    public let required: Set<String>
    public let nullable: Set<String>

    private let names: Set<String>

    public init(properties: [(name: String, schema: FieldSchema)], required: Set<String>, nullable: Set<String>) {
        self.properties = properties
        self.required = required
        self.nullable = nullable
        self.names = Set(properties.map(\.name))
    }

    /// Whether `name` is a declared property.
    public func declares(_ name: String) -> Bool {
        names.contains(name)
    }

    /// An object with no properties.
    public static let empty = ObjectSchema(properties: [], required: [], nullable: [])

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
