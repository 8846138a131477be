// GENERATED from the dev.sigil.webhook.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --output Sources/SigilAPI/Generated
// A test fails when this file and the lexicons disagree.
import XRPCClient
import XRPCMethods

/// Calls the `dev.sigil.webhook.*` methods of a service; declared errors are thrown as each method's `DeclaredError`.
public struct DevSigilWebhookClient: Sendable {
    public let client: XRPCClient

    public init(_ client: XRPCClient) {
        self.client = client
    }

    /// One delivery with every attempt and the exact JSON that was or will be sent.
    public func getDelivery(_ parameters: DevSigilWebhookGetDelivery.Parameters) async throws -> DevSigilWebhookGetDelivery.Output {
        try await client.call(DevSigilWebhookGetDelivery.self, parameters: parameters, input: XRPCNothing())
    }

    /// The caller's webhooks as Sigil sees them: what each is (URL, the secret or signing key it names), whether it is paused and why, how its record was last read back, and its deliveries' health (pending count, the last attempt, the last 24 hours' success rate and median latency over its newest 1,000 deliveries). Never a token.
    public func list() async throws -> DevSigilWebhookList.Output {
        try await client.call(DevSigilWebhookList.self, parameters: XRPCNothing(), input: XRPCNothing())
    }

    /// A webhook's deliveries, newest first: status, attempts, the receiver's last answer. Never a token or a signature.
    public func listDeliveries(_ parameters: DevSigilWebhookListDeliveries.Parameters) async throws -> DevSigilWebhookListDeliveries.Output {
        try await client.call(DevSigilWebhookListDeliveries.self, parameters: parameters, input: XRPCNothing())
    }

    /// Queue again every dead or cancelled delivery of a webhook created in a time window (at most 1,000 per call, oldest first): each with its original id (webhook-id), to the webhook as it is now, signed with what signs now. A delivery already queued again is not queued twice; one never queued (no body kept) cannot be.
    public func recover(_ input: DevSigilWebhookRecover.Input) async throws -> DevSigilWebhookRecover.Output {
        try await client.call(DevSigilWebhookRecover.self, parameters: XRPCNothing(), input: input)
    }

    /// Send a delivery's payload again, to the webhook as it is now, as a new attempt chain: the same webhook-id, a fresh signature with the current token.
    public func redeliver(_ input: DevSigilWebhookRedeliver.Input) async throws -> DevSigilWebhookRedeliver.Output {
        try await client.call(DevSigilWebhookRedeliver.self, parameters: XRPCNothing(), input: input)
    }

    /// Send a signed ping event ("event": "ping") to the webhook's URL now and answer with the receiver's status and the latency, to check an endpoint and its secret in one call. Not queued, not retried.
    public func sendTest(_ input: DevSigilWebhookSendTest.Input) async throws -> DevSigilWebhookSendTest.Output {
        try await client.call(DevSigilWebhookSendTest.self, parameters: XRPCNothing(), input: input)
    }

    /// Pause or resume a webhook without editing its record. Recorded; a later change of the record wins.
    public func setEnabled(_ input: DevSigilWebhookSetEnabled.Input) async throws -> DevSigilWebhookSetEnabled.Output {
        try await client.call(DevSigilWebhookSetEnabled.self, parameters: XRPCNothing(), input: input)
    }
}

extension XRPCClient {
    /// The `dev.sigil.webhook.*` methods.
    public var devSigilWebhook: DevSigilWebhookClient { DevSigilWebhookClient(self) }
}
