/// A JSON value as atproto's data model sees it: integers stay integers.
///
/// Produced by `JSONValue(parsing:limits:)` and turned back into bytes by
/// ``JSONValue/serialized(sortedKeys:)``.
///
/// Equality of `.string` values and of object keys follows Swift's `String` semantics, i.e.
/// canonical Unicode equivalence: `"\u{E9}"` equals `"e\u{301}"`.
public enum JSONValue: Sendable, Hashable {
    /// The JSON literal `null`.
    case null
    /// The JSON literals `true` and `false`.
    case bool(Bool)
    /// A JSON number with no fraction and no exponent that fits `Int64` (e.g. `5`, `-3`, `0`;
    /// not `5.0` or `1e2`).
    case integer(Int64)
    /// Every other JSON number: with a fraction or exponent, or integral but outside `Int64`.
    case number(Double)
    /// A JSON string.
    case string(String)
    /// A JSON array.
    case array([JSONValue])
    /// A JSON object. Keys are unique (the parser rejects duplicates).
    case object([String: JSONValue])
}

// MARK: - Conveniences

extension JSONValue {
    /// The member named `key` if this is an object that has one; `nil` otherwise (also for
    /// non-objects).
    @inlinable
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string if this is `.string`, else `nil`.
    @inlinable
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members if this is `.object`, else `nil`.
    @inlinable
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements if this is `.array`, else `nil`.
    @inlinable
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The integer if this is `.integer`, else `nil` (a `.number` is never converted).
    @inlinable
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The Boolean if this is `.bool`, else `nil`.
    @inlinable
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is `.number` (a JSON number that is not a plain 64-bit integer literal).
    @inlinable
    public var isNumber: Bool {
        if case .number = self { return true }
        return false
    }

    /// Whether this is `.null`.
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The kind of value, for error messages: one of `"null"`, `"boolean"`, `"integer"`,
    /// `"number"`, `"string"`, `"array"`, `"object"`.
    @inlinable
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
    /// Creates `.null` from `nil`.
    @inlinable
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// Creates `.bool` from `true` or `false`.
    @inlinable
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// Creates `.integer` from an integer literal.
    @inlinable
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// Creates `.number` from a floating-point literal (even an integral one such as `5.0`).
    @inlinable
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// Creates `.string` from a string literal.
    @inlinable
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// Creates `.array` from an array literal.
    @inlinable
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Creates `.object` from a dictionary literal. If a key is repeated, the last value wins.
    @inlinable
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members = [String: JSONValue](minimumCapacity: elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}
