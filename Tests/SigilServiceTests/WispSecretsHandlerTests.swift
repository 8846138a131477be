import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import SQLiteStore
import Secrets
import SigilAPI
import SigilService
import Testing
import XRPC

/// Trusts `Authorization: Test <did>`; tests of real JWTs live in IdentityTests and the serve tests.
struct TestAuthenticator: XRPCAuthenticator {
    func authenticate(headers: HTTPFields, nsid: String) async throws(XRPCError) -> XRPCPrincipal? {
        guard let value = headers[.authorization] else { return nil }
        guard value.hasPrefix("Test ") else { throw .authenticationRequired("bad", name: "BadJwt") }
        return XRPCPrincipal(did: String(value.dropFirst(5)))
    }
}

/// Runs `body` with a test client of the secret methods (`place.wisp.v2.secret.*` and `dev.sigil.secret.*`) over a
/// fresh SQLite store, as `sigil serve` wires them (``SplitTestAuthenticator``); the store is closed and its
/// directory removed afterwards.
func withSecretsClient(
    maxSecrets: Int = 100, rateLimit: Int = 0,
    clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
    _ body: @escaping @Sendable (any TestClientProtocol, SecretService) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-handler-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteSecretStore(path: directory.appendingPathComponent("sigil.sqlite").path)
    try await store.migrate()
    let secrets = try await SecretService.open(store: store, keys: MasterKeyRing(current: .generate()), maxPerOwner: maxSecrets, clock: clock)
    var methods = XRPCMethodTable(catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")))
    try methods.register(WispSecretsHandler(service: secrets), auth: .required)
    try methods.register(SigilSecretsHandler(service: secrets), auth: .required)
    let limiter = PerDIDRateLimiter(limit: rateLimit, methods: MethodPolicy.rateLimited)
    let service = XRPCService(
        methods: methods, configuration: XRPCConfiguration(version: "test"),
        authenticator: SplitTestAuthenticator(tokens: SecretTokenAuthenticator(secrets: secrets)), rateLimiter: limiter)
    let router = Router()
    service.addRoutes(to: router)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    do {
        try await app.test(.router) { client in try await body(client, secrets) }
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}

extension TestClientProtocol {
    func call(_ method: String, as did: String?, _ body: String? = nil, query: String = "") async throws -> (
        HTTPResponse.Status, JSONValue, HTTPFields
    ) {
        var headers: HTTPFields = [:]
        if let did { headers[.authorization] = "Test \(did)" }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await execute(
            uri: "/xrpc/place.wisp.v2.secret.\(method)\(query)", method: body == nil ? .get : .post,
            headers: headers, body: body.map { ByteBuffer(string: $0) })
        return (response.status, (try? JSONValue(parsing: Array(response.body.readableBytesView))) ?? .null, response.headers)
    }
}

@Suite("place.wisp.v2.secret.* handlers")
struct WispSecretsHandlerTests {
    @Test func createListRotateDelete() async throws {
        try await withSecretsClient { client, secrets in
            let (status, created, _) = try await client.call("create", as: alice, #"{"name":"deploy"}"#)
            #expect(status == .ok)
            let token = created["token"]?.stringValue ?? ""
            #expect(token.hasPrefix("whsec_"))
            #expect(Datetime.isValid(created["createdAt"]?.stringValue ?? ""))
            #expect(try await secrets.currentToken(owner: alice, name: "deploy").token.text == token)

            let (_, listed, _) = try await client.call("list", as: alice)
            #expect(listed["secrets"]?.arrayValue?.count == 1)
            #expect(listed["secrets"]?.arrayValue?.first?["name"] == "deploy")
            #expect(listed["secrets"]?.arrayValue?.first?["token"] == nil)
            #expect(!listed.jsonString.contains("whsec_"))

            let (rotateStatus, rotated, _) = try await client.call("rotate", as: alice, #"{"name":"deploy"}"#)
            #expect(rotateStatus == .ok)
            let newToken = rotated["token"]?.stringValue ?? ""
            #expect(newToken.hasPrefix("whsec_") && newToken != token)
            #expect(Datetime.isValid(rotated["rotatedAt"]?.stringValue ?? ""))
            #expect(try await secrets.currentToken(owner: alice, name: "deploy").token.text == newToken)
            let (_, relisted, _) = try await client.call("list", as: alice)
            // wisp's field name: a wisp client reads lastRotatedAt.
            #expect(relisted["secrets"]?.arrayValue?.first?["lastRotatedAt"] == rotated["rotatedAt"])

            // As wisp's lexicon has it, delete has no output: 200 with an empty body.
            let (deleteStatus, deleted, _) = try await client.call("delete", as: alice, #"{"name":"deploy"}"#)
            #expect(deleteStatus == .ok)
            #expect(deleted == .null)
            let (_, empty, _) = try await client.call("list", as: alice)
            #expect(empty == ["secrets": []])
        }
    }

    /// New names follow wisp.place's secretId rule; secrets named before it keep working.
    @Test func newNamesFollowWispsRuleAndOldNamesKeepWorking() async throws {
        try await withSecretsClient { client, secrets in
            let alice = "did:plc:alicealicealicealicealic"
            for name in [String(repeating: "a", count: 65), "a~b", "a:b", "é", "."] {
                let (status, body, _) = try await client.call("create", as: alice, JSONValue.object(["name": .string(name)]).jsonString)
                #expect(status == .badRequest, "\(name)")
                #expect(body["error"] == "InvalidRequest", "\(name): \(body)")
            }
            for name in [String(repeating: "a", count: 64), "A.b_c-9"] {
                let (status, _, _) = try await client.call("create", as: alice, JSONValue.object(["name": .string(name)]).jsonString)
                #expect(status == .ok, "\(name)")
            }
            // A secret created before the rule (here: straight through the service) is still listed, rotated and deleted.
            let old = String(repeating: "o", count: 100) + "~legacy"
            _ = try await secrets.create(owner: alice, name: old)
            let (rotated, _, _) = try await client.call("rotate", as: alice, JSONValue.object(["name": .string(old)]).jsonString)
            #expect(rotated == .ok)
            let (_, listed, _) = try await client.call("list", as: alice)
            #expect(listed["secrets"]?.arrayValue?.contains { $0["name"] == .string(old) } == true)
            let (deleted, _, _) = try await client.call("delete", as: alice, JSONValue.object(["name": .string(old)]).jsonString)
            #expect(deleted == .ok)
        }
    }

    @Test func accountsAreIsolated() async throws {
        try await withSecretsClient { client, secrets in
            let (_, created, _) = try await client.call("create", as: alice, #"{"name":"mine"}"#)
            // Bob sees nothing, and alice's secret looks exactly like a missing one to him.
            let (_, listed, _) = try await client.call("list", as: bob)
            #expect(listed == ["secrets": []])
            let (rotateStatus, rotateError, _) = try await client.call("rotate", as: bob, #"{"name":"mine"}"#)
            let (missingStatus, missingError, _) = try await client.call("rotate", as: bob, #"{"name":"nothing"}"#)
            #expect(rotateStatus == .badRequest && rotateError["error"] == "NotFound")
            #expect(missingStatus == .badRequest && missingError["error"] == "NotFound")
            #expect(rotateError["message"] == .string("no secret named mine") && missingError["message"] == .string("no secret named nothing"))
            let (deleteStatus, deleteError, _) = try await client.call("delete", as: bob, #"{"name":"mine"}"#)
            #expect(deleteStatus == .badRequest && deleteError["error"] == "NotFound")
            // Bob may use the same name for his own secret.
            let (bobStatus, _, _) = try await client.call("create", as: bob, #"{"name":"mine"}"#)
            #expect(bobStatus == .ok)
            // Alice's token is untouched.
            #expect(try await secrets.currentToken(owner: alice, name: "mine").token.text == created["token"]?.stringValue)
        }
    }

    @Test func errors() async throws {
        try await withSecretsClient(maxSecrets: 2) { client, _ in
            let (noAuth, noAuthError, noAuthHeaders) = try await client.call("create", as: nil, #"{"name":"a"}"#)
            #expect(noAuth == .unauthorized && noAuthError["error"] == "AuthenticationRequired")
            #expect(noAuthHeaders[.wwwAuthenticate] != nil)
            let (listNoAuth, _, _) = try await client.call("list", as: nil)
            #expect(listNoAuth == .unauthorized)

            _ = try await client.call("create", as: alice, #"{"name":"a"}"#)
            let (duplicate, duplicateError, _) = try await client.call("create", as: alice, #"{"name":"a"}"#)
            #expect(duplicate == .badRequest && duplicateError["error"] == "AlreadyExists")
            _ = try await client.call("create", as: alice, #"{"name":"b"}"#)
            let (limit, limitError, _) = try await client.call("create", as: alice, #"{"name":"c"}"#)
            #expect(limit == .badRequest && limitError["error"] == "InvalidRequest")
            #expect(limitError["message"]?.stringValue?.contains("maximum of 2 secrets") == true)

            let (badName, badNameError, _) = try await client.call("create", as: alice, #"{"name":"has space"}"#)
            #expect(badName == .badRequest && badNameError["message"] == "Input/name must be a valid record-key")
            let (badLimit, _, _) = try await client.call("list", as: alice, query: "?limit=500")
            #expect(badLimit == .badRequest)
        }
    }

    @Test func mutatingCallsAreRateLimitedPerAccount() async throws {
        try await withSecretsClient(rateLimit: 3) { client, _ in
            for name in ["a", "b", "c"] {
                let (status, _, _) = try await client.call("create", as: alice, #"{"name":"\#(name)"}"#)
                #expect(status == .ok)
            }
            let (limited, limitedError, headers) = try await client.call("rotate", as: alice, #"{"name":"a"}"#)
            #expect(limited == .tooManyRequests && limitedError["error"] == "RateLimitExceeded")
            #expect(Int(headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Reads are not limited, and other accounts have their own budget.
            let (list, _, _) = try await client.call("list", as: alice)
            #expect(list == .ok)
            let (other, _, _) = try await client.call("create", as: bob, #"{"name":"a"}"#)
            #expect(other == .ok)
        }
    }

    @Test func timestampsAreAtprotoDatetimes() {
        #expect(Timestamp.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(milliseconds: 1_795_432_830_123) == "2026-11-23T11:20:30.123Z")
        #expect(Timestamp.iso8601(milliseconds: 951_782_400_007) == "2000-02-29T00:00:00.007Z")
    }
}

@Suite("Development identity")
struct DevelopmentIdentityTests {
    @Test func concurrentFirstRunsAgreeOnOneIdentity() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-dev-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { try DevelopmentIdentity.loadOrCreate(dataDirectory: directory).did } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(dids.count == 1)
        #expect(DID.isValid(dids.first ?? ""))
    }
}
