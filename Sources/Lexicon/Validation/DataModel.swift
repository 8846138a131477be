/// The atproto data model's JSON shapes: `$bytes`, `$link`, blobs, and what `unknown` may hold.
enum DataModel {
    /// A decoded blob reference.
    struct Blob {
        let mimeType: String
        let size: Int64
    }

    /// The largest magnitude an integer-like float may have: beyond 2^53 a double no longer holds every
    /// integer, so `9007199254740993.0` would silently become another number.
    static let largestExactFloatInteger = 9_007_199_254_740_992.0

    /// The integer a JSON number stands for in the data model: an `.integer`, or an integral `.number`
    /// such as `123.0` or `1e2` of magnitude at most 2^53. `nil` for `123.5`, `1e19` and non-numbers.
    @inline(__always)
    static func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .integer(let i): return i
        case .number(let d):
            guard d.isFinite, d == d.rounded(.towardZero), abs(d) <= largestExactFloatInteger else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    /// A blob's concrete MIME type: a type/subtype, not a `type/*` pattern.
    static func isMIMEType(_ text: String) -> Bool {
        MIMEPattern(text) != nil && !text.contains("*")
    }

    /// A legacy blob, `{"cid": "<cid>", "mimeType": "<type>"}` (exactly those keys), or `nil` if `value` is not one.
    static func legacyBlob(_ value: JSONValue) throws(ValidationFailure) -> (cid: String, mimeType: String)? {
        guard case .object(let object) = value, object.count == 2, let cidValue = object["cid"], let typeValue = object["mimeType"] else {
            return nil
        }
        guard case .string(let cid) = cidValue, CIDString.isValid(cid) else {
            throw ValidationFailure("must be a valid cid").prefixed("cid")
        }
        guard case .string(let mimeType) = typeValue, isMIMEType(mimeType) else {
            throw ValidationFailure("must be a MIME type like image/png").prefixed("mimeType")
        }
        return (cid, mimeType)
    }

    /// Checks `{"$bytes": "<base64>"}` and returns the decoded length.
    static func bytesLength(_ value: JSONValue) throws(ValidationFailure) -> Int {
        guard case .object(let object) = value, object.count == 1, case .string(let encoded)? = object["$bytes"] else {
            throw ValidationFailure("must be bytes: {\"$bytes\": \"<base64>\"}")
        }
        guard let length = Base64Syntax.decodedLength(encoded) else {
            throw ValidationFailure("must be bytes: \"$bytes\" is not valid base64")
        }
        return length
    }

    /// Checks `{"$link": "<cid>"}`.
    static func checkLink(_ value: JSONValue) throws(ValidationFailure) {
        guard case .object(let object) = value, object.count == 1, case .string(let cid)? = object["$link"] else {
            throw ValidationFailure("must be a cid-link: {\"$link\": \"<cid>\"}")
        }
        guard CIDString.isValid(cid) else { throw ValidationFailure("must be a cid-link: \"$link\" is not a valid cid") }
    }

    /// Checks `{"$type": "blob", "ref": {"$link": cid}, "mimeType": string, "size": integer}`.
    static func checkBlob(_ value: JSONValue) throws(ValidationFailure) -> Blob {
        guard case .object(let object) = value, case .string("blob")? = object["$type"] else {
            throw ValidationFailure("must be a blob: {\"$type\": \"blob\", \"ref\", \"mimeType\", \"size\"}")
        }
        guard let ref = object["ref"] else { throw ValidationFailure("must have the property \"ref\"") }
        do { try checkLink(ref) } catch { throw error.prefixed("ref") }
        guard case .string(let mimeType)? = object["mimeType"] else {
            throw ValidationFailure(object["mimeType"] == nil ? "must have the property \"mimeType\"" : "must be a string").prefixedIf(
                object["mimeType"] != nil, "mimeType")
        }
        guard isMIMEType(mimeType) else {
            throw ValidationFailure("must be a MIME type like image/png").prefixed("mimeType")
        }
        guard let sizeValue = object["size"] else { throw ValidationFailure("must have the property \"size\"") }
        guard let size = integer(sizeValue) else { throw ValidationFailure("must be an integer").prefixed("size") }
        for key in object.keys where !["$type", "ref", "mimeType", "size"].contains(key) {
            throw ValidationFailure("must be a blob with exactly $type, ref, mimeType and size, not also \(StringSchema.literal(key))")
        }
        guard size >= 0 else { throw ValidationFailure("can not be less than 0").prefixed("size") }
        return Blob(mimeType: mimeType, size: size)
    }

