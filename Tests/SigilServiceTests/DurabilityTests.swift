import AsyncHTTPClient
import Foundation
import Lexicon
import NIOCore
import Secrets
import SigilService
import SigilTestSupport
import Sodium
import Testing

/// What a client saw acknowledged for one secret: each rotation's version and token, in order.
actor Acknowledgements {
    private(set) var tokens: [String: [(version: Int64, token: String)]] = [:]

    func record(_ name: String, version: Int64, token: String) {
        tokens[name, default: []].append((version, token))
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

@Suite("Rotation durability", .serialized)
struct DurabilityTests {
    /// Rotates the secrets of `names` in a loop, one sequential client per name, until cancelled.
    static func rotateForever(base: String, identity: DevelopmentIdentity, versions: [String: Int64], into acknowledged: Acknowledgements) async {
        await withTaskGroup(of: Void.self) { group in
            for (name, start) in versions {
                group.addTask {
                    var version = start
                    while !Task.isCancelled {
                        guard let token = try? identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.rotate"),
                              let response = try? await fetch("\(base)/xrpc/place.wisp.v2.secret.rotate", method: .POST, body: #"{"name":"\#(name)"}"#,
                                                              headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)]),
                              response.status == 200,
                              let issued = (try? JSONValue(parsing: response.body))?["token"]?.stringValue else { return }
                        version += 1
                        await acknowledged.record(name, version: version, token: issued)
                    }
                }
            }
        }
    }

    /// SIGKILL `sigil serve` under rotation load, several times; after each restart every secret's current
    /// token is the last acknowledged one (or the one whose answer the kill cut off), and no earlier token signs.
    @Test func killNineNeverResurrectsATokenNorLosesAnAcknowledgedRotation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        let names = (0..<8).map { "hook-\($0)" }
        let arguments = ["--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0", "--log-level", "notice"]
        let acknowledged = Acknowledgements()
        var logs = ""

        var server = try ServeProcess(arguments)
        var base = "http://127.0.0.1:\(try await server.waitUntilListening())"
        for name in names {
            let token = try identity.token(audience: "did:web:localhost#sigil", lxm: "place.wisp.v2.secret.create")
            let created = try await fetch("\(base)/xrpc/place.wisp.v2.secret.create", method: .POST, body: #"{"name":"\#(name)"}"#,
                                          headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)])
            #expect(created.status == 200, "\(created.body)")
            await acknowledged.record(name, version: 1, token: (try JSONValue(parsing: created.body))["token"]!.stringValue!)
        }

        // The committed version of each secret when a round starts (the previous round may have committed a
        // rotation whose answer the kill cut off).
        var versions = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64(1)) })
        for round in 0..<3 {
            let load = Task { [base, versions] in await Self.rotateForever(base: base, identity: identity, versions: versions, into: acknowledged) }
            try await Task.sleep(for: .milliseconds(300 + 200 * round))
            kill(server.process.processIdentifier, SIGKILL)
            _ = try await server.waitForExit()
            load.cancel()
            await load.value
            logs += server.stderr

            server = try ServeProcess(arguments)
            base = "http://127.0.0.1:\(try await server.waitUntilListening())"

            // Read what is committed, through a second connection to the same database.
            let store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
            let keys = MasterKeyRing(current: try MasterKey.read(from: (directory as NSString).appendingPathComponent("master.key")))
            let service = try await SecretService.open(store: store, keys: keys)
            let seen = await acknowledged.tokens
            var rotations = 0
            for name in names {
                let history = seen[name] ?? []
                rotations += history.count - 1
                guard let last = history.last else { Issue.record("no history for \(name)"); continue }
                let current = try await service.currentToken(owner: identity.did, name: name)
                versions[name] = current.version
                // The last acknowledged rotation is never lost; at most the one in flight at the kill may be newer.
                #expect(current.version == last.version || current.version == last.version + 1,
                        "round \(round) \(name): stored v\(current.version), last acknowledged v\(last.version)")
                if current.version == last.version { #expect(current.token.text == last.token) }
                // No earlier token verifies a signature made now.
                let body = Array("round \(round)".utf8)
                let signature = Sodium.hmacSHA256(key: current.token.wispKey, message: body)
                for earlier in history where earlier.version < current.version {
                    #expect(!Sodium.constantTimeEqual(signature, Sodium.hmacSHA256(key: Array(earlier.token.utf8), message: body)))
                }
            }
            await store.close()
            #expect(rotations > 0, "round \(round): the load made no rotations")
            // Acknowledged rotations are reflected in the audit trail too.
            let audit = try await SecretService.open(store: SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite")), keys: keys)
                .audit(owner: identity.did, name: names[0])
            #expect(audit.filter { $0.action == .rotated }.count >= (seen[names[0]]?.count ?? 1) - 1)
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
    @Test(arguments: ["sqlite", "postgres"])
    func rotationIsInForceInAnotherProcessAtOnce(_ kind: String) async throws {
        if kind == "postgres" && ProcessInfo.processInfo.environment["SIGIL_SKIP_POSTGRES"] == "1" { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-now-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = (directory as NSString).appendingPathComponent("master.key")
        let key = MasterKey.generate()
        try key.write(to: keyFile)

        let store: any SecretStore
        var storeArguments = ["--master-key-file", keyFile]
        if kind == "postgres" {
            guard let url = ProcessInfo.processInfo.environment["SIGIL_TEST_DATABASE_URL"] else {
                Issue.record("SIGIL_TEST_DATABASE_URL is not set: run the tests through .ci/test, or set SIGIL_SKIP_POSTGRES=1")
                return
            }
            let schema = "now_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            store = try PostgresSecretStore(url: url, schema: schema)
            storeArguments += ["--database-url", url, "--database-schema", schema]
        } else {
            store = try SQLiteSecretStore(path: (directory as NSString).appendingPathComponent("sigil.sqlite"))
            storeArguments += ["--data-dir", directory]
        }
        try await store.migrate()
        defer { Task { await store.close() } }
        let service = try await SecretService.open(store: store, keys: MasterKeyRing(current: key))
        let owner = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"
        let old = try await service.create(owner: owner, name: "hook").token
        let body = #"{"event":"create"}"#

        func signElsewhere() throws -> String {
            let result = try runSigil(["secrets", "sign", "--did", owner, "--name", "hook"] + storeArguments, stdin: body)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func expected(_ token: SigningToken) -> String { "sha256=" + hex(Sodium.hmacSHA256(key: token.wispKey, message: Array(body.utf8))) }

        #expect(try signElsewhere() == expected(old))
        for _ in 0..<3 {
            let new = try await service.rotate(owner: owner, name: "hook").token
            let signature = try signElsewhere()
            #expect(signature == expected(new))
            #expect(signature != expected(old))
        }
        _ = try await service.delete(owner: owner, name: "hook")
        let afterDelete = try runSigil(["secrets", "sign", "--did", owner, "--name", "hook"] + storeArguments, stdin: body)
        #expect(afterDelete.status != 0)
        #expect(afterDelete.stdout.isEmpty)
    }
}
