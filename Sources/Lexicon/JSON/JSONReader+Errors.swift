/// Errors with their line and column.
extension _JSONReader {
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
