// GENERATED from the dev.sigil.webhook.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPC

/// Implements the `dev.sigil.webhook.*` methods; one requirement per method, called only with validated input.
public protocol DevSigilWebhookHandler: Sendable {
    /// One delivery with every attempt and the exact JSON that was or will be sent.
    func getDelivery(_ request: XRPCRequest<DevSigilWebhookGetDelivery>) async throws -> DevSigilWebhookGetDelivery.Output
    /// The caller's webhooks as Sigil sees them: what each is (URL, the secret or signing key it names), whether it is paused and why, how its record was last read back, and its deliveries' health (pending count, the last attempt, the last 24 hours' success rate and median latency over its newest 1,000 deliveries). Never a token.
    func list(_ request: XRPCRequest<DevSigilWebhookList>) async throws -> DevSigilWebhookList.Output
    /// A webhook's deliveries, newest first: status, attempts, the receiver's last answer. Never a token or a signature.
    func listDeliveries(_ request: XRPCRequest<DevSigilWebhookListDeliveries>) async throws -> DevSigilWebhookListDeliveries.Output
    /// Queue again every dead or cancelled delivery of a webhook created in a time window (at most 1,000 per call, oldest first): each with its original id (webhook-id), to the webhook as it is now, signed with what signs now. A delivery already queued again is not queued twice; one never queued (no body kept) cannot be.
    func recover(_ request: XRPCRequest<DevSigilWebhookRecover>) async throws -> DevSigilWebhookRecover.Output
    /// Send a delivery's payload again, to the webhook as it is now, as a new attempt chain: the same webhook-id, a fresh signature with the current token.
    func redeliver(_ request: XRPCRequest<DevSigilWebhookRedeliver>) async throws -> DevSigilWebhookRedeliver.Output
    /// Send a signed ping event ("event": "ping") to the webhook's URL now and answer with the receiver's status and the latency, to check an endpoint and its secret in one call. Not queued, not retried.
    func sendTest(_ request: XRPCRequest<DevSigilWebhookSendTest>) async throws -> DevSigilWebhookSendTest.Output
    /// Pause or resume a webhook without editing its record. Recorded; a later change of the record wins.
    func setEnabled(_ request: XRPCRequest<DevSigilWebhookSetEnabled>) async throws -> DevSigilWebhookSetEnabled.Output
}

extension XRPCMethodTable {
    /// Serves every `dev.sigil.webhook.*` method with `handler`.
    public mutating func register(_ handler: some DevSigilWebhookHandler, auth: XRPCAuthRequirement = .required) throws {
        try register(DevSigilWebhookGetDelivery.self, auth: auth) { try await handler.getDelivery($0) }
        try register(DevSigilWebhookList.self, auth: auth) { try await handler.list($0) }
        try register(DevSigilWebhookListDeliveries.self, auth: auth) { try await handler.listDeliveries($0) }
        try register(DevSigilWebhookRecover.self, auth: auth) { try await handler.recover($0) }
        try register(DevSigilWebhookRedeliver.self, auth: auth) { try await handler.redeliver($0) }
        try register(DevSigilWebhookSendTest.self, auth: auth) { try await handler.sendTest($0) }
        try register(DevSigilWebhookSetEnabled.self, auth: auth) { try await handler.setEnabled($0) }
    }
}
