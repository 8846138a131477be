import Foundation
import Lexicon
import SigilAPI
import Storage
import Webhooks
import XRPC

/// `dev.sigil.webhook.list` and `.recover`: what an owner needs to see and repair, as Svix gives endpoint owners.
extension SigilWebhooksHandler {
    /// Deliveries `list` looks at per webhook (their attempts of the last 24 h), the newest first.
    public static let activitySample = 1_000
    /// Deliveries one `recover` call queues again, at most.
    public static let recoverBatch = 1_000

    public func list(_ request: XRPCRequest<DevSigilWebhookList>) async throws -> DevSigilWebhookList.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let now = clock()
        let registrations = try await log.webhooks(owner: owner, limit: registry.maxWebhooksPerOwner)
        let failing = try await store?.pendingReadbacks(owner: owner, dueAt: nil, limit: registry.maxWebhooksPerOwner) ?? []
        var views: [DevSigilWebhookList.WebhookView] = []
        for registration in registrations {
            // As it runs here (a pause the worker applied, the parsed record); the stored record otherwise.
            let active = registry.webhook(owner: owner, rkey: registration.rkey)
            let record = try? JSONValue(parsing: registration.record)
            let activity = try await log.activity(
                owner: owner, webhookRKey: registration.rkey, since: now - 86_400_000, sampleLimit: Self.activitySample)
            let pending = failing.first { $0.rkey == registration.rkey }
            views.append(Self.view(registration, active: active, record: record, activity: activity, readback: pending))
        }
        return .init(webhooks: views)
    }

    static func view(
        _ registration: WebhookRegistration, active: ActiveWebhook?, record: JSONValue?, activity: WebhookActivity, readback: PendingReadback?
    ) -> DevSigilWebhookList.WebhookView {
        let attempts = activity.recent.count
        let window = DevSigilWebhookList.Window(
            attempts: attempts, medianLatencyMs: activity.medianMilliseconds.map { Int($0) }, succeeded: activity.succeeded,
            successPercent: attempts > 0 ? activity.succeeded * 100 / attempts : nil)
        let last: DevSigilWebhookDefs.Attempt? = activity.lastAttempt.map { attempt in
            DevSigilWebhookDefs.Attempt(
                at: time(attempt.at), durationMs: Int(attempt.durationMilliseconds), error: attempt.error.map(clipped), status: attempt.status)
        }
        let failing: DevSigilWebhookList.ReadbackView? = readback.map { pending in
            DevSigilWebhookList.ReadbackView(
                attempts: pending.attempts, lastError: clipped(pending.lastError), nextAttemptAt: time(pending.nextAttemptAt),
                since: time(pending.since))
        }
        let inline: String? = active?.inlineSecret ?? record?["secret"]?.stringValue
        let paused: String? = active?.disabledReason ?? registration.disabledReason
        let url: String = active?.url ?? record?["url"]?.stringValue ?? ""
        let recordEnabled: Bool = active?.recordEnabled ?? (record?["enabled"]?.boolValue ?? true)
        return DevSigilWebhookList.WebhookView(
            enabled: active?.enabled ?? false, failingSince: registration.failingSince.map(time), inlineSecret: inline != nil ? true : nil,
            last24h: window, lastAttempt: last, pausedReason: paused.map(clipped), pending: activity.pending, readback: failing,
            recordEnabled: recordEnabled, recordReadAt: time(registration.updatedAt),
            signedWith: (active?.secretName ?? record?["secretId"]?.stringValue).map { clipped($0, limit: 128) },
            url: clipped(url, limit: 2_048), webhook: registration.rkey)
    }

    public func recover(_ request: XRPCRequest<DevSigilWebhookRecover>) async throws -> DevSigilWebhookRecover.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let input = request.input
        let now = clock()
        guard let from = Timestamp.milliseconds(parsing: input.since) else {
            throw DevSigilWebhookRecover.DeclaredError.invalidRequest("since is not an RFC 3339 datetime with a timezone")
        }
        var until = now
        if let text = input.until {
            guard let parsed = Timestamp.milliseconds(parsing: text) else {
                throw DevSigilWebhookRecover.DeclaredError.invalidRequest("until is not an RFC 3339 datetime with a timezone")
            }
            until = parsed
        }
        guard from < until else { throw DevSigilWebhookRecover.DeclaredError.invalidRequest("since must be before until") }
        guard let webhook = registry.webhook(owner: owner, rkey: input.webhook) else {
            throw DevSigilWebhookRecover.DeclaredError.notFound("no webhook \(input.webhook)")
        }
        guard webhook.enabled else {
            throw DevSigilWebhookRecover.DeclaredError.invalidRequest("webhook \(input.webhook) is paused; resume it first")
        }
        let fingerprint = webhook.inlineSecret.map(NewDelivery.fingerprint(ofInlineSecret:))
        let (queued, more) = try await log.recover(
            owner: owner, webhookRKey: input.webhook, from: from, until: until, limit: Self.recoverBatch, maxPending: maxPendingPerWebhook,
            url: webhook.url, secretName: webhook.secretName, inlineSecretFingerprint: fingerprint, at: now)
        if queued > 0 { worker.nudge() }
        request.logger.info(
            "deliveries queued again", metadata: ["owner": .string(owner), "webhook": .string(input.webhook), "queued": .stringConvertible(queued)])
        return .init(more: more, queued: queued)
    }
}
