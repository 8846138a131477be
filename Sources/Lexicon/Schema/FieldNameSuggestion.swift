/// "Did you mean" for schema fields: the closest known name within a small edit distance.
enum FieldNameSuggestion {
    /// Every schema field of the Lexicon spec, by the types that define it.
    static let fieldsByType: [String: [String]] = [
        "boolean": ["default", "const"],
        "integer": ["minimum", "maximum", "enum", "default", "const"],
        "string": ["format", "minLength", "maxLength", "minGraphemes", "maxGraphemes", "knownValues", "enum", "default", "const"],
        "bytes": ["minLength", "maxLength"],
        "blob": ["accept", "maxSize"],
        "array": ["items", "minLength", "maxLength"],
        "object": ["properties", "required", "nullable"],
        "params": ["properties", "required"],
        "ref": ["ref"],
        "union": ["refs", "closed"],
        "record": ["key", "record"],
        "query": ["parameters", "output", "errors"],
        "procedure": ["parameters", "input", "output", "errors"],
        "subscription": ["parameters", "message", "errors", "subprotocol"],
        "permission-set": ["title", "title:lang", "detail", "detail:lang", "permissions"],
    ]

    /// The types that define `key`, as a phrase (`"array, bytes and string"`), or `nil` if none does.
    static func typesDefining(_ key: String) -> String? {
        let owners = fieldsByType.filter { $0.value.contains(key) }.map(\.key).sorted()
        switch owners.count {
        case 0: return nil
        case 1: return "type " + owners[0]
        default: return "types " + owners.dropLast().joined(separator: ", ") + " and " + owners.last!
        }
    }

    /// The candidate closest to `key` if it is a plausible typo: case-insensitively equal, or within
    /// an edit distance of 2 (1 for names of up to 4 characters), transpositions counting once.
    static func closest(to key: String, among candidates: Set<String>) -> String? {
        let lowered = Array(key.lowercased().utf8)
        guard lowered.count <= 64 else { return nil }
        let limit = lowered.count <= 4 ? 1 : 2
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(lowered, Array(candidate.lowercased().utf8))
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
