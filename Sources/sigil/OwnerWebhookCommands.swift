import ArgumentParser
import Foundation
import OwnerClient
import SigilAPI
import XRPCMethods

/// `sigil webhook list|delivery|redeliver|test|enable|disable|recover`: your webhooks on a deployed Sigil, as the
/// signed-in account (`sigil account login`).
struct WebhookList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Your webhooks as the deployed Sigil runs them: signing, pauses, read-backs, health.")
    @OptionGroup var owner: OwnerOptions

    func run() async throws {
        try await owner.run { connection in
            let listed = try await connection.call(DevSigilWebhookList.self, parameters: XRPCNothing())
            try owner.show(listed) {
                table(
                    ["WEBHOOK", "ENABLED", "PENDING", "24H OK", "MEDIAN", "LAST", "URL", "NOTE"],
                    listed.webhooks.map { view in
                        let window = view.last24h
                        let note = [view.pausedReason, view.readback.map { "read-back failing since \($0.since): \($0.lastError)" }].compactMap { $0 }
                        return [
                            view.webhook, view.enabled ? "yes" : "no", String(view.pending),
                            window.successPercent.map { "\($0)% of \(window.attempts)" } ?? "-", window.medianLatencyMs.map { "\($0) ms" } ?? "-",
                            view.lastAttempt.map { "\($0.at) \($0.status.map(String.init) ?? $0.error ?? "")" } ?? "-", view.url,
                            note.isEmpty ? "-" : note.joined(separator: "; "),
                        ]
                    })
            }
        }
    }
}

struct WebhookDelivery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delivery", abstract: "One delivery: its attempts and the payload sent.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The delivery id (its webhook-id).") var id: String

    func run() async throws {
        try await owner.run { connection in
            let found = try await connection.call(DevSigilWebhookGetDelivery.self, parameters: .init(id: id))
            try owner.show(found) {
                let delivery = found.delivery
                return "\(delivery.id): \(delivery.status), \(delivery.attempts) attempt(s), webhook \(delivery.webhook)\n"
                    + table(
                        ["AT", "STATUS", "DURATION", "ERROR"],
                        found.attempts.map { [$0.at, $0.status.map(String.init) ?? "-", "\($0.durationMs) ms", $0.error ?? "-"] })
                    + "\npayload: \(found.payload)"
            }
        }
    }
}

struct WebhookRedeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redeliver", abstract: "Send a delivery again (same id, a fresh signature).")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The delivery id.") var id: String

    func run() async throws {
        try await owner.run { connection in
            let queued = try await connection.call(DevSigilWebhookRedeliver.self, input: .init(id: id))
            try owner.show(queued) { "\(queued.id) is \(queued.status) again" }
        }
    }
}

struct WebhookTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Send a signed ping to a webhook now.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The webhook (its record key).") var webhook: String

    func run() async throws {
        try await owner.run { connection in
            let result = try await connection.call(DevSigilWebhookSendTest.self, input: .init(webhook: webhook))
            try owner.show(result) {
                (result.ok ? "ok" : "failed") + (result.status.map { ": HTTP \($0)" } ?? "") + " in \(result.latencyMs) ms"
                    + (result.error.map { " (\($0))" } ?? "")
            }
            if !result.ok { throw ExitCode(1) }
        }
    }
}

struct WebhookEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Lift a pause (yours, or the server's after failures).")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The webhook (its record key).") var webhook: String

    func run() async throws { try await setEnabled(owner, webhook, true) }
}

struct WebhookDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Pause a webhook (deliveries wait, nothing is dropped).")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The webhook (its record key).") var webhook: String

    func run() async throws { try await setEnabled(owner, webhook, false) }
}

func setEnabled(_ owner: OwnerOptions, _ webhook: String, _ enabled: Bool) async throws {
    try await owner.run { connection in
        let set = try await connection.call(DevSigilWebhookSetEnabled.self, input: .init(enabled: enabled, webhook: webhook))
        try owner.show(set) { "\(set.webhook) is \(set.enabled ? "enabled" : "paused")" }
    }
}

struct WebhookRecover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Queue again a webhook's dead and cancelled deliveries created in a window.")
    @OptionGroup var owner: OwnerOptions
    @Argument(help: "The webhook (its record key).") var webhook: String
    @Option(help: "Deliveries created at or after this RFC 3339 datetime.") var since: String
    @Option(help: "…and before this one (default now).") var until: String?

    func run() async throws {
        try await owner.run { connection in
            let recovered = try await connection.call(DevSigilWebhookRecover.self, input: .init(since: since, until: until, webhook: webhook))
            try owner.show(recovered) {
                "queued \(recovered.queued) delivery(ies) again" + (recovered.more == true ? "; more in the window: run it again" : "")
            }
        }
    }
}
