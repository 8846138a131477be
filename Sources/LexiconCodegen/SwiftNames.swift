/// Swift spellings of lexicon names.
enum SwiftNames {
    /// `place.wisp.v2.secret.rotate` → `PlaceWispV2SecretRotate`.
    static func typeName(nsid: String) -> String {
        nsid.split(separator: ".").map { upperFirst($0) }.joined()
    }

    /// `secretView` → `SecretView`; anything not an identifier character becomes `_`.
    static func typeName(definition name: String) -> String {
        upperFirst(Substring(sanitized(name)))
    }

    /// A property or function name, back-quoted when it is a Swift keyword.
    static func identifier(_ name: String) -> String {
        let clean = sanitized(name)
        return keywords.contains(clean) ? "`\(clean)`" : clean
    }

    /// `NotFound` → `notFound`.
    static func caseName(_ name: String) -> String {
        let clean = sanitized(name)
        let lowered = clean.prefix(1).lowercased() + clean.dropFirst()
        return keywords.contains(lowered) ? "`\(lowered)`" : lowered
    }

    /// A `CodingKeys` case name for a property (never back-quoted: `default` becomes `default_`).
    static func codingKey(_ name: String) -> String {
        let clean = sanitized(name)
        return keywords.contains(clean) || clean == "lexiconType" ? clean + "_" : clean
    }

    private static func sanitized(_ name: String) -> String {
        var result = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if let first = result.first, first.isNumber { result = "_" + result }
        return result.isEmpty ? "_" : result
    }

    private static func upperFirst(_ part: Substring) -> String {
        part.prefix(1).uppercased() + part.dropFirst()
    }

    private static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
        "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "Type",
    ]
}
