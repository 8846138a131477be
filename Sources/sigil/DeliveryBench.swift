import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NetworkPolicy
import SQLiteStore
import Secrets
import ServiceLifecycle
import Sodium
import Storage
import WebhookSignature
import Webhooks

/// `sigil bench deliveries`: signed deliveries per second to a local receiver, and the signing cost.
struct DeliveryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "Signed webhook deliveries per second to a loopback receiver (SQLite queue), and signing cost per KiB vs raw libsodium.",
        discussion: "--signing hmac (a whsec_ secret: wisp + Standard Webhooks v1) or ed25519 (a signing key: Standard Webhooks v1a)."
    )

    enum Signing: String, ExpressibleByArgument, CaseIterable { case hmac, ed25519 }

    @Option(help: "Deliveries to queue and send.") var count = 20_000
    @Option(help: "Concurrent deliveries in flight.") var concurrency = 64
    @Option(help: "In-flight limit per destination host.") var perHost = 64
    @Option(help: "hmac or ed25519.") var signing: Signing = .hmac

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        try signingCost()

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-deliveries-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
        try await store.migrate()
        let secrets = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()))
        let signingKeys = secrets.signingKeyService(store: store)
        let owner = "did:plc:benchbbbbbbbbbbbbbbbbbbb"
        let signedWith: String
        switch signing {
        case .hmac: signedWith = try await secrets.create(owner: owner, name: "bench").token.description
        case .ed25519:
            signedWith =
                "the Ed25519 signing key " + (try WebhookPublicKey(bytes: try await signingKeys.create(owner: owner, name: "bench").publicKey)).text
        }

        // The receiver verifies nothing (that is the receiver's cost); it counts.
        let received = ManagedCounter()
        let router = Router()
        router.post("/hook") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            received.increment()
            return Response(status: .noContent)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) })
        let destinations = DestinationGuard(insecureLoopback: true)
        var configuration = DeliveryWorker.Configuration()
        configuration.concurrency = concurrency
        configuration.perHost = perHost
        configuration.pollInterval = .milliseconds(5)
        let worker = DeliveryWorker(
            store: store, log: store, secrets: secrets, signingKeys: signingKeys, destinations: destinations, configuration: configuration,
            logger: Logger(label: "bench"))
        let group = ServiceGroup(configuration: .init(services: [receiver], logger: Logger(label: "bench")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let body = Array(
                #"{"id":"x","event":"create","did":"did:plc:benchbbbbbbbbbbbbbbbbbbb","collection":"app.bsky.feed.post","rkey":"3l","record":{"text":"hello"},"timestamp":"2026-11-23T10:00:00.000Z"}"#
                    .utf8)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var batch: [NewDelivery] = []
            for i in 0..<count {
                batch.append(
                    NewDelivery(
                        id: "bench-\(i)", owner: owner, webhookRKey: "w", url: "http://127.0.0.1:\(port)/hook",
                        secretName: "bench", inlineSecret: nil, body: body, createdAt: now))
                if batch.count == 1000 {
                    try await store.enqueue(batch, cursor: nil)
                    batch = []
                }
            }
            if !batch.isEmpty { try await store.enqueue(batch, cursor: nil) }
            print("queued \(count) deliveries signed with \(signedWith) (\(body.count)-byte bodies) to http://127.0.0.1:\(port)/hook")

            let started = ContinuousClock.now
            tasks.addTask { try await worker.run() }
            while (try await store.deliveryCounts())[.delivered, default: 0] < count {
                try await Task.sleep(for: .milliseconds(50))
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let counts = try await store.deliveryCounts()
            print(
                String(
                    format: "delivered %d (receiver saw %d, dead %d) in %.2f s: %.0f %@-signed deliveries/s",
                    counts[.delivered] ?? 0, received.value, counts[.dead] ?? 0, seconds, Double(count) / seconds, signing.rawValue))
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        await destinations.shutdown()
        await store.close()
    }

    /// Signing a 1 KiB body as a delivery is signed, against the raw libsodium primitive on the same bytes.
    private func signingCost() throws {
        let body = [UInt8](repeating: 0x61, count: 1024)
        switch signing {
        case .hmac:
            let signer = try WebhookSigner(token: SigningToken.generate().text)
            let key = [UInt8](repeating: 7, count: 32)
            let rounds = 200_000
            let signed = Self.seconds(rounds) { i in _ = signer.headers(body: body, id: "msg_\(i)", timestamp: 1_700_000_000) }
            let raw = Self.seconds(rounds) { _ in _ = Sodium.hmacSHA256(key: key, message: body) }
            print(
                String(
                    format:
                        "signing a 1 KiB delivery (wisp + Standard Webhooks headers): %.2f µs; one raw libsodium HMAC-SHA256 of 1 KiB: %.2f µs (%.1f×, two HMACs plus encoding)",
                    signed * 1e6, raw * 1e6, signed / raw))
        case .ed25519:
            let key = WebhookSigningKey.generate()
            let pair = Sodium.Ed25519.keyPair(seed: Array(repeating: 7, count: 32))!
            let content = Array("msg_0.1700000000.".utf8) + body
            let rounds = 50_000
            let signed = Self.seconds(rounds) { i in _ = WebhookSigningKey.headers(body: body, id: "msg_\(i)", timestamp: 1_700_000_000, keys: [key])
            }
            let raw = Self.seconds(rounds) { _ in _ = Sodium.Ed25519.sign(content, secretKey: pair.secretKey) }
            print(
                String(
                    format:
                        "signing a 1 KiB delivery (Standard Webhooks v1a): %.2f µs; one raw libsodium crypto_sign_detached of it: %.2f µs (%.2f×; %.0f vs %.0f signatures/s)",
                    signed * 1e6, raw * 1e6, signed / raw, 1 / signed, 1 / raw))
        }
    }

    /// Seconds per round of `body`, over `rounds` rounds.
    private static func seconds(_ rounds: Int, _ body: (Int) -> Void) -> Double {
        let start = ContinuousClock.now
        for i in 0..<rounds { body(i) }
        return (ContinuousClock.now - start) / .seconds(1) / Double(rounds)
    }
}

/// A thread-safe counter.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
