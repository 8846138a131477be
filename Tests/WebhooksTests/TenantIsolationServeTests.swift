import AsyncHTTPClient
import Foundation
import Lexicon
import PostgresStore
import Secrets
import SigilTestSupport
import StoreTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where the tenancy scenes run as operators run Sigil: one `sigil serve` on SQLite, or two replicas on one
/// PostgreSQL schema sharing a master key.
enum ServeSetup: String, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresReplicas

    var testDescription: String { self == .sqlite ? "one sigil serve on SQLite" : "two sigil serve replicas on PostgreSQL" }

    static var enabled: [ServeSetup] { StoreKind.enabled.contains(.postgres) ? [.sqlite, .postgresReplicas] : [.sqlite] }

    /// Starts the setup's `sigil serve` children against `network` (each with `extra`), runs `body` with their
    /// base URLs, then stops them with SIGTERM and removes their data (directories, the PostgreSQL schema).
    func withServers(network: StandInNetwork, extra: [String] = [], _ body: ([String]) async throws -> Void) async throws {
        let count = self == .sqlite ? 1 : 2
        let directories = (0..<count).map { temporaryDirectory("tenancy-\($0)") }
        var shared: [String] = []
        var schema: (url: String, name: String)?
        if self == .postgresReplicas {
            let url = try #require(StoreKind.testDatabaseURL, "SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test")
            let name = "tenancy_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            schema = (url, name)
            try FileManager.default.createDirectory(atPath: directories[0], withIntermediateDirectories: true)
            let keyFile = directories[0] + "/master.key"
            try MasterKey.generate().write(to: keyFile)
            shared = ["--database-url", url, "--database-schema", name, "--master-key-file", keyFile]
        }
        var servers: [ServeProcess] = []
        func stop() async {
            for server in servers where server.process.isRunning { kill(server.process.processIdentifier, SIGTERM) }
            for server in servers { _ = try? await server.waitForExit() }
            if let schema, let dropper = try? PostgresSecretStore(url: schema.url, schema: schema.name) {
                try? await dropper.dropSchema()
                await dropper.close()
            }
            for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        }
        do {
            var urls: [String] = []
            for directory in directories {
                let (server, url) = try await serveAgainst(network, directory: directory, extra: shared + extra)
                servers.append(server)
                urls.append(url)
            }
            try await body(urls)
        } catch {
            await stop()
            throw error
        }
        await stop()
    }
}

/// The value of the gauge or counter `name` on `base`'s /metrics (nil when it is not there yet).
func metricValue(_ base: String, _ name: String) async throws -> Double? {
    let metrics = try await fetch(base + "/metrics").body
    return metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}

/// The quiet account of the noisy-neighbour scenes writes 10 records; each delivery's time from its event to its
/// arrival at the receiver (the receiver sees only the quiet account's deliveries). Expects all 10 within 45 s.
func quietAccountLatencies(_ network: StandInNetwork, quiet: String) async throws -> [Duration] {
    var emitted: [ContinuousClock.Instant] = []
    for i in 0..<10 {
        emitted.append(.now)
        await network.emit(
            commitEvent(did: quiet, time: 2_000 + Int64(i), operation: "create", collection: "app.bsky.feed.post", rkey: "q\(i)", record: [:]))
    }
    #expect(try await network.waitForUniqueDeliveries(10, timeout: .seconds(45)), "every one of the quiet account's deliveries")
    let arrivals = await network.arrivals
    try #require(arrivals.count >= 10)
    return zip(emitted, arrivals.prefix(10)).map { $1 - $0 }
}

/// Publishes `owner`'s webhook records at the stand-in PDS and announces each on the stand-in Jetstream (each
/// server reads it back); `time` is the first event's time.
func publishWebhooks(_ network: StandInNetwork, owner: String, _ records: [(rkey: String, record: JSONValue)], time: Int64) async {
    for (offset, webhook) in records.enumerated() {
        await network.putRecord(did: owner, collection: "place.wisp.v2.wh", rkey: webhook.rkey, webhook.record)
        await network.emit(
            commitEvent(
                did: owner, time: time + Int64(offset), operation: "create", collection: "place.wisp.v2.wh", rkey: webhook.rkey,
                record: webhook.record))
    }
}

