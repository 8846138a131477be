/// Constraint checks shared by the validator and the loader (which checks `default`, `const` and `enum`
/// values against their own schema).
protocol ScalarSchema {
    associatedtype Value
    /// Why `value` breaks this schema, as a phrase like `must be a valid did`; `nil` when it is fine.
    func constraintViolation(_ value: Value, ignoringValueSets: Bool, ignoringConst: Bool) -> String?
    /// How a value is written in messages.
    static func literal(_ value: Value) -> String
}

extension ScalarSchema {
    func constraintViolation(_ value: Value, ignoringValueSets: Bool) -> String? {
        constraintViolation(value, ignoringValueSets: ignoringValueSets, ignoringConst: false)
    }

    func constraintViolation(_ value: Value) -> String? {
        constraintViolation(value, ignoringValueSets: false, ignoringConst: false)
    }
}

extension IntegerSchema: ScalarSchema {
    func constraintViolation(_ value: Int64, ignoringValueSets: Bool, ignoringConst: Bool) -> String? {
        if !ignoringConst, let constValue, value != constValue { return "must be \(constValue)" }
        if !ignoringValueSets, let enumValues, !enumValues.contains(value) {
            return "must be one of \(enumValues.map(String.init).joined(separator: ", "))"
        }
        if let minimum, value < minimum { return "can not be less than \(minimum)" }
        if let maximum, value > maximum { return "can not be greater than \(maximum)" }
        return nil
    }

    static func literal(_ value: Int64) -> String { String(value) }
}

extension StringSchema {
    /// Why `value` breaks this schema (`must be a valid did`, …), or `nil` when it meets every constraint.
    public func violation(of value: String) -> String? {
        constraintViolation(value)
    }
}

extension StringSchema: ScalarSchema {
    func constraintViolation(_ value: String, ignoringValueSets: Bool, ignoringConst: Bool) -> String? {
        constraintViolation(value, ignoringValueSets: ignoringValueSets, ignoringConst: ignoringConst, checkingFormat: true)
    }

    /// Every constraint but, optionally, the format (for lenient datetimes, checked separately).
    func constraintViolation(_ value: String, checkingFormat: Bool) -> String? {
        constraintViolation(value, ignoringValueSets: false, ignoringConst: false, checkingFormat: checkingFormat)
    }

    func constraintViolation(_ value: String, ignoringValueSets: Bool, ignoringConst: Bool, checkingFormat: Bool) -> String? {
        if !ignoringConst, let constValue, value != constValue { return "must be \(Self.literal(constValue))" }
        if !ignoringValueSets, let enumValues, !enumValues.contains(value) {
            return "must be one of \(enumValues.map(Self.literal).joined(separator: ", "))"
        }
        if minLength != nil || maxLength != nil {
            let bytes = value.utf8.count
            if let minLength, bytes < minLength { return "must not be shorter than \(minLength) UTF-8 bytes" }
            if let maxLength, bytes > maxLength { return "must not be longer than \(maxLength) UTF-8 bytes" }
        }
        if minGraphemes != nil || maxGraphemes != nil {
            let bytes = value.utf8.count
            // A grapheme is at least one byte, so the byte count alone often settles it.
            if let minGraphemes, bytes < minGraphemes { return "must not be shorter than \(minGraphemes) graphemes" }
            let mayBeTooShort = (minGraphemes ?? 0) > 0
            let mayBeTooLong = maxGraphemes.map { bytes > $0 } ?? false
            if mayBeTooShort || mayBeTooLong {
                let graphemes = Self.graphemeCount(value)
                if let minGraphemes, graphemes < minGraphemes { return "must not be shorter than \(minGraphemes) graphemes" }
                if let maxGraphemes, graphemes > maxGraphemes { return "must not be longer than \(maxGraphemes) graphemes" }
            }
        }
        if checkingFormat, let format, !format.isValid(value) { return "must be a valid \(format.rawValue)" }
        return nil
    }

    static func literal(_ value: String) -> String {
        JSONValue.string(value).jsonString
    }

    /// Extended grapheme clusters (Unicode UAX #29), with a fast path for ASCII.
    static func graphemeCount(_ value: String) -> Int {
        var count = 0
        var previousCR = false
        for byte in value.utf8 {
            if byte >= 0x80 { return value.count }
            // In ASCII every byte is a grapheme, except that "\r\n" is one.
            if !(previousCR && byte == 0x0A) { count += 1 }
            previousCR = byte == 0x0D
        }
        return count
    }
}
