import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Lexicon
import NIOCore

@testable import OwnerClient

#if canImport(Glibc)
    import Glibc
#endif

/// A PDS for the owner's command line, in the test process: `createSession` (one app password), `refreshSession`,
/// `getServiceAuth` (service JWTs signed by the account's key, which the stand-in PLC publishes) and proxying
/// (`atproto-proxy`: the call forwarded to `proxyTarget` with a service JWT of its own). Access tokens are JWTs
/// whose `exp` the test controls; a refresh token can be revoked.
actor StandInPDS {
    let account: TestAccount
    let handle: String
    let password: String
    /// Where proxied calls go (the service the `atproto-proxy` DID names).
    var proxyTarget = ""
    /// Lifetime of the access tokens handed out from now on (negative: already expired).
    var accessLifetime: Int64 = 300
    /// Refuse every access token as expired (a PDS that rotated its signing key, say), until the next refresh.
    var refuseAccess = false
    private var access: Set<String> = []
    private var refresh: Set<String> = []
    private(set) var port = 0
    private(set) var serviceAuthCalls: [(aud: String, lxm: String)] = []
    private(set) var proxied: [String] = []
    private(set) var refreshes = 0

    init(account: TestAccount, handle: String, password: String) {
        self.account = account
        self.handle = handle
        self.password = password
    }

    var base: String { "http://127.0.0.1:\(port)" }
    func setPort(_ port: Int) { self.port = port }
    func setProxyTarget(_ url: String) { proxyTarget = url }
    func setAccessLifetime(_ seconds: Int64) { accessLifetime = seconds }
    func setRefuseAccess(_ refuse: Bool) { refuseAccess = refuse }
    /// Revokes every refresh token (and the access tokens): the session has ended.
    func revokeSessions() {
        refresh = []
        access = []
    }

    func issue() -> JSONValue {
        let now = Int64(Date().timeIntervalSince1970)
        let accessToken = Self.fakeJWT(["sub": .string(account.did), "exp": .integer(now + accessLifetime), "n": .string(UUID().uuidString)])
        let refreshToken = Self.fakeJWT(["sub": .string(account.did), "exp": .integer(now + 86_400), "n": .string(UUID().uuidString)])
        access.insert(accessToken)
        refresh.insert(refreshToken)
        refuseAccess = false
        return ["did": .string(account.did), "handle": .string(handle), "accessJwt": .string(accessToken), "refreshJwt": .string(refreshToken)]
    }

    static func fakeJWT(_ payload: JSONValue) -> String {
        func encode(_ value: JSONValue) -> String {
            Data(value.serialized()).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return encode(["alg": "HS256", "typ": "at+jwt"]) + "." + encode(payload) + ".c2lnbmF0dXJl"
    }

    /// nil if `token` is a live access token; else the XRPC error name.
    func check(access token: String?) -> String? {
        guard let token, access.contains(token) else { return "InvalidToken" }
        if refuseAccess { return "ExpiredToken" }
        if let exp = PDSSession.expiry(ofJWT: token), exp <= Int64(Date().timeIntervalSince1970) { return "ExpiredToken" }
        return nil
    }

    func login(identifier: String, password given: String) -> JSONValue? {
        guard [handle, account.did].contains(identifier), given == password else { return nil }
        return issue()
    }

    func refreshSession(_ token: String?) -> JSONValue? {
        guard let token, refresh.remove(token) != nil else { return nil }
        refreshes += 1
        return issue()
    }

    func serviceToken(aud: String, lxm: String) throws -> String {
        serviceAuthCalls.append((aud, lxm))
        return try account.token(lxm: lxm, aud: aud)
    }

    func noteProxied(_ nsid: String) { proxied.append(nsid) }

    /// Refresh tokens still usable.
    var liveRefreshTokens: Int { refresh.count }

    func endSession(_ token: String?) -> Bool {
        guard let token, refresh.remove(token) != nil else { return false }
        return true
    }

    static func error(_ status: HTTPResponse.Status, _ name: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(name)","message":"\#(name)"}"#)))
    }

    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func bearer(_ request: Request) -> String? {
        request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    }

    /// Runs `body` while the PDS listens on a loopback port.
    func serve<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router()
        router.post("/xrpc/com.atproto.server.createSession") { [self] request, _ in
            let input = try? JSONValue(parsing: Array(try await request.body.collect(upTo: 1 << 16).readableBytesView))
            guard let session = await self.login(identifier: input?["identifier"]?.stringValue ?? "", password: input?["password"]?.stringValue ?? "")
            else { return Self.error(.unauthorized, "AuthenticationRequired") }
            return Self.json(session)
        }
        router.post("/xrpc/com.atproto.server.refreshSession") { [self] request, _ in
            guard let session = await self.refreshSession(Self.bearer(request)) else { return Self.error(.badRequest, "ExpiredToken") }
            return Self.json(session)
        }
        router.post("/xrpc/com.atproto.server.deleteSession") { [self] request, _ in
            guard await self.endSession(Self.bearer(request)) else { return Self.error(.badRequest, "ExpiredToken") }
            return Response(status: .ok)
        }
        router.get("/xrpc/com.atproto.server.getServiceAuth") { [self] request, _ in
            if let problem = await self.check(access: Self.bearer(request)) { return Self.error(.badRequest, problem) }
            let query = request.uri.queryParameters
            let token = try await self.serviceToken(aud: String(query["aud"] ?? ""), lxm: String(query["lxm"] ?? ""))
            return Self.json(["token": .string(token)])
        }
        // A planted host's claim to be Sigil (did:web:localhost) for tests of what the command line trusts.
        router.get("/.well-known/did.json") { _, _ in Self.json(["id": "did:web:localhost"]) }
        // Everything else with atproto-proxy: forwarded with a service JWT for the named service and method.
        router.on("/xrpc/:nsid", method: .get) { [self] request, context in try await self.forward(request, context) }
        router.on("/xrpc/:nsid", method: .post) { [self] request, context in try await self.forward(request, context) }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in await self.setPort(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            while await self.port == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    /// Where the account's records are read (`com.atproto.repo.getRecord`, forwarded as it is).
    var recordSource = ""
    func setRecordSource(_ url: String) { recordSource = url }

    func forward(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        if context.parameters.get("nsid") == "com.atproto.repo.getRecord" {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: recordSource + request.uri.description), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return Response(
                status: .init(code: Int(response.status.code)), headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        guard let proxy = request.headers[HTTPField.Name("atproto-proxy")!] else { return Self.error(.badRequest, "InvalidRequest") }
        if let problem = check(access: Self.bearer(request)) { return Self.error(.badRequest, problem) }
        let nsid = context.parameters.get("nsid") ?? ""
        noteProxied(nsid)
        var forwarded = HTTPClientRequest(url: proxyTarget + request.uri.description)
        forwarded.method = request.method == .post ? .POST : .GET
        forwarded.headers.add(name: "Authorization", value: "Bearer " + (try account.token(lxm: nsid, aud: proxy)))
        if let type = request.headers[.contentType] { forwarded.headers.add(name: "Content-Type", value: type) }
        if request.method == .post { forwarded.body = .bytes(try await request.body.collect(upTo: 1 << 20)) }
        let response = try await HTTPClient.shared.execute(forwarded, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Response(status: .init(code: Int(response.status.code)), headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
