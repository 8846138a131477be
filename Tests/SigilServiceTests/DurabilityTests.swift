import AsyncHTTPClient
import Foundation
import Lexicon
import NIOCore
import PostgresStore
import SQLiteStore
import Secrets
import SigilService
import SigilTestSupport
import Sodium
import StoreTestSupport
import Testing
import WebhookSignature

/// What a client saw acknowledged for one secret: each rotation's version and token, in order; and any answer
/// that was neither a 200 nor a connection cut by the kill (a server answering 500 must fail the test).
actor Acknowledgements {
    private(set) var tokens: [String: [(version: Int64, token: String)]] = [:]
    private(set) var failures: [String] = []

    func record(_ name: String, version: Int64, token: String) {
        tokens[name, default: []].append((version, token))
    }

    func fail(_ description: String) { failures.append(description) }

    /// Rotations acknowledged so far, all secrets together.
    var rotations: Int { tokens.values.reduce(0) { $0 + $1.count - 1 } }
}

@Suite("Rotation durability", .serialized, .tags(.process, .slow), .kinds(.process, .slow))
struct DurabilityTests {
    /// Rotates the secrets of `names` in a loop, one sequential client per name, until cancelled or the
    /// connection fails (the kill). Any non-200 answer is recorded as a failure and stops that client.
    static func rotateForever(base: String, identity: DevelopmentIdentity, versions: [String: Int64], into acknowledged: Acknowledgements) async {
        await withTaskGroup(of: Void.self) { group in
            for (name, start) in versions {
                group.addTask {
                    var version = start
                    while !Task.isCancelled {
                        guard let token = try? identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.rotate"),
                            let response = try? await fetch(
                                "\(base)/xrpc/place.wisp.v2.secret.rotate", method: .POST, body: #"{"name":"\#(name)"}"#,
                                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)])
                        else { return }  // the connection was cut: the kill
                        guard response.status == 200, let issued = (try? JSONValue(parsing: response.body))?["token"]?.stringValue else {
                            await acknowledged.fail("\(name): \(response.status) \(response.body.prefix(200))")
                            return
                        }
                        version += 1
                        await acknowledged.record(name, version: version, token: issued)
                    }
                }
            }
        }
    }

    /// SIGKILL `sigil serve` under rotation load, after a number of acknowledged rotations, several times.
    /// After each restart every secret's current token is the last acknowledged one (or the one whose answer
    /// the kill cut off), and a signature made now by the signing path (`sigil secrets sign`, against the
    /// store the restarted server serves) verifies under that token and under no earlier one.
    @Test(.tags(.process, .slow), .kinds(.process, .slow))
    func killNineNeverResurrectsATokenNorLosesAnAcknowledgedRotation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        let names = (0..<8).map { "hook-\($0)" }
        // Trace, the most verbose level: whatever the server logs at all is in `logs`.
        let arguments = ["--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0", "--log-level", "trace"]
        let acknowledged = Acknowledgements()
        var logs = ""

        var server = try ServeProcess(arguments)
        var base = "http://127.0.0.1:\(try await server.waitUntilListening())"
        for name in names {
            let token = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create")
            let created = try await fetch(
                "\(base)/xrpc/place.wisp.v2.secret.create", method: .POST, body: #"{"name":"\#(name)"}"#,
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)])
            #expect(created.status == 200, "\(created.body)")
            await acknowledged.record(name, version: 1, token: (try JSONValue(parsing: created.body))["token"]!.stringValue!)
        }

        // The committed version of each secret when a round starts (the previous round may have committed a
        // rotation whose answer the kill cut off).
        var versions = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64(1)) })
        for round in 0..<3 {
            let before = await acknowledged.rotations
            let load = Task { [base, versions] in await Self.rotateForever(base: base, identity: identity, versions: versions, into: acknowledged) }
            // Kill once this round has had its share of acknowledged rotations (more each round).
            let wanted = 40 + 40 * round
            #expect(
                try await eventually(.seconds(60)) {
                    let failed = await !acknowledged.failures.isEmpty
                    return await acknowledged.rotations - before >= wanted || failed
                })
            kill(server.process.processIdentifier, SIGKILL)
            _ = try await server.waitForExit()
            load.cancel()
            await load.value
            logs += server.stderr
            let failures = await acknowledged.failures
            #expect(failures.isEmpty, "round \(round): answers other than 200: \(failures)")
            #expect(await acknowledged.rotations - before >= wanted, "round \(round): too few rotations were acknowledged")

            server = try ServeProcess(arguments)
            base = "http://127.0.0.1:\(try await server.waitUntilListening())"

            let seen = await acknowledged.tokens
            for name in names {
                let history = seen[name] ?? []
                guard let last = history.last else {
                    Issue.record("no history for \(name)")
                    continue
                }
                // What the signing path signs with now, through the store the restarted server uses.
                let body = "round \(round) \(name)"
                let signed = try await runSigil(["secrets", "sign", "--did", identity.did, "--name", name, "--data-dir", directory], stdin: body)
                #expect(signed.status == 0, "\(signed.stderr)")
                let signature = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let version = signed.stderr.firstMatch(of: /signed with version (\d+)/).flatMap({ Int64($0.1) }) else {
                    Issue.record("sigil secrets sign did not say which version: \(signed.stderr)")
                    continue
                }
                versions[name] = version
                // The last acknowledged rotation is never lost; at most the one in flight at the kill may be newer.
                #expect(
                    version == last.version || version == last.version + 1,
                    "round \(round) \(name): stored v\(version), last acknowledged v\(last.version)")
                func verifies(_ token: String) -> Bool {
                    (try? WebhookVerifier(token: token, policy: .acceptEither).verify(
                        body: Array(body.utf8), headers: ["X-Webhook-Signature": signature])) != nil
                }
                if version == last.version { #expect(verifies(last.token), "round \(round) \(name): not signed with the last acknowledged token") }
                for earlier in history where earlier.version < version {
                    #expect(!verifies(earlier.token), "round \(round) \(name): v\(earlier.version) still signs")
                }
            }
            // Acknowledged rotations are reflected in the audit trail too.
            let audit = try await runSigil(["secrets", "audit", "--did", identity.did, "--data-dir", directory])
            #expect(audit.status == 0, "\(audit.stderr)")
            let rotatedFirst = audit.stdout.split(separator: "\n").filter { $0.contains(#""rotated""#) && $0.contains(#""\#(names[0])""#) }.count
            #expect(rotatedFirst >= (seen[names[0]]?.count ?? 1) - 1)
        }
        kill(server.process.processIdentifier, SIGTERM)
        _ = try await server.waitForExit()
        logs += server.stderr

        // Tokens never reach the logs.
        for (_, history) in await acknowledged.tokens {
            for entry in history { #expect(!logs.contains(entry.token), "a token was logged") }
        }
    }

    /// Rotate in this process; a second process signing from the same store uses only the new token.
    @Test(arguments: StoreKind.enabled)
    func rotationIsInForceInAnotherProcessAtOnce(_ kind: StoreKind) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-now-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = (directory as NSString).appendingPathComponent("master.key")
        let key = MasterKey.generate()
        try key.write(to: keyFile)

        // PostgreSQL without SIGIL_TEST_DATABASE_URL fails here (it is skipped only when SIGIL_SKIP_POSTGRES=1 says so).
        let store: any SecretStore
        let cleanUp: @Sendable () async -> Void
        var storeArguments = ["--master-key-file", keyFile]
        switch kind {
        case .postgres:
            let url = try #require(
                StoreKind.testDatabaseURL, "SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
            let (replicas, dropSchema) = try await StoreKind.openPostgresReplicas(1)
            (store, cleanUp) = (replicas[0], dropSchema)
            storeArguments += ["--database-url", url, "--database-schema", replicas[0].schema]
        case .sqlite:
            let sqlite = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
            try await sqlite.migrate()
            (store, cleanUp) = (sqlite, { await sqlite.close() })
            storeArguments += ["--data-dir", directory]
        }
        do {
            try await Self.signElsewhereAfterEachRotation(store: store, key: key, storeArguments: storeArguments)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    static func signElsewhereAfterEachRotation(store: any SecretStore, key: MasterKey, storeArguments: [String]) async throws {
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
        let owner = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
        let old = try await service.create(owner: owner, name: "hook").token
        let body = #"{"event":"create"}"#

        func signElsewhere() async throws -> String {
            let result = try await runSigil(["secrets", "sign", "--did", owner, "--name", "hook"] + storeArguments, stdin: body)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func expected(_ token: SigningToken) -> String { "sha256=" + hex(Sodium.hmacSHA256(key: token.wispKey, message: Array(body.utf8))) }

        #expect(try await signElsewhere() == expected(old))
        for _ in 0..<3 {
            let new = try await service.rotate(owner: owner, name: "hook").token
            let signature = try await signElsewhere()
            #expect(signature == expected(new))
            #expect(signature != expected(old))
        }
        _ = try await service.delete(owner: owner, name: "hook")
        let afterDelete = try await runSigil(["secrets", "sign", "--did", owner, "--name", "hook"] + storeArguments, stdin: body)
        #expect(afterDelete.status != 0)
        #expect(afterDelete.stdout.isEmpty)

    }
}
