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

// MARK: - Reader

/// ASCII codes used by the reader.
private enum _JSONByte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
}

/// An open array or object on the container stack.
private struct _JSONFrame {
    /// Whether this is an object (else an array).
    var isObject: Bool
    /// Index in the value stack of the container's first element.
    var valueStart: Int
    /// Index in the key stack of the object's first key.
    var keyStart: Int
}

/// An object key waiting on the key stack for its object to close.
private struct _JSONKeyEntry {
    var key: String
    /// Offset of the key's opening quote, for duplicate-key errors.
    var offset: Int
}

/// A stack living in caller-provided (usually stack-allocated) memory that moves to the heap when
/// that fills up. The owner must call ``release()``.
private struct _JSONStack<Element> {
    var base: UnsafeMutablePointer<Element>
    var capacity: Int
    var count = 0
    var onHeap = false

    init(_ space: UnsafeMutableBufferPointer<Element>) {
        base = space.baseAddress!
        capacity = space.count
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func pop() -> Element {
        count -= 1
        return (base + count).move()
    }

    /// Appends copies of the `appended` elements at `source`.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<Element>, count appended: Int) {
        while capacity - count < appended { grow() }
        (base + count).initialize(from: source, count: appended)
        count += appended
    }

    @inline(never)
    mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        if onHeap { base.deallocate() }
        base = newBase
        capacity = newCapacity
        onHeap = true
    }

    /// Deinitializes all elements and frees heap memory.
    mutating func release() {
        base.deinitialize(count: count)
        count = 0
        if onHeap {
            base.deallocate()
            onHeap = false
        }
    }
}

