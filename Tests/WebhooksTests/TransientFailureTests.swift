import Foundation
import Logging
import NetworkPolicy
import SQLiteStore
import Storage
import Testing

@testable import Secrets
@testable import Webhooks

@Suite("Transient delivery failures")
struct TransientFailureTests {
    /// A replica that has not got the master key a token was sealed under yet (a key roll half rolled out)
    /// retries the delivery; it does not dead-letter it.
    @Test func aTokenUnderAnUnknownMasterKeyIsRetriedNotDeadLettered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-transient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
        try await store.migrate()
        let now: Int64 = 1_000_000
        let writer = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()), clock: { now })
        _ = try await writer.create(owner: alice, name: "s")
        let reader = SecretService(
            store: store, keys: MasterKeyRing(current: .generate()), maxPerOwner: 100, clock: { now }, fence: SigningFence(),
            history: TokenHistory(key: Array(repeating: 1, count: 32)))

        try await store.enqueue(
            [
                NewDelivery(
                    id: "d", owner: alice, webhookRKey: "w", url: "http://receiver.test:9/h", secretName: "s",
                    inlineSecret: nil, body: Array("{}".utf8), createdAt: now)
            ], cursor: nil)
        let claimed = try await store.claimDue(now: now, limit: 1, leaseUntil: now + 60_000)
        let destinations = DestinationGuard(insecureLoopback: true, resolver: StandInDNS(["receiver.test": [[127, 0, 0, 1]]]))
        let worker = DeliveryWorker(
            store: store, secrets: reader, signingKeys: reader.signingKeyService(store: store), destinations: destinations,
            logger: Logger(label: "test"), clock: { now })
        await worker.attempt(try #require(claimed.first))

        let delivery = try #require(try await store.deliveries(status: nil, limit: 1).first)
        #expect(delivery.status == .pending && delivery.attempts == 1)
        #expect(delivery.nextAttemptAt > now, "a retry is scheduled")
        #expect(delivery.lastError?.contains("cannot use secret s now") == true, "\(delivery.lastError ?? "")")
        await destinations.shutdown()
        await store.close()
    }
}
