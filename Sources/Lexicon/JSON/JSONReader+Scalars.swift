/// Literals, whitespace and numbers.
extension _JSONReader {
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
}
