import Foundation
import Lexicon
import Logging
import Secrets
import SigilAPI
import Storage
import Webhooks
import XRPC

/// `dev.sigil.webhook.*`: what a webhook's owner sees and does — the delivery log, redelivery, a test ping,
/// pausing and resuming. Scoped to the caller's DID: another account's webhook or delivery is `NotFound`,
/// exactly like a missing one. Never a token or a signature in any answer.
public struct SigilWebhooksHandler: DevSigilWebhookHandler {
    let log: any DeliveryLog
    /// The queue, for the read-backs still to retry (`list`).
    let store: (any DeliveryStore)?
    let registry: WebhookRegistry
    let worker: DeliveryWorker
    let clock: @Sendable () -> Int64
    /// The most deliveries a webhook may have pending (`recover` queues no more than leaves it at that).
    let maxPendingPerWebhook: Int

    /// Most attempts `getDelivery` returns (the newest).
    public static let maxAttempts = 1_000

    public init(
        log: any DeliveryLog, store: (any DeliveryStore)? = nil, registry: WebhookRegistry, worker: DeliveryWorker,
        maxPendingPerWebhook: Int = 10_000, clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds
    ) {
        self.maxPendingPerWebhook = maxPendingPerWebhook
        self.log = log
        self.store = store
        self.registry = registry
        self.worker = worker
        self.clock = clock
    }

