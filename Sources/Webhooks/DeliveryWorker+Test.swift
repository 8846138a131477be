import Foundation
import Lexicon
import NetworkPolicy
import Storage

/// What a test ping came to.
public struct WebhookTestResult: Sendable, Equatable {
    /// The receiver answered 2xx.
    public let ok: Bool
    public let status: Int?
    public let latencyMilliseconds: Int64
    public let error: String?
}

extension DeliveryWorker {
    /// Sends a signed `ping` to `webhook` now, through the same host slots, SSRF guard, signing fence and
    /// deadline as deliveries, and answers with the receiver's status and the latency. Not queued, not retried,
    /// not logged as a delivery; sent whether or not the webhook is paused (so an owner can check an endpoint
    /// before resuming it).
    public func sendTest(_ webhook: ActiveWebhook) async -> WebhookTestResult {
        let started = ContinuousClock.now
        func elapsed() -> Int64 {
            let span = ContinuousClock.now - started
            return span.components.seconds * 1000 + span.components.attoseconds / 1_000_000_000_000_000
        }
        let now = clock()
        let id = "ping-" + UUID().uuidString.lowercased()
        let body = JSONValue.object([
            "id": .string(id), "event": "ping", "did": .string(webhook.owner),
            "webhook": .string("at://\(webhook.owner)/\(WebhookRegistry.collection)/\(webhook.rkey)"),
            "timestamp": .string(Timestamp.iso8601(milliseconds: now)),
        ]).serialized(sortedKeys: true)
        let item = NewDelivery(
            id: id, owner: webhook.owner, webhookRKey: webhook.rkey, url: webhook.url, secretName: webhook.secretName,
            inlineSecret: webhook.inlineSecret, body: body, createdAt: now)
        let host = URLComponents(string: item.url)?.host?.lowercased() ?? ""
        guard await hosts.acquire(host, limit: configuration.perHost, waitingAtMost: configuration.hostSlotWait) else {
            return WebhookTestResult(ok: false, status: nil, latencyMilliseconds: elapsed(), error: "no free connection to \(host)")
        }
        let destination: DestinationGuard.Destination
        do {
            destination = try await destinations.destination(for: item.url)
        } catch {
            await hosts.release(host)
            return WebhookTestResult(ok: false, status: nil, latencyMilliseconds: elapsed(), error: "destination refused: \(error.description)")
        }
        let answer = await send(item, inlineSecret: webhook.inlineSecret, to: destination)
        await hosts.release(host)
        return WebhookTestResult(
            ok: answer.outcome == .delivered, status: answer.status.map { Int($0) }, latencyMilliseconds: elapsed(),
            error: answer.outcome.reason)
    }
}