@Suite("Tenant isolation against sigil serve", .serialized, .tags(.process, .slow), .kinds(.process, .slow))
struct TenantIsolationServeTests {
    /// Account M points 16 webhooks at 16 hosts that accept connections and never answer and writes 50 records
    /// (800 deliveries, each of which would hold a slot for the 20 s request deadline). Then account V writes
    /// 10 records: its one webhook, at a fast receiver, gets every one of them promptly.
    @Test(arguments: ServeSetup.enabled)
    func aNoisyNeighbourDoesNotStarveAQuietAccount(_ setup: ServeSetup) async throws {
        let hosts = try (2...17).map { try SilentHost(address: "127.0.0.\($0)") }
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let noisy = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"  // sorts before the quiet account
            let quiet = "did:plc:vvvvvvvvvvvvvvvvvvvvvvvv"
            let base = await network.base
            for owner in [noisy, quiet] { await network.publishDID(owner, key: nil) }
            try await setup.withServers(network: network) { (servers: [String]) async throws -> Void in
                let noisyHooks = hosts.enumerated().map { index, host in
                    (
                        rkey: "m\(index)",
                        record: webhookRecord(url: "http://\(host.address):\(host.port)/hook", scope: "at://\(noisy)", secret: "m\(index)")
                    )
                }
                await publishWebhooks(network, owner: noisy, noisyHooks, time: 100)
                await publishWebhooks(
                    network, owner: quiet, [("v", webhookRecord(url: base + "/hook", scope: "at://\(quiet)", secret: "v"))], time: 200)
                for server in servers { #expect(try await webhooksActive(server, 17)) }
                for i in 0..<50 {
                    await network.emit(
                        commitEvent(
                            did: noisy, time: 1_000 + Int64(i), operation: "create", collection: "app.bsky.feed.post", rkey: "n\(i)", record: [:]))
                }
                #expect(
                    try await eventually(.seconds(60)) { try await metricValue(servers[0], "webhook_deliveries_queued") ?? 0 >= 800 },
                    "the noisy account's backlog is queued")
                let latencies = try await quietAccountLatencies(network, quiet: quiet)
                let worst = latencies.max() ?? .zero
                // `sigil bench neighbour` measures the promise (p99 ≤ 2 s); loosely here, beside the rest of the suite on
                // two cores (alone: 8–135 ms). Without the shares the quiet account waits for the noisy one's hung attempts
                // to time out (about 10 s here, after the 5 s the backlog takes to show in the gauge).
                #expect(worst < .seconds(3), "\(latencies): the quiet account's deliveries took up to \(worst)")
                #expect(await network.uniqueDeliveries.count == 10, "nothing but the quiet account's deliveries reached the receiver")
            }
        }
    }

    /// 16 accounts × 16 webhooks and a 17th account's lone webhook watch one account, which writes one record:
    /// the lone webhook is delivered, 256 deliveries in all, each once (replicas agree on which 256).
    @Test(arguments: ServeSetup.enabled)
    func aLoneWebhookIsServedWhenACrowdMatches(_ setup: ServeSetup) async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let base = await network.base
            let popular = "did:plc:popularrrrrrrrrrrrrrrrrr"
            let lone = "did:plc:zzzzzzzzzzzzzzzzzzzzzzzz"
            let crowd = (0..<16).map { "did:plc:crowd" + String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 19) }
            for owner in crowd + [lone, popular] { await network.publishDID(owner, key: nil) }
            try await setup.withServers(network: network) { (servers: [String]) async throws -> Void in
                for (index, owner) in crowd.enumerated() {
                    let hooks = (0..<16).map {
                        (rkey: "w\($0)", record: webhookRecord(url: base + "/hook", scope: "at://\(popular)", secret: "crowd-secret"))
                    }
                    await publishWebhooks(network, owner: owner, hooks, time: 100 + Int64(index) * 100)
                }
                let loneSecret = "the-lone-webhook's-secret"
                await publishWebhooks(
                    network, owner: lone, [("only", webhookRecord(url: base + "/hook", scope: "at://\(popular)", secret: loneSecret))], time: 5_000)
                // 257 read-backs per replica, two at a time at the one stand-in PDS host.
                for server in servers { #expect(try await webhooksActive(server, 257, timeout: .seconds(90))) }
                await network.emit(
                    commitEvent(did: popular, time: 10_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p", record: [:]))
                #expect(try await network.waitForUniqueDeliveries(256, timeout: .seconds(60)))
                let received = await network.received
                #expect(received.filter { wispSigned($0, by: loneSecret) }.count == 1, "the lone webhook is delivered, once")
                // Each replica reads the event and makes the same choice, and counts the one it dropped each time it
                // processes the event (a Jetstream reconnection replays it: at least once).
                @Sendable func dropped() async throws -> Double {
                    var total = 0.0
                    for server in servers { total += try await metricValue(server, "webhook_fanout_dropped_total") ?? 0 }
                    return total
                }
                #expect(try await eventually { try await dropped() >= 1 }, "the dropped match is counted")
                #expect(await network.uniqueDeliveries.count == 256)
                #expect(received.count == 256, "each delivery sent once")
            }
        }
    }
}
