// A strict RFC 8259 JSON parser over raw bytes.
//
// The parser is iterative (an explicit container stack, no recursion), so no input can overflow
// the call stack whatever `maxDepth` is. Finished values wait on a value stack; when a container
// closes its members are moved off that stack into an exactly-sized `Array` or `Dictionary`.

// MARK: - Errors

/// Why and where a byte sequence is not acceptable JSON.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input, 0-based.
    public var offset: Int
    /// Line of the problem, 1-based; lines are separated by `\n`.
    public var line: Int
    /// Column of the problem, 1-based, counted in Unicode scalars (UTF-8 lead bytes) of its line.
    public var column: Int
    /// What is wrong, e.g. `unexpected character 'x'` or `duplicate key "name"`.
    public var reason: String

    /// Creates an error from its parts.
    public init(offset: Int, line: Int, column: Int, reason: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `invalid JSON at line L, column C: reason`.
    public var description: String {
        "invalid JSON at line \(line), column \(column): \(reason)"
    }
}

// MARK: - Public entry points

extension JSONValue {
    /// Parses exactly one JSON value, optionally surrounded by whitespace, from UTF-8 bytes.
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, `Data`, `String.UTF8View` of a native
    /// string, …) are read in place; others are copied into an array first.
    /// - Throws: ``JSONParseError`` if the bytes are not strict RFC 8259 JSON, contain duplicate
    ///   object keys, or exceed `limits`.
    @inlinable
    public init(parsing bytes: some Collection<UInt8>, limits: JSONParser.Limits = .default)
        throws(JSONParseError)
    {
        self = try JSONParser(limits: limits).parse(bytes)
    }

    /// Parses exactly one JSON value, optionally surrounded by whitespace, from a string.
    /// - Throws: ``JSONParseError``, as parsing the string's UTF-8 bytes would.
    @inlinable
    public init(parsing string: String, limits: JSONParser.Limits = .default)
        throws(JSONParseError)
    {
        self = try JSONParser(limits: limits).parse(string.utf8)
    }
}

/// A strict RFC 8259 JSON parser producing ``JSONValue``s.
///
/// Beyond the RFC's grammar it rejects duplicate keys within an object, invalid UTF-8 anywhere,
/// and lone surrogates in `\u` escapes; it also enforces ``Limits``. A byte order mark is not
/// accepted. It never traps and never recurses, whatever the input.
public struct JSONParser: Sendable {
    /// Bounds on the input a parser accepts.
    public struct Limits: Sendable, Hashable {
        /// Most nested arrays/objects allowed; `[]` has depth 1, a scalar depth 0. Default 64.
        ///
        /// Parsing itself never recurses, so any value is safe here; but values nested tens of
        /// thousands deep can exhaust the stack when destroyed or serialized, which recurse.
        public var maxDepth: Int
        /// Largest input accepted, in bytes. Default `Int.max`.
        public var maxBytes: Int

        /// Creates limits.
        public init(maxDepth: Int = 64, maxBytes: Int = .max) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }

        /// 64 levels of nesting, any size.
        public static let `default` = Limits()
    }

    /// The limits this parser enforces.
    public var limits: Limits

    /// Creates a parser enforcing `limits`.
    @inlinable
    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Parses exactly one JSON value from any collection of UTF-8 bytes, in place when the
    /// collection has contiguous storage.
    /// - Throws: ``JSONParseError``.
    @inlinable
    public func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try self.parse(buffer) }
        }
        if let inPlace { return try inPlace.get() }
        let copy = Array(bytes)
        let result = copy.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try self.parse(buffer) }
        }
        return try result.get()
    }

    /// Parses exactly one JSON value from a buffer of UTF-8 bytes.
    /// - Throws: ``JSONParseError``.
    public func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw JSONParseError(offset: 0, line: 1, column: 1, reason: "empty input")
        }
        let count = buffer.count
        if count > limits.maxBytes {
            throw _jsonParseError(base, count, at: limits.maxBytes, "input larger than \(limits.maxBytes) bytes")
        }
        let maxDepth = limits.maxDepth
        // The stacks start out in stack memory and move to the heap only for big documents.
        let outcome = withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 32) { values in
            withUnsafeTemporaryAllocation(of: _JSONKeyEntry.self, capacity: 16) { keys in
                withUnsafeTemporaryAllocation(of: _JSONFrame.self, capacity: 16) { frames in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
                        var reader = _JSONReader(
                            base: base, count: count, maxDepth: maxDepth,
                            values: _JSONStack(values), keys: _JSONStack(keys),
                            frames: _JSONStack(frames), scratch: _JSONStack(scratch))
                        let outcome = Result { () throws(JSONParseError) -> JSONValue in
                            try reader.parseDocument()
                        }
                        reader.release()
                        return outcome
                    }
                }
            }
        }
        return try outcome.get()
    }
}
