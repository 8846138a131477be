import Foundation
import Lexicon
import PostgresStore
import Secrets
import Testing
import WebhookSignature

/// Two `sigil serve` replicas on one PostgreSQL database, as operators run them.
@Suite("Two replicas on one PostgreSQL", .serialized, .tags(.postgres, .process, .slow), .kinds(.postgres, .process, .slow))
struct ReplicaTests {
    static var databaseURL: String? { ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"] }
    static var skip: Bool { ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] == "1" || TestKind.skipped.contains("postgres") }

    /// Rotate on one replica, then at once (no pause) cause a delivery: whichever replica sends it signs with
    /// the token rotate just returned, never the one before, each event exactly once. A service JWT used on
    /// one replica is refused as a replay by the other.
    @Test(.enabled(if: !skip))
    func rotateOnOneSignOnTheOtherAndNoReplayAcrossThem() async throws {
        let url = try #require(Self.databaseURL, "SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
        let schema = "replicas_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        // The schema is dropped whether the test passes or throws.
        func dropSchema() async {
            guard let dropper = try? PostgresSecretStore(url: url, schema: schema) else { return }
            try? await dropper.dropSchema()
            await dropper.close()
        }
        do {
            try await run(url: url, schema: schema)
        } catch {
            await dropSchema()
            throw error
        }
        await dropSchema()
    }

    func run(url: String, schema: String) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let account = TestAccount("did:plc:replicaaaaaaaaaaaaaaaaaaa")
            await network.publishDID(account.did, key: account.multikey)
            let base = await network.base
            let directories = [temporaryDirectory("replica-a"), temporaryDirectory("replica-b")]
            try FileManager.default.createDirectory(atPath: directories[0], withIntermediateDirectories: true)
            let keyFile = directories[0] + "/master.key"
            try MasterKey.generate().write(to: keyFile)
            defer { for directory in directories { try? FileManager.default.removeItem(atPath: directory) } }
            let shared = ["--database-url", url, "--database-schema", schema, "--master-key-file", keyFile]
            let (first, a) = try await serveAgainst(network, directory: directories[0], extra: shared)
            let (second, b) = try await serveAgainst(network, directory: directories[1], extra: shared)
            let replicas = [a, b]

            // A replayed JWT: accepted by one replica, refused by the other.
            let token = try account.token(lxm: "place.wisp.v2.secret.list")
            let once = try await fetch(a + "/xrpc/place.wisp.v2.secret.list", headers: [("Authorization", "Bearer " + token)])
            #expect(once.status == 200, "\(once.body)")
            let replay = try await fetch(b + "/xrpc/place.wisp.v2.secret.list", headers: [("Authorization", "Bearer " + token)])
            #expect(replay.status == 401)
            #expect(replay.body.contains("NonceNotUnique"), "\(replay.body)")

            let created = try await account.call(a, "place.wisp.v2.secret.create", ["name": "hook"])
            var current = try #require(created.body?["token"]?.stringValue)
            var earlier: [String] = []
            let record = webhookRecord(url: base + "/hook", scope: "at://\(account.did)/app.bsky.feed.post", secretId: "hook")
            await network.putRecord(did: account.did, collection: "place.wisp.v2.wh", rkey: "w1", record)
            await network.emit(
                commitEvent(did: account.did, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
            #expect(try await webhooksActive(a, 1))
            #expect(try await webhooksActive(b, 1))

            for round in 0..<6 {
                let rotated = try await account.call(replicas[round % 2], "place.wisp.v2.secret.rotate", ["name": "hook"])
                #expect(rotated.status == 200)
                earlier.append(current)
                current = try #require(rotated.body?["token"]?.stringValue)
                let rkey = "p\(round)"
                await network.emit(
                    commitEvent(
                        did: account.did, time: 2_000 + Int64(round), operation: "create", collection: "app.bsky.feed.post",
                        rkey: rkey, record: [:]))
                #expect(try await eventually(.seconds(20)) { await network.received.contains { Self.rkey(of: $0) == rkey } })
                let delivery = try #require(await network.received.first { Self.rkey(of: $0) == rkey })
                #expect(
                    (try? WebhookVerifier(token: current).verify(body: delivery.body, headers: delivery.headers)) != nil,
                    "round \(round): not signed with the token rotate returned")
                for old in earlier {
                    #expect(
                        (try? WebhookVerifier(token: old, policy: .acceptEither).verify(body: delivery.body, headers: delivery.headers)) == nil,
                        "round \(round): signed with an earlier token")
                }
                // wisp's header too, on its own (a verifier may stop at the first signature that verifies).
                #expect(wispSigned(delivery, by: current), "round \(round): X-Webhook-Signature is not the current token's")
            }
            // Both replicas queue every event (the same ids); one of them sends each. Counted once both queues are empty.
            #expect(try await metric(a, "webhook_deliveries_queued", is: 0))
            #expect(try await metric(b, "webhook_deliveries_queued", is: 0))
            let received = await network.received
            #expect(received.count == 6, "\(received.count) deliveries for 6 events")
            #expect(Set(received.map(\.id)).count == 6)

