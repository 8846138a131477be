import ArgumentParser
import Foundation
import Lexicon
import Logging
import Secrets
import Webhooks

/// `sigil webhook deliveries`: the delivery queue as operators need to see it.
struct WebhookDeliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "Show queued, delivered and failed webhook deliveries (status, attempts, last error) as JSON lines."
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Only this status: pending, delivered, dead or cancelled.") var status: String?
    @Option(help: "Most deliveries to show, newest first.") var limit = 50

    func run() async throws {
        let wanted: DeliveryStatus?
        if let status {
            guard let parsed = DeliveryStatus(rawValue: status) else { throw ValidationError("--status must be pending, delivered, dead or cancelled") }
            wanted = parsed
        } else {
            wanted = nil
        }
        let opened = try await store.openStore()
        defer { Task { await opened.close() } }
        guard let queue = opened as? any DeliveryStore else { throw ValidationError("this store has no delivery queue") }
        let counts = try await queue.deliveryCounts()
        printError(DeliveryStatus.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: ", "))
        for delivery in try await queue.deliveries(status: wanted, limit: limit) {
            var line: [String: JSONValue] = [
                "id": .string(delivery.delivery.id), "status": .string(delivery.status.rawValue),
                "attempts": .integer(Int64(delivery.attempts)), "url": .string(delivery.delivery.url),
                "webhook": .string("at://\(delivery.delivery.owner)/place.wisp.v2.wh/\(delivery.delivery.webhookRKey)"),
                "updatedAt": .string(Timestamp.iso8601(milliseconds: delivery.updatedAt)),
            ]
            if delivery.status == .pending { line["nextAttemptAt"] = .string(Timestamp.iso8601(milliseconds: delivery.nextAttemptAt)) }
            if let error = delivery.lastError { line["lastError"] = .string(error) }
            print(String(decoding: JSONValue.object(line).serialized(sortedKeys: true), as: UTF8.self))
        }
    }
}
