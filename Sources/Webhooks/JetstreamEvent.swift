import Lexicon

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
              let time = value["time_us"]?.integerValue,
              let operation = commit["operation"]?.stringValue.flatMap(RecordOperation.init(rawValue:)),
              let collection = commit["collection"]?.stringValue, NSID.isValid(collection),
              let rkey = commit["rkey"]?.stringValue, RecordKey.isValid(rkey) else { return nil }
        self.did = did
        timeMicroseconds = time
        self.operation = operation
        self.collection = collection
        self.rkey = rkey
        rev = commit["rev"]?.stringValue
        cid = commit["cid"]?.stringValue
        record = operation == .delete ? nil : commit["record"]
    }

    /// The `time_us` of any event kind (for the cursor), if present.
    public static func time(of value: JSONValue) -> Int64? {
        value["time_us"]?.integerValue
    }
}
