import Lexicon

/// The kind of record change a webhook can fire on.
public enum RecordOperation: String, Sendable, CaseIterable {
    case create, update, delete
}

/// A webhook ready to match events: a validated `place.wisp.v2.wh` record, decoded.
public struct ActiveWebhook: Sendable, Equatable {
    public let owner: String
    public let rkey: String
    public let url: String
    public let scope: WebhookScope
    /// `nil`: every operation.
    public let events: Set<RecordOperation>?
    public let enabled: Bool
    /// A server-managed secret (`secretId`), looked up at send time; takes precedence over `inlineSecret`.
    public let secretName: String?
    /// The record's own plaintext `secret`.
    public let inlineSecret: String?

    /// Why a (lexicon-valid) record cannot be activated.
    public struct Rejection: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Decodes a record already validated against `place.wisp.v2.wh`.
    public init(owner: String, rkey: String, record: JSONValue) throws(Rejection) {
        guard let url = record["url"]?.stringValue else { throw Rejection(description: "no url") }
        guard let aturi = record["scope"]?["aturi"]?.stringValue, let scope = WebhookScope(aturi) else {
            throw Rejection(description: "scope.aturi must be at://DID[/COLLECTION[/RKEY]] with a DID authority")
        }
        self.owner = owner
        self.rkey = rkey
        self.url = url
        self.scope = scope
        events = record["events"]?.arrayValue.map { Set($0.compactMap { $0.stringValue.flatMap(RecordOperation.init(rawValue:)) }) }
        enabled = record["enabled"]?.boolValue ?? true
        secretName = record["secretId"]?.stringValue
        inlineSecret = secretName == nil ? record["secret"]?.stringValue : nil
    }

    /// Whether this webhook fires for an operation on `did/collection/rkey`.
    public func fires(on operation: RecordOperation, did: String, collection: String, rkey: String) -> Bool {
        enabled && (events?.contains(operation) ?? true) && scope.matches(did: did, collection: collection, rkey: rkey)
    }
}