/// The parsing state for one input. Not `Sendable`: it points into a borrowed buffer and lives
/// only for the duration of one `JSONParser.parse(_:)` call.
private struct _JSONReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var pos = 0
    /// Finished values whose container has not closed yet.
    var values: _JSONStack<JSONValue>
    /// Keys of the object members on `values`.
    var keys: _JSONStack<_JSONKeyEntry>
    /// Open containers, innermost last.
    var frames: _JSONStack<_JSONFrame>
    /// Decoded text of the current string, once it turned out to contain escapes.
    var scratch: _JSONStack<UInt8>

    init(
        base: UnsafePointer<UInt8>, count: Int, maxDepth: Int, values: _JSONStack<JSONValue>,
        keys: _JSONStack<_JSONKeyEntry>, frames: _JSONStack<_JSONFrame>, scratch: _JSONStack<UInt8>
    ) {
        self.base = base
        self.end = count
        self.maxDepth = maxDepth
        self.values = values
        self.keys = keys
        self.frames = frames
        self.scratch = scratch
    }

    /// Frees the stacks.
    mutating func release() {
        values.release()
        keys.release()
        frames.release()
        scratch.release()
    }

    // MARK: Driver

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if pos == end { throw error(at: pos, "empty input") }
        try parseTree()
        skipWhitespace()
        if pos != end { throw error(at: pos, "trailing characters after the JSON value") }
        return values.pop()
    }

    /// Parses one complete value (with everything nested in it) onto `values`.
    mutating func parseTree() throws(JSONParseError) {
        while true {
            // Expecting a value.
            skipWhitespace()
            guard pos < end else { throw error(at: pos, "unexpected end of input") }
            switch base[pos] {
            case _JSONByte.quote:
                values.push(.string(try parseString()))
            case _JSONByte.openBrace:
                if frames.count >= maxDepth { throw error(at: pos, "nesting deeper than \(maxDepth)") }
                pos += 1
                skipWhitespace()
                if pos < end && base[pos] == _JSONByte.closeBrace {
                    pos += 1
                    values.push(.object([:]))
                } else {
                    frames.push(_JSONFrame(isObject: true, valueStart: values.count, keyStart: keys.count))
                    try parseKeyAndColon(afterComma: false)
                    continue
                }
            case _JSONByte.openBracket:
                if frames.count >= maxDepth { throw error(at: pos, "nesting deeper than \(maxDepth)") }
                pos += 1
                skipWhitespace()
                if pos < end && base[pos] == _JSONByte.closeBracket {
                    pos += 1
                    values.push(.array([]))
                } else {
                    frames.push(_JSONFrame(isObject: false, valueStart: values.count, keyStart: keys.count))
                    continue
                }
            case 0x74:  // t
                try expectLiteral(0x74, 0x72, 0x75, 0x65)
                values.push(.bool(true))
            case 0x66:  // f
                try expectLiteral(0x66, 0x61, 0x6C, 0x73)
                try expectByte(0x65)
                values.push(.bool(false))
            case 0x6E:  // n
                try expectLiteral(0x6E, 0x75, 0x6C, 0x6C)
                values.push(.null)
            case _JSONByte.minus, 0x30...0x39:
                values.push(try parseNumber())
            default:
                throw unexpected(at: pos, expected: "a value")
            }

            // A value was completed: close containers until one expects another value.
            while true {
                if frames.isEmpty { return }
                let frame = frames.base[frames.count - 1]
                skipWhitespace()
                guard pos < end else { throw error(at: pos, "unexpected end of input") }
                let byte = base[pos]
                if byte == _JSONByte.comma {
                    pos += 1
                    if frame.isObject {
                        try parseKeyAndColon(afterComma: true)
                    } else {
                        skipWhitespace()
                        if pos < end && base[pos] == _JSONByte.closeBracket {
                            throw error(at: pos, "trailing comma in array")
                        }
                    }
                    break
                }
                if frame.isObject {
                    guard byte == _JSONByte.closeBrace else { throw unexpected(at: pos, expected: "',' or '}'") }
                    pos += 1
                    frames.count -= 1
                    try closeObject(frame)
                } else {
                    guard byte == _JSONByte.closeBracket else { throw unexpected(at: pos, expected: "',' or ']'") }
                    pos += 1
                    frames.count -= 1
                    closeArray(frame)
                }
            }
        }
    }

    /// Reads `"key"` and `:` of an object member, pushing the key.
    mutating func parseKeyAndColon(afterComma: Bool) throws(JSONParseError) {
        skipWhitespace()
        guard pos < end else { throw error(at: pos, "unexpected end of input") }
        let byte = base[pos]
        guard byte == _JSONByte.quote else {
            if afterComma && byte == _JSONByte.closeBrace { throw error(at: pos, "trailing comma in object") }
            throw unexpected(at: pos, expected: "a string key")
        }
        let keyOffset = pos
        let key = try parseString()
        keys.push(_JSONKeyEntry(key: key, offset: keyOffset))
        skipWhitespace()
        guard pos < end else { throw error(at: pos, "unexpected end of input") }
        guard base[pos] == _JSONByte.colon else { throw unexpected(at: pos, expected: "':'") }
        pos += 1
    }

    /// Replaces the elements of the array `frame` on the value stack by the array.
    mutating func closeArray(_ frame: _JSONFrame) {
        let count = values.count - frame.valueStart
        let first = values.base + frame.valueStart
        let elements = [JSONValue](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: first, count: count)
            initialized = count
        }
        values.count = frame.valueStart
        values.push(.array(elements))
    }

    /// Replaces the members of the object `frame` on the value and key stacks by the object.
    mutating func closeObject(_ frame: _JSONFrame) throws(JSONParseError) {
        let count = values.count - frame.valueStart
        let firstValue = values.base + frame.valueStart
        let firstKey = keys.base + frame.keyStart
        var members = [String: JSONValue](minimumCapacity: count)
        for i in 0..<count {
            if members.updateValue((firstValue + i).move(), forKey: firstKey[i].key) != nil {
                // Leave the stack fully initialized for `release()`.
                firstValue.initialize(repeating: .null, count: i + 1)
                throw duplicateKey(firstKey[i], earlier: UnsafeBufferPointer(start: firstKey, count: i))
            }
        }
        values.count = frame.valueStart
        firstKey.deinitialize(count: count)
        keys.count = frame.keyStart
        values.push(.object(members))
    }

    @inline(never)
    func duplicateKey(_ entry: _JSONKeyEntry, earlier: UnsafeBufferPointer<_JSONKeyEntry>) -> JSONParseError {
        let key = entry.key
        let original = earlier.first { $0.key == key }?.key ?? key
        if original.utf8.elementsEqual(key.utf8) {
            return error(at: entry.offset, "duplicate key \(_jsonQuoted(key))")
        }
        return error(
            at: entry.offset,
            "duplicate key \(_jsonQuoted(key)) (canonically equivalent to \(_jsonQuoted(original)))")
    }

    // MARK: Scalars

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let byte = base[pos]
            if byte > 0x20 { return }
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            pos += 1
        }
    }

    /// Consumes the four bytes `a b c d` or throws at the first mismatch.
    @inline(__always)
    mutating func expectLiteral(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8)
        throws(JSONParseError)
    {
        if end - pos >= 4 && base[pos] == a && base[pos + 1] == b && base[pos + 2] == c
            && base[pos + 3] == d
        {
            pos += 4
            return
        }
        for expected in [a, b, c, d] { try expectByte(expected) }
    }

    @inline(__always)
    mutating func expectByte(_ expected: UInt8) throws(JSONParseError) {
        guard pos < end else { throw error(at: pos, "unexpected end of input") }
        guard base[pos] == expected else { throw unexpected(at: pos, expected: nil) }
        pos += 1
    }

    @inline(__always)
    func isDigit(at index: Int) -> Bool {
        index < end && base[index] &- _JSONByte.zero < 10
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        let negative = base[pos] == _JSONByte.minus
        if negative {
            pos += 1
            guard isDigit(at: pos) else { throw error(at: pos, "invalid number: expected a digit after '-'") }
        }
        let integerStart = pos
        if base[pos] == _JSONByte.zero {
            pos += 1
            if isDigit(at: pos) { throw error(at: integerStart, "invalid number: leading zeros are not allowed") }
        } else {
            while isDigit(at: pos) { pos += 1 }
        }
        let integerEnd = pos
        var integral = true
        if pos < end && base[pos] == _JSONByte.dot {
            integral = false
            pos += 1
            guard isDigit(at: pos) else { throw error(at: pos, "invalid number: expected a digit after '.'") }
            while isDigit(at: pos) { pos += 1 }
        }
        if pos < end && base[pos] | 0x20 == 0x65 {  // e or E
            integral = false
            pos += 1
            if pos < end && (base[pos] == _JSONByte.plus || base[pos] == _JSONByte.minus) { pos += 1 }
            guard isDigit(at: pos) else { throw error(at: pos, "invalid number: expected a digit in the exponent") }
            while isDigit(at: pos) { pos += 1 }
        }

        if integral {
            let digitCount = integerEnd - integerStart
            if digitCount <= 18 {
                var value: Int64 = 0
                for i in integerStart..<integerEnd { value = value &* 10 &+ Int64(base[i] &- _JSONByte.zero) }
                return .integer(negative ? -value : value)
            }
            var magnitude: UInt64 = 0
            var fits = true
            for i in integerStart..<integerEnd {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(base[i] &- _JSONByte.zero))
                if o1 || o2 {
                    fits = false
                    break
                }
                magnitude = sum
            }
            if fits {
                if !negative && magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
                if negative && magnitude <= UInt64(Int64.max) + 1 {
                    return .integer(Int64(truncatingIfNeeded: 0 &- magnitude))
                }
            }
        }

        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error(at: start, "number out of range")
        }
        return .number(value)
    }

    // MARK: Strings

    /// Parses a string starting at the opening quote at `pos`.
    ///
    /// Strings without escapes become a `String` straight from the input bytes; once an escape
    /// shows up, the decoded text is gathered in `scratch`, in runs.
    mutating func parseString() throws(JSONParseError) -> String {
        let open = pos
        pos += 1
        var runStart = pos
        var escaped = false
        while true {
            // Skip plain ASCII eight bytes at a time, stopping right at the first other byte.
            while end - pos >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
                let mask = Self.attentionMask(word)
                if mask != 0 {
                    pos &+= mask.trailingZeroBitCount &>> 3
                    break
                }
                pos &+= 8
            }
            guard pos < end else { throw error(at: open, "unterminated string") }
            let byte = base[pos]
            if byte == _JSONByte.quote {
                let string: String
                if escaped {
                    scratch.append(base + runStart, count: pos - runStart)
                    string = String(
                        decoding: UnsafeBufferPointer(start: scratch.base, count: scratch.count), as: UTF8.self)
                } else {
                    string = String(
                        decoding: UnsafeBufferPointer(start: base + runStart, count: pos - runStart),
                        as: UTF8.self)
                }
                pos += 1
                return string
            }
            if byte == _JSONByte.backslash {
                if !escaped {
                    escaped = true
                    scratch.count = 0
                }
                scratch.append(base + runStart, count: pos - runStart)
                try parseEscape(open: open)
                runStart = pos
            } else if byte < 0x20 {
                throw controlCharacter(at: pos)
            } else if byte < 0x80 {
                pos += 1
            } else {
                pos += try validUTF8Sequence(at: pos)
            }
        }
    }

    /// For the eight bytes of `word` (first byte least significant), a mask with the top bit of
    /// each byte lane set if that byte is `"`, `\`, below 0x20, or 0x80 and above; zero if none is.
    /// Lanes above the first flagged one may be flagged wrongly (borrows only carry upwards), so
    /// only the lowest set bit is exact.
    @inline(__always)
    static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let lowOrZero = (word &- ones &* 0x20) | (quotes &- ones) | (backslashes &- ones)
        return ((lowOrZero & ~word) | word) & highs
    }

    /// Decodes the escape sequence at `pos` (a backslash) into `scratch`.
    mutating func parseEscape(open: Int) throws(JSONParseError) {
        let escape = pos
        pos += 1
        guard pos < end else { throw error(at: open, "unterminated string") }
        let kind = base[pos]
        pos += 1
        switch kind {
        case _JSONByte.quote, _JSONByte.backslash, 0x2F: scratch.push(kind)  // " \ /
        case 0x62: scratch.push(0x08)  // b
        case 0x66: scratch.push(0x0C)  // f
        case 0x6E: scratch.push(0x0A)  // n
        case 0x72: scratch.push(0x0D)  // r
        case 0x74: scratch.push(0x09)  // t
        case 0x75:  // u
            let unit = try hex4(escape: escape)
            var scalar = unit
            if 0xD800...0xDBFF ~= unit {
                guard end - pos >= 2 && base[pos] == _JSONByte.backslash && base[pos + 1] == 0x75 else {
                    throw error(at: escape, "lone surrogate \\u\(_jsonHex(unit)) in string")
                }
                let second = pos
                pos += 2
                let low = try hex4(escape: second)
                guard 0xDC00...0xDFFF ~= low else {
                    throw error(at: escape, "lone surrogate \\u\(_jsonHex(unit)) in string")
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if 0xDC00...0xDFFF ~= unit {
                throw error(at: escape, "lone surrogate \\u\(_jsonHex(unit)) in string")
            }
            appendUTF8(scalar)
        default:
            if kind >= 0x21 && kind < 0x7F {
                throw error(at: escape, "invalid escape sequence '\\\(Character(Unicode.Scalar(kind)))'")
            }
            throw error(at: escape, "invalid escape sequence")
        }
    }

    /// Reads four hex digits at `pos`.
    mutating func hex4(escape: Int) throws(JSONParseError) -> UInt32 {
        guard end - pos >= 4 else { throw error(at: escape, "invalid \\u escape: expected 4 hex digits") }
        var value: UInt32 = 0
        for i in pos..<pos + 4 {
            let byte = base[i]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw error(at: escape, "invalid \\u escape: expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        pos += 4
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.push(UInt8(scalar))
        case ..<0x800:
            scratch.push(UInt8(0xC0 | scalar >> 6))
            scratch.push(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.push(UInt8(0xE0 | scalar >> 12))
            scratch.push(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.push(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.push(UInt8(0xF0 | scalar >> 18))
            scratch.push(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.push(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.push(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `index`, or throws
    /// "invalid UTF-8" (overlong forms, surrogates, values above U+10FFFF, stray or missing
    /// continuation bytes).
    @inline(__always)
    func validUTF8Sequence(at index: Int) throws(JSONParseError) -> Int {
        if let length = utf8SequenceLength(at: index) { return length }
        throw error(at: index, "invalid UTF-8")
    }

    func utf8SequenceLength(at index: Int) -> Int? {
        let lead = base[index]
        let available = end - index
        @inline(__always) func continuation(_ i: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            let byte = base[index + i]
            return byte >= low && byte <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return available >= 2 && continuation(1) ? 2 : nil
        case 0xE0...0xEF:
            guard available >= 3 else { return nil }
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            return continuation(1, low, high) && continuation(2) ? 3 : nil
        case 0xF0...0xF4:
            guard available >= 4 else { return nil }
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : nil
        default:
            return nil
        }
    }

    // MARK: Errors

    /// An error at `offset` with line and column computed from the input.
    func error(at offset: Int, _ reason: String) -> JSONParseError {
        _jsonParseError(base, end, at: offset, reason)
    }

    /// An error for the byte at `offset`, which cannot start what the grammar expects there.
    @inline(never)
    func unexpected(at offset: Int, expected: String?) -> JSONParseError {
        let byte = base[offset]
        let what: String
        if byte >= 0x21 && byte < 0x7F {
            what = "'\(Character(Unicode.Scalar(byte)))'"
        } else if byte < 0x80 {
            what = "U+\(_jsonHex(UInt32(byte)))"
        } else if offset == 0 && end >= 3 && byte == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            return error(at: offset, "byte order mark is not allowed")
        } else if let length = utf8SequenceLength(at: offset) {
            let scalar = String(
                decoding: UnsafeBufferPointer(start: base + offset, count: length), as: UTF8.self
            ).unicodeScalars.first!
            what = "U+\(_jsonHex(scalar.value))"
        } else {
            return error(at: offset, "invalid UTF-8")
        }
        let suffix = expected.map { ", expected \($0)" } ?? ""
        return error(at: offset, "unexpected character \(what)\(suffix)")
    }

    @inline(never)
    func controlCharacter(at offset: Int) -> JSONParseError {
        error(at: offset, "unescaped control character U+\(_jsonHex(UInt32(base[offset]))) in string")
    }
}

/// Uppercase hex, at least four digits.
private func _jsonHex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// `text` in double quotes with `"`, `\` and control characters escaped, for error messages.
private func _jsonQuoted(_ text: String) -> String {
    String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
}

/// An error at `offset` in the `count` bytes at `base`, with line and column computed.
@inline(never)
private func _jsonParseError(
    _ base: UnsafePointer<UInt8>, _ count: Int, at offset: Int, _ reason: String
) -> JSONParseError {
    var line = 1
    var column = 1
    var i = 0
    while i < offset && i < count {
        let byte = base[i]
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
        i += 1
    }
    return JSONParseError(offset: offset, line: line, column: column, reason: reason)
}
