/// Strings: the fast path without escapes, escapes, UTF-8 checks.
extension _JSONReader {
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
}
