import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Lexicon
import Logging
import Prometheus
import SQLiteStore
import Secp256k1
import Secrets
import SigilAPI
import SigilService
import SigilTestSupport
import Testing
import XRPC

/// Runs `body` with a client of the server `sigil serve` runs, assembled by ``SigilServer`` on a fresh SQLite
/// store, and its secret service. Callers write `Authorization: Test <did>`; the client turns that into a real
/// service JWT for the method, signed by a key the server trusts for that DID (``TestAccounts``), so every call
/// goes through the real authenticator, nonce store and rate limiter.
func withSecretsClient(
    maxSecrets: Int = 100, rateLimit: Int = 0,
    clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds,
    _ body: @escaping @Sendable (any TestClientProtocol, SecretService) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-handler-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = SigilServer.Configuration()
    configuration.dataDirectory = directory.path
    configuration.maxSecrets = maxSecrets
    configuration.rateLimit = rateLimit
    var tuning = SigilServer.Tuning()
    tuning.clock = clock
    tuning.trustedDocuments = TestAccounts.documents
    let server = try await SigilServer.build(
        configuration: configuration, stores: try await SQLiteSecretStore.open(path: directory.appendingPathComponent("sigil.sqlite").path),
        keys: MasterKeyRing(current: .generate()), catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")),
        metrics: PrometheusCollectorRegistry(), logger: Logger(label: "test"), tuning: tuning)
    let audience = "\(configuration.serviceDID)#\(configuration.serviceID)"
    do {
        try await server.application.test(.router) { client in
            try await body(SigningTestClient(base: client, audience: audience), server.secrets)
        }
    } catch {
        await server.close()
        throw error
    }
    await server.close()
}

/// The accounts the handler tests act as: a secp256k1 key each, and the DID document that names it.
enum TestAccounts {
    static let dids = ["did:plc:aliceaaaaaaaaaaaaaaaaaaa", "did:plc:bobbbbbbbbbbbbbbbbbbbbbb", "did:plc:alicealicealicealicealic"]
    static let keys: [String: Secp256k1.PrivateKey] = Dictionary(uniqueKeysWithValues: dids.map { ($0, try! Secp256k1.PrivateKey()) })
    static var documents: [String: DIDDocument] {
        Dictionary(
            uniqueKeysWithValues: keys.map { did, key in
                (did, DIDDocument(id: did, multikeys: ["atproto": Multikey.secp256k1(key.publicKey).multibase]))
            })
    }

    /// A fresh service JWT of `did` for `lxm` (ES256K, a new `jti`, valid a minute).
    static func token(_ did: String, lxm: String, audience: String) throws -> String {
        guard let key = keys[did] else { throw TestAccountError(did: did) }
        let now = Int64(Date().timeIntervalSince1970)
        let payload: JSONValue = [
            "iss": .string(did), "aud": .string(audience), "lxm": .string(lxm), "iat": .integer(now), "exp": .integer(now + 60),
            "jti": .string(UUID().uuidString),
        ]
        return try ServiceJWT.sign(header: ["alg": "ES256K", "typ": "JWT"], payload: payload) { input in
            try key.signature(digest: Array(SHA256.hash(data: input)))
        }
    }

    struct TestAccountError: Error { let did: String }
}

/// Turns `Authorization: Test <did>` into `Bearer <service JWT of did for the called method>`; passes everything else.
struct SigningTestClient: TestClientProtocol {
    let base: any TestClientProtocol
    let audience: String
    var port: Int? { base.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if let value = headers[.authorization], value.hasPrefix("Test ") {
            let nsid = String(uri.dropFirst("/xrpc/".count).prefix { $0 != "?" })
            headers[.authorization] = "Bearer " + (try TestAccounts.token(String(value.dropFirst(5)), lxm: nsid, audience: audience))
        }
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
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
