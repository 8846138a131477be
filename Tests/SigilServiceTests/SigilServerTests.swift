import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Logging
import Prometheus
import SQLiteStore
import Secrets
import SigilService
import SigilTestSupport
import Storage
import Testing

/// The server `sigil serve` runs, assembled by ``SigilServer`` in this process on a fresh SQLite store, with the
/// development identity trusted (`--dev`): callers sign real service JWTs, checked by the real authenticator.
struct AssembledServer {
    let server: SigilServer
    let identity: DevelopmentIdentity
    let configuration: SigilServer.Configuration
    let directory: URL

    static func make(_ configure: (inout SigilServer.Configuration) -> Void = { _ in }) async throws -> AssembledServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = SigilServer.Configuration()
        configuration.dataDirectory = directory.path
        configuration.dev = true
        configuration.port = 0
        configuration.rateLimit = 0
        configure(&configuration)
        try configuration.validate()
        let stores = try await SQLiteSecretStore.open(path: directory.appendingPathComponent("sigil.sqlite").path)
        let server = try await SigilServer.build(
            configuration: configuration, stores: stores, keys: MasterKeyRing(current: .generate()),
            catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")),
            metrics: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory.path)
        return AssembledServer(server: server, identity: identity, configuration: configuration, directory: directory)
    }

    /// `Authorization` with a fresh service JWT of the development identity for `nsid`.
    func bearer(_ nsid: String) throws -> String {
        "Bearer " + (try identity.token(audience: "\(configuration.serviceDID)#\(configuration.serviceID)", lxm: nsid))
    }

    /// Closes the stores and removes the directory.
    func close() async {
        await server.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a client of the real router, then closes everything, whichever way `body` ends.
    func withClient<T: Sendable>(_ mode: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        do {
            let result = try await server.application.test(mode, body)
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}

@Suite("SigilServer: the real assembly in process")
struct SigilServerTests {
    /// With `--port 0`, the `did:web` document names the port the server is bound to, not 0.
    @Test func theDIDDocumentNamesTheBoundPort() async throws {
        let assembled = try await AssembledServer.make()
        let endpoint = try await assembled.withClient(.live) { client in
            let response = try await client.execute(uri: "/.well-known/did.json", method: .get)
            #expect(response.status == .ok)
            let document = try JSONValue(parsing: Array(response.body.readableBytesView))
            return document["service"]?.arrayValue?.first?["serviceEndpoint"]?.stringValue
        }
        let port = try #require(endpoint.flatMap { URL(string: $0) }?.port, "\(endpoint ?? "no endpoint")")
        #expect(port != 0 && endpoint == "http://127.0.0.1:\(port)", "\(endpoint ?? "")")
    }

    /// A wisp.place client creates and rotates a secret with real service JWTs; what the server signs with is what
    /// it returned.
    @Test func aWispClientCreatesAndRotatesThroughTheAssembledServer() async throws {
        let assembled = try await AssembledServer.make()
        let did = assembled.identity.did
        let secrets = assembled.server.secrets
        try await assembled.withClient { client in
            let created = try await client.xrpc(
                "place.wisp.v2.secret.create", authorization: try assembled.bearer("place.wisp.v2.secret.create"),
                #"{"name":"deploy"}"#)
            #expect(created.0 == .ok, "\(created.2)")
            let first = try #require(created.1["token"]?.stringValue)
            #expect(try await secrets.currentToken(owner: did, name: "deploy").token.text == first)
            let rotated = try await client.xrpc(
                "place.wisp.v2.secret.rotate", authorization: try assembled.bearer("place.wisp.v2.secret.rotate"),
                #"{"name":"deploy"}"#)
            #expect(rotated.0 == .ok, "\(rotated.2)")
            let second = try #require(rotated.1["token"]?.stringValue)
            #expect(try await secrets.withSigningToken(owner: did, name: "deploy") { $0.all.map(\.text) } == [second])
            // The token of the secret is not a service credential: through the real authenticator, every method that
            // takes a service JWT refuses it, by name.
            for nsid in assembled.server.implementedMethods where MethodPolicy.table[nsid]?.credential == .serviceJWT {
                // Queries with valid params (validated before authentication), procedures with a body.
                let queries = [
                    ".list": "", ".get": "?name=deploy", ".history": "?name=deploy", ".getDelivery": "?id=d1",
                    ".listDeliveries": "?webhook=w1",
                ]
                let query = queries.first { nsid.hasSuffix($0.key) }?.value
                let refused = try await client.xrpc(nsid, authorization: "Bearer \(second)", query == nil ? "{}" : nil, query: query ?? "")
                #expect(refused.0 == .unauthorized && refused.1["error"] == "BadJwt", "\(nsid): \(refused.0) \(refused.2)")
            }
            // And rotateWithToken takes the token, never a service JWT.
            let jwt = try await client.xrpc(
                "dev.sigil.secret.rotateWithToken", authorization: try assembled.bearer("dev.sigil.secret.rotateWithToken"), "{}")
            #expect(jwt.0 == .unauthorized && jwt.1["error"] == "AuthenticationRequired", "\(jwt.2)")
            let byToken = try await client.xrpc("dev.sigil.secret.rotateWithToken", authorization: "Bearer \(second)", "{}")
            #expect(byToken.0 == .ok, "\(byToken.2)")
        }
    }

    /// Every method family Sigil implements is served by the assembly `sigil serve` runs.
    @Test func everyImplementedFamilyIsServed() async throws {
        let assembled = try await AssembledServer.make()
        let methods = assembled.server.implementedMethods
        await assembled.close()
        for family in ["place.wisp.v2.secret.", "dev.sigil.secret.", "dev.sigil.signingKey.", "dev.sigil.webhook."] {
            #expect(methods.contains { $0.hasPrefix(family) }, "\(family) in \(methods)")
        }
    }
}

/// The policy table is the one place a method's admission is declared, and the assembled server follows it.
@Suite("Method policy table")
struct MethodPolicyTests {
    /// Every method the server serves has an entry, and every entry is served (no stale rows).
    @Test func theTableNamesExactlyTheServedMethods() async throws {
        let assembled = try await AssembledServer.make()
        let served = Set(assembled.server.implementedMethods)
        await assembled.close()
        #expect(
            served == Set(MethodPolicy.table.keys),
            "served but undeclared: \(served.subtracting(MethodPolicy.table.keys)); declared but not served: \(Set(MethodPolicy.table.keys).subtracting(served))"
        )
    }

    /// What the table says is what a caller meets: anonymous methods answer without credentials, the others
    /// refuse a call without one (401), and a JWT method refuses the secret's token while the token method
    /// refuses a JWT.
    @Test func eachCredentialKindIsEnforcedAsDeclared() async throws {
        let assembled = try await AssembledServer.make()
        try await assembled.withClient { client in
            for (nsid, policy) in MethodPolicy.table.sorted(by: { $0.key < $1.key }) {
                let isQuery = [".list", ".get", ".history", ".listPublic", ".listDeliveries", ".getDelivery"].contains { nsid.hasSuffix($0) }
                let query =
                    [
                        "listPublic": "?did=did:plc:nobodyyyyyyyyyyyyyyyyyyy&name=k", ".get": "?name=k", ".history": "?name=k",
                        ".getDelivery": "?id=d", ".listDeliveries": "?webhook=w",
                    ].first { nsid.hasSuffix($0.key) }?.value ?? ""
                let answer = try await client.xrpc(nsid, authorization: nil, isQuery ? nil : "{}", query: query)
                switch policy.credential {
                case .anonymous:
                    #expect(answer.0 != .unauthorized, "\(nsid) is anonymous but asked for credentials: \(answer.2)")
                case .serviceJWT, .secretToken:
                    #expect(answer.0 == .unauthorized && answer.1["error"] == "AuthenticationRequired", "\(nsid): \(answer.0) \(answer.2)")
                }
            }
        }
    }
}

/// What `sigil serve` says at start about where it keeps secrets (a child process: the log is the point).
@Suite("sigil serve names its store", .tags(.process), .kinds(.process))
struct ServeStoreLogTests {
    @Test func sqliteIsNamedWithItsDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServeProcess(["--port", "0", "--data-dir", directory])
        _ = try await server.waitUntilListening()
        kill(server.process.processIdentifier, SIGTERM)
        _ = try await server.waitForExit()
        #expect(server.stderr.contains("secrets store: SQLite in \(directory)"), "\(server.stderr)")
        #expect(!server.stderr.contains("secrets store: PostgreSQL"))
    }
    /// A second `sigil serve` on the same SQLite data directory exits at once, naming the holder; once the first is
    /// gone (even by SIGKILL), a new one starts.
    @Test func aSecondServerOnOneDataDirectoryIsRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-one-dir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ServeProcess(["--port", "0", "--data-dir", directory])
        _ = try await first.waitUntilListening()
        let second = try ServeProcess(["--port", "0", "--data-dir", directory])
        let status = try await second.waitForExit()
        #expect(status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("another sigil serve (pid \(first.process.processIdentifier))"), "\(second.stderr)")
        #expect(second.stderr.contains("one process per SQLite data directory"))
        kill(first.process.processIdentifier, SIGKILL)
        _ = try await first.waitForExit()
        let third = try ServeProcess(["--port", "0", "--data-dir", directory])
        _ = try await third.waitUntilListening()
        kill(third.process.processIdentifier, SIGTERM)
        #expect(try await third.waitForExit() == 0)
    }
}
