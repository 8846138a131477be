import Lexicon

/// The kind of record change: what a commit event did, and what a webhook can fire on.
public enum RecordOperation: String, Sendable, CaseIterable {
    case create, update, delete
}

/// A Jetstream commit event: `{"did","time_us","kind":"commit","commit":{"rev","operation","collection","rkey","record"?,"cid"?}}`.
/// Other kinds (identity, account) are not record events and are skipped.
public struct JetstreamEvent: Sendable {
    public let did: String
    public let timeMicroseconds: Int64
    public let operation: RecordOperation
    public let collection: String
    public let rkey: String
    public let rev: String?
    public let cid: String?
    public let record: JSONValue?

    /// Parses a commit event; `nil` for other kinds or malformed events.
    public init?(_ value: JSONValue) {
        guard value["kind"]?.stringValue == "commit", let commit = value["commit"],
            let did = value["did"]?.stringValue, DID.isValid(did),
            let time = Self.time(of: value),
            let operation = commit["operation"]?.stringValue.flatMap(RecordOperation.init(rawValue:)),
            let collection = commit["collection"]?.stringValue, NSID.isValid(collection),
            let rkey = commit["rkey"]?.stringValue, RecordKey.isValid(rkey)
        else { return nil }
        self.did = did
        timeMicroseconds = time
        self.operation = operation
        self.collection = collection
        self.rkey = rkey
        rev = commit["rev"]?.stringValue
        cid = commit["cid"]?.stringValue
        record = operation == .delete ? nil : commit["record"]
    }

    /// The latest `time_us` accepted: 9999-12-31T23:59:59Z. A cursor is never set from a time outside
    /// 0…this, so arithmetic on cursors cannot overflow.
    public static let maxTimeMicroseconds: Int64 = 253_402_300_799_999_999

    /// The `time_us` of any event kind (for the cursor), if present and in range.
    public static func time(of value: JSONValue) -> Int64? {
        guard let time = value["time_us"]?.integerValue, time >= 0, time <= maxTimeMicroseconds else { return nil }
        return time
    }

    /// The `time_us` of a message too large (or too broken) to parse, from its first bytes: Jetstream writes
    /// `did`, `time_us` and `kind` first. Looks at no more than `prefix` bytes; nil if not found or out of range.
    public static func time(inPrefixOf bytes: some Collection<UInt8>, prefix: Int = 4096) -> Int64? {
        let head = Array(bytes.prefix(prefix))
        let key = Array(#""time_us""#.utf8)
        guard head.count > key.count else { return nil }
        var index = 0
        while index + key.count <= head.count {
            if head[index..<(index + key.count)].elementsEqual(key) { break }
            index += 1
        }
        guard index + key.count <= head.count else { return nil }
        index += key.count
        while index < head.count, head[index] == UInt8(ascii: " ") || head[index] == UInt8(ascii: ":") { index += 1 }
        var value: Int64 = 0
        var digits = 0
        while index < head.count, head[index] >= UInt8(ascii: "0"), head[index] <= UInt8(ascii: "9") {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(head[index] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0, value <= maxTimeMicroseconds else { return nil }
        return value
    }
}
