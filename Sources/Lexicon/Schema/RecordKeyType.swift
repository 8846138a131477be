/// The `key` of a record definition: which record keys the collection accepts.
public enum RecordKeyType: Sendable, Hashable, CustomStringConvertible {
    /// Timestamp identifiers.
    case tid
    /// NSIDs.
    case nsid
    /// Exactly one fixed key, e.g. `literal:self`.
    case literal(String)
    /// Any valid record key.
    case any

    /// Parses a lexicon `key` value; `nil` when it is none of `tid`, `nsid`, `any`, `literal:<record-key>`.
    public init?(_ string: String) {
        switch string {
        case "tid": self = .tid
        case "nsid": self = .nsid
        case "any": self = .any
        default:
            guard string.hasPrefix("literal:") else { return nil }
            let key = String(string.dropFirst("literal:".count))
            guard RecordKey.isValid(key) else { return nil }
            self = .literal(key)
        }
    }

    /// Whether `key` is an acceptable record key for this collection.
    public func accepts(_ key: String) -> Bool {
        guard RecordKey.isValid(key) else { return false }
        switch self {
        case .tid: return TID.isValid(key)
        case .nsid: return NSID.isValid(key)
        case .literal(let literal): return key == literal
        case .any: return true
        }
    }

    public var description: String {
        switch self {
        case .tid: "tid"
        case .nsid: "nsid"
        case .literal(let key): "literal:\(key)"
        case .any: "any"
        }
    }
}
