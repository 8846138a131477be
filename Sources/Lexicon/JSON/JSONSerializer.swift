// Compact JSON output for JSONValue.

extension JSONValue {
    /// The value as compact UTF-8 JSON (no insignificant whitespace).
    ///
    /// Strings escape `"`, `\` and control characters (`\n`, `\t`, `\r`, `\b`, `\f`, else
    /// `\u00XX`); everything else is written as UTF-8. Doubles use Swift's shortest round-tripping
    /// form (`0.1`, `5.0`, `1e+20`); a non-finite double, which parsing never produces, is written
    /// as `null`.
    /// - Parameter sortedKeys: Write object members in ascending order of their keys' UTF-8 bytes
    ///   (i.e. by code point). Otherwise members come in `Dictionary` order, which differs from
    ///   process to process.
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        _JSONWriter(sortedKeys: sortedKeys).write(self, into: &output)
        return output
    }

    /// The value as a compact JSON string, members in `Dictionary` order
    /// (see ``serialized(sortedKeys:)``).
    public var jsonString: String {
        String(decoding: serialized(), as: UTF8.self)
    }
}

/// Writes JSON text for values; recursive in the nesting depth of the value.
private struct _JSONWriter {
    let sortedKeys: Bool

    func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C] as [UInt8])  // null
        case .bool(true):
            output.append(contentsOf: [0x74, 0x72, 0x75, 0x65] as [UInt8])  // true
        case .bool(false):
            output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65] as [UInt8])  // false
        case .integer(let integer):
            writeInteger(integer, into: &output)
        case .number(let number):
            if number.isFinite {
                output.append(contentsOf: number.description.utf8)
            } else {
                output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C] as [UInt8])
            }
        case .string(let string):
            writeString(string, into: &output)
        case .array(let elements):
            output.append(0x5B)  // [
            var first = true
            for element in elements {
                if !first { output.append(0x2C) }
                first = false
                write(element, into: &output)
            }
            output.append(0x5D)  // ]
        case .object(let members):
            output.append(0x7B)  // {
            var first = true
            if sortedKeys {
                let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for key in keys {
                    if !first { output.append(0x2C) }
                    first = false
                    writeString(key, into: &output)
                    output.append(0x3A)  // :
                    write(members[key]!, into: &output)
                }
            } else {
                for (key, member) in members {
                    if !first { output.append(0x2C) }
                    first = false
                    writeString(key, into: &output)
                    output.append(0x3A)
                    write(member, into: &output)
                }
            }
            output.append(0x7D)  // }
        }
    }

    func writeInteger(_ integer: Int64, into output: inout [UInt8]) {
        var magnitude = integer.magnitude
        if integer < 0 { output.append(0x2D) }
        let start = output.count
        repeat {
            output.append(0x30 + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        output[start...].reverse()
    }

    func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(0x22)
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            writeEscaped(bytes, into: &output)
        }
        if done == nil {
            let bytes = Array(string.utf8)
            bytes.withUnsafeBufferPointer { writeEscaped($0, into: &output) }
        }
        output.append(0x22)
    }

    /// Appends `bytes` (valid UTF-8), escaping what JSON requires, in runs of plain bytes.
    func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var runStart = 0
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            output.append(0x5C)  // \
            switch byte {
            case 0x22, 0x5C: output.append(byte)
            case 0x08: output.append(0x62)  // b
            case 0x0C: output.append(0x66)  // f
            case 0x0A: output.append(0x6E)  // n
            case 0x0D: output.append(0x72)  // r
            case 0x09: output.append(0x74)  // t
            default:
                let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
}
