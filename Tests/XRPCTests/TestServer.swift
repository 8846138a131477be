import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Testing
import XRPC

/// Accepts `Bearer good:<did>`, rejects any other credentials, and reports none when there is no header.
struct StubAuthenticator: XRPCAuthenticator {
    func authenticate(headers: HTTPFields, nsid: String, client: String?) async throws(XRPCError) -> XRPCPrincipal? {
        guard let value = headers[.authorization] else { return nil }
        guard value.hasPrefix("Bearer good:") else { throw .authenticationRequired("Bad token", name: "BadJwt") }
        return XRPCPrincipal(did: String(value.dropFirst("Bearer good:".count)))
    }
}

/// Limits the principal `did:example:limited`.
struct StubRateLimiter: XRPCRateLimiter {
    func retryAfter(nsid: String, principal: XRPCPrincipal?) async -> Int? {
        principal?.did == "did:example:limited" ? 30 : nil
    }
}

struct Boom: Error {}

/// The test lexicons in fixtures/xrpc-lexicons, with handlers for all but `unimplemented`.
func testService(maxBodyBytes: Int = 1024, authenticated: Bool = false) throws -> XRPCService {
    let catalog = try LexiconCatalog.load(directory: Repo.path("fixtures/xrpc-lexicons"))
    var methods = XRPCMethodTable(catalog: catalog)
    try methods.register("com.example.echo", auth: authenticated ? .required : .optional) { call in
        let input = call.input!.json!
        if input["text"] == "missing" { throw XRPCTestError.notFound }
        return .json(["text": input["text"]!, "count": input["count"]!])
    }
    try methods.register("com.example.ping", auth: .optional) { call in .json(["params": call.params]) }
    try methods.register("com.example.touch", auth: .optional) { _ in .empty }
    try methods.register("com.example.upload", auth: .optional) { call in .json(["size": .integer(Int64(call.input!.bytes.count))]) }
    try methods.register("com.example.broken", auth: .optional) { _ in .json(["at": "yesterday"]) }
    try methods.register("com.example.crash", auth: .optional) { _ in throw Boom() }
    return XRPCService(
        methods: methods, configuration: XRPCConfiguration(maxBodyBytes: maxBodyBytes, version: "test"),
        authenticator: StubAuthenticator(), rateLimiter: StubRateLimiter())
}

enum XRPCTestError: XRPCDeclaredError {
    case notFound
    var errorName: String { "NotFound" }
    var errorMessage: String? { "no such thing" }
}

func testApplication(_ service: XRPCService) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: service.corsMiddleware())
    service.addRoutes(to: router)
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

extension TestResponse {
    var json: JSONValue? { try? JSONValue(parsing: Array(body.readableBytesView)) }
    var text: String { String(buffer: body) }
}

/// Asserts an XRPC error response: status, JSON content type, `error` name and (optionally) exact message.
func expectXRPCError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ name: String, _ message: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    #expect(response.json?["error"] == .string(name), "\(response.text)", sourceLocation: sourceLocation)
    if let message {
        #expect(response.json?["message"] == .string(message), "\(response.text)", sourceLocation: sourceLocation)
    }
}

let json: HTTPFields = [.contentType: "application/json"]

func body(_ text: String) -> ByteBuffer {
    ByteBuffer(string: text)
}