    /// `unknown`: an object that is not a bytes, link or blob in disguise, holding only valid data-model values.
    /// Returns the value with integer-like floats written as integers, when there were any.
    static func checkUnknown(_ value: JSONValue) throws(ValidationFailure) -> JSONValue? {
        guard case .object(let object) = value else { throw ValidationFailure("must be an object") }
        try checkPlainObject(object)
        return try checkData(value)
    }

    /// An object schema's value must not be a bytes, cid-link or blob value in disguise.
    static func checkPlainObject(_ object: [String: JSONValue]) throws(ValidationFailure) {
        if object["$bytes"] != nil || object["$link"] != nil || object["$type"] == .string("blob") {
            throw ValidationFailure("must be an object, not a bytes, cid-link or blob value")
        }
    }

    /// Data-model validity at any depth: no non-integral numbers, well-formed `$bytes`/`$link`/blob objects,
    /// non-empty string `$type`s. Returns the value with integer-like floats (`2.0`) written as integers
    /// (`2`) when there were any, `nil` when it is unchanged.
    static func checkData(_ value: JSONValue) throws(ValidationFailure) -> JSONValue? {
        switch value {
        case .null, .bool, .integer, .string:
            return nil
        case .number:
            guard let integer = integer(value) else {
                throw ValidationFailure("must not be a floating-point number (the atproto data model has integers only)")
            }
            return .integer(integer)
        case .array(let items):
            var updated: [JSONValue]?
            for (i, item) in items.enumerated() {
                do throws(ValidationFailure) {
                    if let replaced = try checkData(item) {
                        if updated == nil { updated = items }
                        updated![i] = replaced
                    }
                } catch {
                    throw error.prefixed(String(i))
                }
            }
            return updated.map(JSONValue.array)
        case .object(let object):
            if object["$bytes"] != nil {
                _ = try bytesLength(value)
                return nil
            }
            if object["$link"] != nil {
                try checkLink(value)
                return nil
            }
            if let type = object["$type"] {
                guard case .string(let name) = type, !name.isEmpty else {
                    throw ValidationFailure("must be a non-empty string").prefixed("$type")
                }
                if name == "blob" {
                    _ = try checkBlob(value)
                    return object["size"]?.isNumber == true ? .object(object.merging(["size": .integer(integer(object["size"]!)!)]) { $1 }) : nil
                }
            }
            var updated: [String: JSONValue]?
            for (key, item) in object {
                do throws(ValidationFailure) {
                    if let replaced = try checkData(item) {
                        if updated == nil { updated = object }
                        updated![key] = replaced
                    }
                } catch {
                    throw error.prefixed(key)
                }
            }
            return updated.map(JSONValue.object)
        }
    }
}

extension ValidationFailure {
    func prefixedIf(_ condition: Bool, _ component: String) -> ValidationFailure {
        condition ? prefixed(component) : self
    }
}

/// Standard base64 (RFC 4648 §4), with or without padding, as used by `$bytes`.
enum Base64Syntax {
    /// The number of bytes `encoded` decodes to, or `nil` if it is not valid base64.
    static func decodedLength(_ encoded: String) -> Int? {
        var count = 0
        var padding = 0
        for byte in encoded.utf8 {
            if byte == 0x3D {
                padding += 1
                continue
            }  // "="
            guard padding == 0 else { return nil }  // data after padding
            let isAlphabet =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2F
            guard isAlphabet else { return nil }
            count += 1
        }
        if padding > 0 && (count + padding) % 4 != 0 { return nil }
        if padding > 2 { return nil }
        switch count % 4 {
        case 0: return count / 4 * 3
        case 1: return nil
        default: return count / 4 * 3 + (count % 4 - 1)
        }
    }
}
