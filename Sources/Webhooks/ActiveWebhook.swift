import Jetstream
import Lexicon
import Storage

/// A webhook ready to match events: a validated `place.wisp.v2.wh` record, decoded.
public struct ActiveWebhook: Sendable, Equatable {
    public let owner: String
    public let rkey: String
    public let url: String
    public let scope: WebhookScope
    /// `scope.backlinks`: also fire for records anywhere that refer into the scope (see ``BacklinkReferences``).
    public let backlinks: Bool
    /// `nil`: every operation.
    public let events: Set<RecordOperation>?
    /// The record's `enabled`, unless the server paused the webhook (``disabledReason``).
    public private(set) var enabled: Bool
    /// Why the server (or its owner, through `dev.sigil.webhook.setEnabled`) paused it; a change of the record clears it.
    public private(set) var disabledReason: String?
    /// The record's own `enabled`.
    public let recordEnabled: Bool
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
        backlinks = record["scope"]?["backlinks"]?.boolValue ?? false
        events = record["events"]?.arrayValue.map { Set($0.compactMap { $0.stringValue.flatMap(RecordOperation.init(rawValue:)) }) }
        enabled = record["enabled"]?.boolValue ?? true
        recordEnabled = enabled
        secretName = record["secretId"]?.stringValue
        inlineSecret = secretName == nil ? record["secret"]?.stringValue : nil
    }

    /// This webhook, paused by the server for `reason`.
    public func disabled(reason: String) -> ActiveWebhook {
        var copy = self
        copy.enabled = false
        copy.disabledReason = reason
        return copy
    }

    /// This webhook with the server's pause lifted (enabled as its record says).
    public func resumed() -> ActiveWebhook {
        var copy = self
        copy.enabled = recordEnabled
        copy.disabledReason = nil
        return copy
    }

    /// Why a delivery queued for this webhook's match `delivery` must not be sent now, or nil if it may: the
    /// webhook must still exist (checked by the caller), be enabled, point at the same URL and name the same
    /// secret (or inline secret) as when the event matched.
    public func cancellation(of delivery: NewDelivery) -> String? {
        if !enabled {
            return disabledReason.map { "webhook paused: \($0)" } ?? "webhook disabled (enabled: false)"
        }
        if url != delivery.url { return "webhook now points at another URL" }
        if secretName != delivery.secretName { return "webhook now names another secret" }
        if inlineSecret.map(NewDelivery.fingerprint(ofInlineSecret:)) != delivery.inlineSecretFingerprint {
            return "webhook's secret changed"
        }
        return nil
    }

    /// Whether this webhook fires for an operation on `did/collection/rkey`.
    public func fires(on operation: RecordOperation, did: String, collection: String, rkey: String) -> Bool {
        enabled && (events?.contains(operation) ?? true) && scope.matches(did: did, collection: collection, rkey: rkey)
    }

    /// Whether this backlink webhook fires for an operation on a record that refers to `reference`.
    public func fires(on operation: RecordOperation, referring reference: WebhookScope) -> Bool {
        backlinks && enabled && (events?.contains(operation) ?? true) && scope.contains(reference: reference)
    }
}
