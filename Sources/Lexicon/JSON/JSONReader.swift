// MARK: - Reader

/// ASCII codes used by the reader.
enum _JSONByte {
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
struct _JSONFrame {
    /// Whether this is an object (else an array).
    var isObject: Bool
    /// Index in the value stack of the container's first element.
    var valueStart: Int
    /// Index in the key stack of the object's first key.
    var keyStart: Int
}

/// An object key waiting on the key stack for its object to close.
struct _JSONKeyEntry {
    var key: String
    /// Offset of the key's opening quote, for duplicate-key errors.
    var offset: Int
}

/// A stack living in caller-provided (usually stack-allocated) memory that moves to the heap when
/// that fills up. The owner must call ``release()``.
struct _JSONStack<Element> {
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
struct _JSONReader {
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
}

/// Uppercase hex, at least four digits.
func _jsonHex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// `text` in double quotes with `"`, `\` and control characters escaped, for error messages.
func _jsonQuoted(_ text: String) -> String {
    String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
}

/// An error at `offset` in the `count` bytes at `base`, with line and column computed.
@inline(never)
func _jsonParseError(
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
