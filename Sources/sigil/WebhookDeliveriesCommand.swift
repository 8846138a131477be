import ArgumentParser
import Foundation
import Lexicon
import Logging
import Secrets
import SigilAPI
import Storage
import Webhooks

/// `sigil webhook deliveries`: the delivery queue as operators need to see it.
struct WebhookDeliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "Show queued, delivered and failed webhook deliveries (status, attempts, last error) as JSON lines.",
        discussion: """
            On the server's own store (--data-dir or --database-url) for operators; with --service (or SIGIL_SERVICE), your own             webhook's deliveries on a deployed Sigil, as the signed-in account (sigil account login; --webhook needed).
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var remote: OwnerOptions
    @Option(help: "Only this status: pending, delivered, dead or cancelled.") var status: String?
    @Option(help: "Only deliveries of this owner's webhooks (a DID).") var owner: String?
    @Option(help: "Only this webhook (its record key; needs --owner).") var webhook: String?
    @Flag(help: "Include every attempt (when, how long, the receiver's status, the error).") var attempts = false
    @Option(help: "Most deliveries to show, newest first (1–10000; with --service, 1–100 a page).") var limit = 50
    @Option(help: "With --service: the page after this cursor (printed after a full page).") var cursor: String?

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
        if webhook != nil, owner == nil, !isRemote { throw ValidationError("--webhook needs --owner (record keys are per account)") }
        if let status, DeliveryStatus(rawValue: status) == nil { throw ValidationError("--status must be pending, delivered, dead or cancelled") }
    }

    /// Against a deployed Sigil: `--service`, or `SIGIL_SERVICE` when no local store is named.
    var isRemote: Bool {
        remote.service != nil
            || (ProcessInfo.processInfo.environment["SIGIL_SERVICE"].map { !$0.isEmpty } == true && store.dataDir == nil && store.databaseUrl == nil)
    }

    func run() async throws {
        if isRemote {
            guard let webhook else { throw ValidationError("--webhook: which of your webhooks (its record key)") }
            guard limit <= 100 else { throw ValidationError("--limit: at most 100 a page from a deployed Sigil; page on with --cursor") }
            guard !attempts else {
                throw ValidationError("--attempts is for the local store; see one delivery's attempts with sigil webhook delivery ID")
            }
            try await remote.run { connection in
                let page = try await connection.call(
                    DevSigilWebhookListDeliveries.self, parameters: .init(cursor: cursor, limit: limit, status: status, webhook: webhook))
                try remote.show(page) {
                    table(
                        ["ID", "STATUS", "ATTEMPTS", "LAST", "EVENT", "CREATED"],
                        page.deliveries.map {
                            [
                                $0.id, $0.status, String($0.attempts), $0.lastStatus.map(String.init) ?? $0.lastError ?? "-",
                                "\($0.event) \($0.collection)/\($0.rkey)", $0.createdAt,
                            ]
                        }) + (page.cursor.map { "\nmore: --cursor \($0)" } ?? "")
                }
            }
            return
        }
        let wanted = status.flatMap(DeliveryStatus.init(rawValue:))
        let stores = try await store.openStores(logger: Logger(label: "sigil"))
        defer { Task { await stores.close() } }
        let (queue, log) = (stores.deliveries, stores.deliveryLog)
        let counts = try await queue.deliveryCounts()
        printError(DeliveryStatus.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: ", "))
        var shown: [Delivery]
        if let owner, let webhook {
            shown = try await log.deliveries(owner: owner, webhookRKey: webhook, status: wanted, before: nil, limit: limit).map(\.delivery)
        } else {
            // Recent deliveries, filtered here by owner (a scan of at most 10 times the limit).
            shown = try await queue.deliveries(status: wanted, limit: owner == nil ? limit : min(limit * 10, 100_000))
            if let owner { shown = Array(shown.filter { $0.delivery.owner == owner }.prefix(limit)) }
        }
        for delivery in shown {
            var line: [String: JSONValue] = [
                "id": .string(delivery.delivery.id), "status": .string(delivery.status.rawValue),
                "attempts": .integer(Int64(delivery.attempts)), "url": .string(delivery.delivery.url),
                "webhook": .string("at://\(delivery.delivery.owner)/place.wisp.v2.wh/\(delivery.delivery.webhookRKey)"),
                "createdAt": .string(Timestamp.iso8601(milliseconds: delivery.delivery.createdAt)),
                "updatedAt": .string(Timestamp.iso8601(milliseconds: delivery.updatedAt)),
            ]
            if delivery.status == .pending { line["nextAttemptAt"] = .string(Timestamp.iso8601(milliseconds: delivery.nextAttemptAt)) }
            if let error = delivery.lastError { line["lastError"] = .string(error) }
            if attempts {
                line["attemptLog"] = .array(
                    try await log.attempts(id: delivery.delivery.id, limit: 1_000).map { attempt in
                        var entry: [String: JSONValue] = [
                            "at": .string(Timestamp.iso8601(milliseconds: attempt.at)),
                            "durationMs": .integer(attempt.durationMilliseconds),
                        ]
                        if let status = attempt.status { entry["status"] = .integer(Int64(status)) }
                        if let error = attempt.error { entry["error"] = .string(error) }
                        return .object(entry)
                    })
            }
            print(String(decoding: JSONValue.object(line).serialized(sortedKeys: true), as: UTF8.self))
        }
    }
}
