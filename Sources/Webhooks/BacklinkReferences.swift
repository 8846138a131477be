import Lexicon

/// The AT-URI references in a record, for `scope.backlinks`: string values anywhere in the record that are
/// themselves `at://DID[/COLLECTION[/RKEY]]` (after trailing sentence punctuation is trimmed), never prose
/// containing one. The walk is bounded (depth, values, bytes, references); a record past a bound yields what
/// was found before it.
public enum BacklinkReferences {
    public static let maxDepth = 32
    public static let maxValues = 2_048
    public static let maxBytes = 256 * 1_024
    public static let maxReferences = 256

    /// Distinct references in `record`, in the order met, at most ``maxReferences``.
    public static func of(_ record: JSONValue) -> [WebhookScope] {
        var found: [WebhookScope] = []
        var seen: Set<String> = []
        var values = 0
        var bytes = 0
        var pending: [(JSONValue, Int)] = [(record, 0)]
        while let (value, depth) = pending.popLast() {
            values += 1
            guard values <= maxValues, found.count < maxReferences else { break }
            switch value {
            case .string(let text):
                bytes += text.utf8.count
                guard bytes <= maxBytes else { return found }
                guard text.hasPrefix("at://") || text.first?.isWhitespace == true else { continue }
                var candidate = Substring(text.trimmingCharacters(in: .whitespaces))
                while let last = candidate.last, "),;!?]}'\".".contains(last) { candidate = candidate.dropLast() }
                if let reference = WebhookScope(String(candidate)), !String(candidate).contains("*"), seen.insert(String(candidate)).inserted {
                    found.append(reference)
                }
            case .array(let items):
                guard depth < maxDepth else { continue }
                for item in items.reversed() { pending.append((item, depth + 1)) }
            case .object(let fields):
                guard depth < maxDepth else { continue }
                for key in fields.keys.sorted().reversed() { pending.append((fields[key]!, depth + 1)) }
            default:
                continue
            }
        }
        return found
    }
}
