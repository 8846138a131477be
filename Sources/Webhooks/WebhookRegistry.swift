import Lexicon
import Logging
import Metrics
import Secrets

/// Keeps the active webhooks: reads `place.wisp.v2.wh` records back from their PDS on every change,
/// validates them with the lexicon engine, and stores and indexes the valid ones. Invalid records are
/// ignored with a logged reason (and deactivate a previous version).
public final class WebhookRegistry: Sendable {
    public static let collection = "place.wisp.v2.wh"

    public let index: WebhookIndex
    let store: any DeliveryStore
    let catalog: LexiconCatalog
    let fetcher: PDSRecordFetcher
    public let logger: Logger

    public init(index: WebhookIndex, store: any DeliveryStore, catalog: LexiconCatalog, fetcher: PDSRecordFetcher, logger: Logger) {
        self.index = index
        self.store = store
        self.catalog = catalog
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Loads the stored webhooks into the index (at start).
    public func load() async throws(SecretStoreError) {
        for registration in try await store.webhooks() {
            guard let record = try? JSONValue(parsing: registration.record),
                  let webhook = try? ActiveWebhook(owner: registration.owner, rkey: registration.rkey, record: record) else { continue }
            index.put(webhook)
        }
        recordActiveCount()
    }

    /// Applies a change to a webhook record seen on the network.
    public func apply(_ event: JetstreamEvent, now: Int64) async throws(SecretStoreError) {
        var log = logger
        log[metadataKey: "webhook"] = .string("at://\(event.did)/\(event.collection)/\(event.rkey)")
        if event.operation == .delete {
            try await deactivate(owner: event.did, rkey: event.rkey)
            log.info("webhook removed")
            return
        }
        let record: JSONValue
        do {
            switch try await fetcher.record(did: event.did, collection: Self.collection, rkey: event.rkey) {
            case .found(let value): record = value
            case .notFound:
                try await deactivate(owner: event.did, rkey: event.rkey)
                log.info("webhook record no longer exists; removed")
                return
            }
        } catch let failure as PDSRecordFetcher.Failure {
            // Keep whatever was active: a PDS outage must not silently switch webhooks off.
            log.warning("cannot read the webhook record back from its PDS; keeping the previous state", metadata: ["reason": .string(failure.description)])
            return
        } catch {
            throw error as? SecretStoreError ?? .unavailable("\(error)")
        }
        try await activate(owner: event.did, rkey: event.rkey, record: record, now: now, logger: log)
    }

    /// Validates and activates a record (also used by tests and backfills).
    public func activate(owner: String, rkey: String, record: JSONValue, now: Int64, logger log: Logger) async throws(SecretStoreError) {
        let webhook: ActiveWebhook
        do {
            guard case .valid = try catalog.validateRecord(record, collection: Self.collection, recordKey: rkey) else {
                let reason = (try? catalog.validateRecord(record, collection: Self.collection, recordKey: rkey)).flatMap {
                    if case .invalid(let error) = $0 { return error.message } else { return nil }
                } ?? "invalid"
                log.warning("ignoring an invalid webhook record", metadata: ["reason": .string(reason)])
                try await deactivate(owner: owner, rkey: rkey)
                return
            }
            webhook = try ActiveWebhook(owner: owner, rkey: rkey, record: record)
        } catch let rejection as ActiveWebhook.Rejection {
            log.warning("ignoring a webhook record", metadata: ["reason": .string(rejection.description)])
            try await deactivate(owner: owner, rkey: rkey)
            return
        } catch {
            log.error("the lexicon catalog has no place.wisp.v2.wh record type")
            return
        }
        try await store.upsertWebhook(WebhookRegistration(owner: owner, rkey: rkey, record: record.serialized(), updatedAt: now))
        index.put(webhook)
        recordActiveCount()
        log.info("webhook active", metadata: ["scope": .string(webhook.scope.description), "enabled": .stringConvertible(webhook.enabled)])
    }

    /// The `webhooks_active` gauge: how many webhooks are in the index now.
    private func recordActiveCount() {
        Gauge(label: "webhooks_active").record(index.count)
    }

    private func deactivate(owner: String, rkey: String) async throws(SecretStoreError) {
        try await store.removeWebhook(owner: owner, rkey: rkey)
        index.remove(owner: owner, rkey: rkey)
        recordActiveCount()
    }
}

extension WebhookScope: CustomStringConvertible {
    public var description: String {
        "at://" + [did, collection, rkey].compactMap { $0 }.joined(separator: "/")
    }
}
