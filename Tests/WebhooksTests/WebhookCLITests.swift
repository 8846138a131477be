import Foundation
import Secrets
import SigilTestSupport
import Testing
import WebhookSignature
import SQLiteStore
import Webhooks

@Suite("sigil webhook CLI", .tags(.process), .kinds(.process))
struct WebhookCLITests {
    @Test func verifyExitCodes() async throws {
        let token = SigningToken.generate().text
        let body = #"{"event":"create"}"#
        let now = Int64(Date().timeIntervalSince1970)
        let headers = try WebhookSigner(token: token).headers(body: Array(body.utf8), id: "msg_1", timestamp: now)
        let flags = headers.flatMap { ["--header", "\($0.name): \($0.value)"] }

        let valid = try await runSigil(["webhook", "verify", "--secret", token] + flags, stdin: body)
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.hasPrefix("valid"))

        let tampered = try await runSigil(["webhook", "verify", "--secret", token] + flags, stdin: body + " ")
        #expect(tampered.status == 1)
        #expect(!tampered.stderr.isEmpty && !tampered.stderr.contains(token))

        let otherSecret = try await runSigil(["webhook", "verify", "--secret", SigningToken.generate().text] + flags, stdin: body)
        #expect(otherSecret.status == 1)

        let noHeaders = try await runSigil(["webhook", "verify", "--secret", token], stdin: body)
        #expect(noHeaders.status == 2)
        let badHeader = try await runSigil(["webhook", "verify", "--secret", token, "--header", "no colon"], stdin: body)
        #expect(badHeader.status == 2)
    }

    @Test func deliveriesListsTheQueue() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-cli-queue-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
        try await store.migrate()
        try await store.enqueue([NewDelivery(id: "d1", owner: alice, webhookRKey: "w", url: "https://example.com/h", secretName: "s",
                                             inlineSecret: nil, body: Array("{}".utf8), createdAt: 1_000)], cursor: nil)
        try await store.enqueue([NewDelivery(id: "d2", owner: bob, webhookRKey: "w", url: "https://example.com/b", secretName: "s",
                                             inlineSecret: nil, body: Array("{}".utf8), createdAt: 1_100)], cursor: nil)
        _ = try await store.claimDue(now: 1_000, limit: 1, leaseUntil: 1_500)
        try await store.recordAttempt(id: "d1", DeliveryAttempt(at: 1_900, durationMilliseconds: 3, status: nil, error: "secret s was deleted; not sent unsigned"))
        #expect(try await store.markDead(id: "d1", lease: 1_500, attempts: 1, error: "secret s was deleted; not sent unsigned", at: 2_000))
        await store.close()

        // Filters: by owner, by owner's webhook, with the attempt log.
        let alices = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", alice])
        #expect(alices.status == 0 && alices.stdout.contains(#""id":"d1""#) && !alices.stdout.contains(#""id":"d2""#), "\(alices.stdout)")
        let bobs = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", bob, "--webhook", "w", "--attempts"])
        #expect(bobs.status == 0 && bobs.stdout.contains(#""id":"d2""#) && !bobs.stdout.contains(#""id":"d1""#), "\(bobs.stdout)")
        #expect(bobs.stdout.contains(#""attemptLog":[]"#))
        let logged = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--owner", alice, "--webhook", "w", "--attempts"])
        #expect(logged.stdout.contains(#""attemptLog":[{"#) && logged.stdout.contains(#""durationMs":3"#), "\(logged.stdout)")
        #expect(try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--webhook", "w"]).status == 2, "--webhook needs --owner")
        #expect(try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--limit", "0"]).status == 2)

        let listed = try await runSigil(["webhook", "deliveries", "--data-dir", directory])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(#""id":"d1""#) && listed.stdout.contains(#""status":"dead""#))
        #expect(listed.stdout.contains("secret s was deleted"))
        #expect(listed.stderr.contains("dead: 1"))
        let filtered = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--status", "cancelled"])
        #expect(filtered.status == 0 && filtered.stdout.isEmpty)
        let bad = try await runSigil(["webhook", "deliveries", "--data-dir", directory, "--status", "lost"])
        #expect(bad.status == 2)
    }
}