    public func listDeliveries(_ request: XRPCRequest<DevSigilWebhookListDeliveries>) async throws -> DevSigilWebhookListDeliveries.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let params = request.params
        var status: DeliveryStatus?
        if let name = params.status {
            guard let parsed = DeliveryStatus(rawValue: name) else {
                throw DevSigilWebhookListDeliveries.DeclaredError.invalidRequest("status must be pending, delivered, dead or cancelled")
            }
            status = parsed
        }
        var before: DeliveryCursor?
        if let cursor = params.cursor {
            guard let parsed = DeliveryCursor(cursor) else {
                throw DevSigilWebhookListDeliveries.DeclaredError.invalidRequest("cursor is not one this method returned")
            }
            before = parsed
        }
        let limit = min(max(params.limit, 1), 100)
        let page = try await log.deliveries(owner: owner, webhookRKey: params.webhook, status: status, before: before, limit: limit + 1)
        if page.isEmpty, before == nil, registry.webhook(owner: owner, rkey: params.webhook) == nil {
            throw DevSigilWebhookListDeliveries.DeclaredError.notFound("no webhook \(params.webhook)")
        }
        let shown = Array(page.prefix(limit))
        let cursor =
            page.count > limit
            ? shown.last.map { DeliveryCursor(createdAt: $0.delivery.delivery.createdAt, id: $0.delivery.delivery.id).description } : nil
        return .init(cursor: cursor, deliveries: shown.map(Self.delivery))
    }

    public func getDelivery(_ request: XRPCRequest<DevSigilWebhookGetDelivery>) async throws -> DevSigilWebhookGetDelivery.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        guard let logged = try await log.delivery(owner: owner, id: request.params.id) else {
            throw DevSigilWebhookGetDelivery.DeclaredError.notFound("no delivery \(request.params.id)")
        }
        let attempts = try await log.attempts(id: request.params.id, limit: Self.maxAttempts)
        return .init(
            attempts: attempts.map { attempt in
                .init(
                    at: Self.time(attempt.at), durationMs: Int(attempt.durationMilliseconds), error: attempt.error.map(Self.clipped),
                    status: attempt.status)
            }, delivery: Self.delivery(logged), payload: String(decoding: logged.delivery.delivery.body, as: UTF8.self))
    }

    public func redeliver(_ request: XRPCRequest<DevSigilWebhookRedeliver>) async throws -> DevSigilWebhookRedeliver.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let id = request.input.id
        guard let logged = try await log.delivery(owner: owner, id: id) else {
            throw DevSigilWebhookRedeliver.DeclaredError.notFound("no delivery \(id)")
        }
        let rkey = logged.delivery.delivery.webhookRKey
        guard !logged.delivery.delivery.body.isEmpty else {
            throw DevSigilWebhookRedeliver.DeclaredError.invalidRequest(
                "delivery \(id) was never queued (\(logged.delivery.lastError ?? "no body kept")); there is no body to send")
        }
        guard let webhook = registry.webhook(owner: owner, rkey: rkey) else {
            throw DevSigilWebhookRedeliver.DeclaredError.invalidRequest("webhook \(rkey) no longer exists")
        }
        guard webhook.enabled else {
            throw DevSigilWebhookRedeliver.DeclaredError.invalidRequest("webhook \(rkey) is paused; resume it first")
        }
        guard
            try await log.redeliver(
                owner: owner, id: id, url: webhook.url, secretName: webhook.secretName,
                inlineSecretFingerprint: webhook.inlineSecret.map(NewDelivery.fingerprint(ofInlineSecret:)), at: clock())
        else {
            throw DevSigilWebhookRedeliver.DeclaredError.invalidRequest("delivery \(id) is being attempted right now; try again in a minute")
        }
        worker.nudge()
        request.logger.info("delivery queued again", metadata: ["owner": .string(owner), "delivery": .string(id)])
        return .init(id: id, status: DeliveryStatus.pending.rawValue)
    }

    public func sendTest(_ request: XRPCRequest<DevSigilWebhookSendTest>) async throws -> DevSigilWebhookSendTest.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        guard let webhook = registry.webhook(owner: owner, rkey: request.input.webhook) else {
            throw DevSigilWebhookSendTest.DeclaredError.notFound("no webhook \(request.input.webhook)")
        }
        let result = await worker.sendTest(webhook)
        return .init(error: result.error.map(Self.clipped), latencyMs: Int(result.latencyMilliseconds), ok: result.ok, status: result.status)
    }

    public func setEnabled(_ request: XRPCRequest<DevSigilWebhookSetEnabled>) async throws -> DevSigilWebhookSetEnabled.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let rkey = request.input.webhook
        guard let webhook = registry.webhook(owner: owner, rkey: rkey) else {
            throw DevSigilWebhookSetEnabled.DeclaredError.notFound("no webhook \(rkey)")
        }
        if request.input.enabled {
            guard webhook.recordEnabled else {
                throw DevSigilWebhookSetEnabled.DeclaredError.invalidRequest(
                    "the webhook's record says enabled: false; update the record to resume it")
            }
            try await registry.resume(owner: owner, rkey: rkey)
        } else if webhook.enabled {
            try await registry.disable(owner: owner, rkey: rkey, reason: "paused by its owner", now: clock())
        }
        let now = registry.webhook(owner: owner, rkey: rkey)
        return .init(enabled: now?.enabled ?? false, webhook: rkey)
    }

    // MARK: - Mapping

    static func delivery(_ logged: LoggedDelivery) -> DevSigilWebhookDefs.Delivery {
        let item = logged.delivery.delivery
        let payload = try? JSONValue(parsing: item.body)
        return .init(
            attempts: logged.delivery.attempts, collection: payload?["collection"]?.stringValue ?? "", createdAt: time(item.createdAt),
            did: payload?["did"]?.stringValue, event: payload?["event"]?.stringValue ?? "", id: item.id,
            lastError: logged.delivery.lastError.map(clipped), lastStatus: logged.lastStatus,
            nextAttemptAt: logged.delivery.status == .pending ? time(logged.delivery.nextAttemptAt) : nil,
            rkey: payload?["rkey"]?.stringValue ?? "", status: logged.delivery.status.rawValue, updatedAt: time(logged.delivery.updatedAt),
            webhook: item.webhookRKey)
    }

    static func time(_ milliseconds: Int64) -> String { Timestamp.iso8601(milliseconds: milliseconds) }

    /// At most 1,024 UTF-8 bytes (the lexicon's bound counts bytes), cut at a character boundary.
    static func clipped(_ text: String) -> String { clipped(text, limit: 1_024) }

    /// At most `limit` UTF-8 bytes, cut at a character boundary.
    static func clipped(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var out = ""
        for character in text {
            if out.utf8.count + character.utf8.count > limit - 3 { break }
            out.append(character)
        }
        return out + "…"
    }
}