            // An overlap started on one replica signs with both tokens on either; revoked on the other, from its
            // answer on neither replica signs with the previous token.
            let overlapping = try await account.call(a, "dev.sigil.secret.rotate", ["name": "hook", "overlapSeconds": 3600])
            #expect(overlapping.status == 200, "\(String(describing: overlapping.body))")
            let previous = current
            current = try #require(overlapping.body?["token"]?.stringValue)
            let status = try await account.call(b, "dev.sigil.secret.get", [:], query: "?name=hook")
            #expect(status.body?["status"] == "overlapping", "\(String(describing: status.body))")
            for round in 0..<4 {
                let rkey = "o\(round)"
                await network.emit(
                    commitEvent(
                        did: account.did, time: 3_000 + Int64(round), operation: "create", collection: "app.bsky.feed.post",
                        rkey: rkey, record: [:]))
                #expect(try await eventually(.seconds(20)) { await network.received.contains { Self.rkey(of: $0) == rkey } })
                let delivery = try #require(await network.received.first { Self.rkey(of: $0) == rkey })
                for token in [current, previous] {
                    #expect(
                        (try? WebhookVerifier(token: token).verify(body: delivery.body, headers: delivery.headers)) != nil, "overlap round \(round)")
                }
                #expect(wispSigned(delivery, by: current), "overlap round \(round): wisp's header carries the newest token's signature")
            }
            let revoked = try await account.call(b, "dev.sigil.secret.revokePrevious", ["name": "hook"])
            #expect(revoked.status == 200, "\(String(describing: revoked.body))")
            earlier.append(previous)
            for round in 0..<4 {
                let rkey = "r\(round)"
                await network.emit(
                    commitEvent(
                        did: account.did, time: 4_000 + Int64(round), operation: "create", collection: "app.bsky.feed.post",
                        rkey: rkey, record: [:]))
                #expect(try await eventually(.seconds(20)) { await network.received.contains { Self.rkey(of: $0) == rkey } })
                let delivery = try #require(await network.received.first { Self.rkey(of: $0) == rkey })
                #expect((try? WebhookVerifier(token: current).verify(body: delivery.body, headers: delivery.headers)) != nil)
                #expect(
                    (try? WebhookVerifier(token: previous).verify(body: delivery.body, headers: delivery.headers)) == nil,
                    "revoked round \(round): still signed with the previous token")
                #expect(wispSigned(delivery, by: current) && !wispSigned(delivery, by: previous), "revoked round \(round): wisp's header")
            }

            // A webhook disabled through its record while a delivery waits for its retry: whichever replica claims
            // the retry cancels it (each learned of the change from the stream), and nothing more is sent.
            await network.script(statuses: [503])
            await network.emit(
                commitEvent(did: account.did, time: 5_000, operation: "create", collection: "app.bsky.feed.post", rkey: "c0", record: [:]))
            #expect(try await eventually(.seconds(20)) { await network.received.contains { Self.rkey(of: $0) == "c0" } })
            var disabled = record.objectValue!
            disabled["enabled"] = false
            await network.putRecord(did: account.did, collection: "place.wisp.v2.wh", rkey: "w1", .object(disabled))
            await network.emit(
                commitEvent(
                    did: account.did, time: 5_001, operation: "update", collection: "place.wisp.v2.wh", rkey: "w1",
                    record: .object(disabled)))
            let inspector = try PostgresSecretStore(url: url, schema: schema)
            #expect(
                try await eventually(.seconds(30)) {
                    try await inspector.deliveries(status: .cancelled, limit: 10).contains { $0.lastError?.contains("webhook disabled") == true }
                })
            await inspector.close()
            #expect(await network.received.filter { Self.rkey(of: $0) == "c0" }.count == 1, "the retry went out after the webhook was disabled")

            for server in [first, second] {
                kill(server.process.processIdentifier, SIGTERM)
                _ = try await server.waitForExit()
                for secret in [current] + earlier { #expect(!server.stderr.contains(secret), "a token was logged") }
            }
        }
    }

    static func rkey(of delivery: StandInNetwork.Received) -> String? {
        (try? JSONValue(parsing: delivery.body))?["rkey"]?.stringValue
    }
}
