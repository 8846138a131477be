/// Swift spellings of lexicon names.
enum SwiftNames {
    /// `place.wisp.v2.secret.rotate` → `PlaceWispV2SecretRotate`; `com.my-app.post` → `ComMyAppPost`.
    static func typeName(nsid: String) -> String {
        nsid.split(separator: ".").flatMap { $0.split(separator: "-") }.map { upperFirst(Substring(sanitized(String($0)))) }.joined()
    }

    /// The fallback when two NSIDs spell the same type name: segments joined by `_` (`Com_exampleFoo_bar`).
    static func distinctTypeName(nsid: String) -> String {
        let segments = nsid.split(separator: ".").map { sanitized($0.replacingOccurrences(of: "-", with: "_")) }
        return upperFirst(Substring(segments.joined(separator: "_")))
    }

    /// Names a nested type may not take: Swift's own, and those generated code already uses in that scope.
    static let reservedTypeNames: Set<String> = [
        "Type", "Self", "Protocol", "Any", "CodingKeys", "TypeKey", "String", "Int", "Bool", "Double", "Optional", "Array",
        "Dictionary", "Swift", "Lexicon", "Foundation", "Bytes", "CIDLink", "BlobRef", "Nullable", "Indirect", "JSONValue",
        "XRPCNothing", "XRPCRawBody", "XRPCMethodKind", "Record", "Input", "Output", "Parameters", "DeclaredError",
    ]

    /// A nested type name for `property` that is neither reserved nor in `taken` (then inserted into it).
    static func nestedTypeName(_ property: String, suffix: String = "", taken: inout Set<String>) -> String {
        var name = typeName(definition: property) + suffix
        if reservedTypeNames.contains(name) { name += "Value" }
        while !taken.insert(name).inserted { name += "_" }
        return name
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

    /// `identifier(name)`, made distinct from those in `taken` (then inserted into it) by appending `_`.
    static func identifier(_ name: String, taken: inout Set<String>) -> String {
        var clean = sanitized(name)
        // A parameter named `self` would shadow `self` in the memberwise init.
        if ["self", "Self", "Type", "Protocol"].contains(clean) { clean += "_" }
        while !taken.insert(clean).inserted { clean += "_" }
        return keywords.contains(clean) ? "`\(clean)`" : clean
    }

    /// `NotFound` → `notFound`.
    static func caseName(_ name: String) -> String {
        let clean = sanitized(name)
        let lowered = clean.prefix(1).lowercased() + clean.dropFirst()
        return keywords.contains(lowered) ? "`\(lowered)`" : lowered
    }

    /// A `CodingKeys` case name for a property (never back-quoted: `default` becomes `default_`).
    static func codingKey(_ identifier: String) -> String {
        let clean = identifier.replacingOccurrences(of: "`", with: "")
        return keywords.contains(clean) || clean == "lexiconType" ? clean + "_" : clean
    }

    private static func sanitized(_ name: String) -> String {
        var result = String(name.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" ? $0 : "_" })
        if let first = result.first, first.isNumber { result = "_" + result }
        if result.allSatisfy({ $0 == "_" }) { result = "value" + result }
        return result
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
