import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Lexicon
import NIOCore
import Secp256k1
import SigilAPI
import SigilService
import Testing
import XRPCClient
import XRPCMethods

/// A query with every kind of parameter, to check how the client writes a query string.
enum EchoQuery: XRPCMethod {
    static let nsid = "com.example.echo"
    static let kind = XRPCMethodKind.query
    struct Parameters: Codable, Sendable {
        var q: String
        var n: Int
        var on: Bool
        var tags: [String]
        var missing: String?
    }
    typealias Input = XRPCNothing
    struct Output: Codable, Sendable, Equatable {
        var query: String
        var headers: [String: String]
    }
    typealias DeclaredError = PlaceWispV2SecretRotate.DeclaredError
}

/// A procedure whose input and output are bytes, not JSON (like a blob upload).
enum RawUpload: XRPCMethod {
    static let nsid = "com.example.upload"
    static let kind = XRPCMethodKind.procedure
    typealias Parameters = XRPCNothing
    typealias Input = XRPCRawBody
    typealias Output = XRPCRawBody
    typealias DeclaredError = PlaceWispV2SecretRotate.DeclaredError
}

/// Opens once; what a hanging peer waits on until the test has seen the client give up.
actor Gate {
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if open { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        open = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

@Suite("Typed XRPC client")
struct XRPCClientTests {
    /// A stand-in service on loopback: canned answers per NSID, including hostile ones.
    static func withStandIn(_ body: @Sendable @escaping (String, Gate) async throws -> Void) async throws {
        let gate = Gate()
        let router = Router()
        @Sendable func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/xrpc/com.example.echo") { request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let output = EchoQuery.Output(query: request.uri.query ?? "", headers: headers)
            return json(.ok, String(decoding: try JSONEncoder().encode(output), as: UTF8.self))
        }
        router.post("/xrpc/com.example.upload") { request, _ in
            // Echo the bytes reversed, under a content type derived from the one sent.
            let body = try await request.body.collect(upTo: 1 << 16)
            let type = request.headers[.contentType] ?? "none"
            return Response(
                status: .ok, headers: [.contentType: "application/x-echo+" + type.replacingOccurrences(of: "/", with: ".")],
                body: .init(byteBuffer: ByteBuffer(bytes: Array(buffer: body).reversed())))
        }
        router.post("/xrpc/place.wisp.v2.secret.rotate") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            let name = (try? JSONValue(parsing: Array(buffer: body)))?["name"]?.stringValue ?? ""
            switch name {
            case "missing": return json(.badRequest, #"{"error":"NotFound","message":"no secret \"missing\""}"#)
            case "crash": return json(.internalServerError, #"{"error":"InternalServerError","message":"Internal Server Error"}"#)
            case "proxy":
                return Response(
                    status: .badGateway, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<h1>bad gateway</h1>")))
            case "lies": return json(.ok, #"{"name":"lies"}"#)
            case "huge":
                return json(.ok, #"{"name":"huge","token":""# + String(repeating: "x", count: 100_000) + #"","rotatedAt":"2026-01-01T00:00:00Z"}"#)
            case "drip":
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: #"{"name":"#))
                        await gate.wait()
                        try await writer.finish(nil)
                    })
            default:
                let auth = request.headers[.authorization] ?? ""
                return json(.ok, #"{"name":"\#(name)","token":"\#(auth)","rotatedAt":"2026-01-01T00:00:00Z"}"#)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)", gate)
            await gate.release()
        }
    }

    @Test func parametersAreWrittenAsTheXRPCSpecSays() async throws {
        try await Self.withStandIn { base, _ in
            let client = XRPCClient(service: base + "/", authorization: .bearer("session-token"), proxy: "did:web:sigil.example#sigil")
            let output = try await client.call(EchoQuery.self, parameters: .init(q: "a b&c=d/é", n: -5, on: true, tags: ["x", "y z"]))
            #expect(output.query == "n=-5&on=true&q=a%20b%26c%3Dd%2F%C3%A9&tags=x&tags=y%20z")
            #expect(output.headers["authorization"] == "Bearer session-token")
            #expect(output.headers["atproto-proxy"] == "did:web:sigil.example#sigil")
        }
    }

    @Test func rawBodiesGoAndComeAsBytes() async throws {
        try await Self.withStandIn { base, _ in
            let bytes: [UInt8] = [0, 1, 2, 0xFF, 0x7B]
            let answer = try await XRPCClient(service: base).call(RawUpload.self, input: XRPCRawBody(encoding: "image/png", bytes: bytes))
            #expect(answer.bytes == bytes.reversed())
            #expect(answer.encoding == "application/x-echo+image.png")
        }
    }

    @Test func declaredErrorsComeBackAsTheMethodsOwnErrors() async throws {
        try await Self.withStandIn { base, _ in
            let secrets = XRPCClient(service: base).placeWispV2Secret
            do {
                _ = try await secrets.rotate(.init(name: "missing"))
                Issue.record("no error")
            } catch let error as PlaceWispV2SecretRotate.DeclaredError {
                #expect(error == .notFound(#"no secret "missing""#))
            }
            await #expect(throws: XRPCClientError.response(status: 500, error: "InternalServerError", message: "Internal Server Error")) {
                try await secrets.rotate(.init(name: "crash"))
            }
            await #expect(throws: XRPCClientError.response(status: 502, error: nil, message: nil)) {
                try await secrets.rotate(.init(name: "proxy"))
            }
        }
    }

    @Test func aHostileServiceCannotHangOrFloodTheCaller() async throws {
        try await Self.withStandIn { base, _ in
            // The limit, not the clock, stops an oversized answer: a generous deadline here.
            let client = XRPCClient(service: base, timeout: .seconds(60), maxResponseBytes: 10_000)
            await #expect(throws: XRPCClientError.responseTooLarge(limit: 10_000)) {
                try await client.placeWispV2Secret.rotate(.init(name: "huge"))
            }
            // A peer that never finishes its body: only the deadline ends the call.
            let impatient = XRPCClient(service: base, timeout: .milliseconds(500))
            await #expect(throws: XRPCClientError.timedOut(.milliseconds(500))) {
                try await impatient.placeWispV2Secret.rotate(.init(name: "drip"))
            }
            do {
                _ = try await client.placeWispV2Secret.rotate(.init(name: "lies"))
                Issue.record("accepted an output missing its required fields")
            } catch XRPCClientError.invalidResponse(let reason) {
                #expect(reason.hasPrefix("place.wisp.v2.secret.rotate answered a body that is not its output"))
            }
        }
    }

    /// Minted service auth verifies as atproto requires: the right claims, and a low-S signature on either curve.
    @Test(arguments: ["ES256K", "ES256"])
    func serviceAuthTokensVerify(_ algorithm: String) async throws {
        let k256 = Secp256k1.PrivateKey()
        let p256 = P256.Signing.PrivateKey()
        let key: ServiceAuthSigner.Key = algorithm == "ES256K" ? .secp256k1(k256) : .p256(p256)
        let multikey: Multikey = algorithm == "ES256K" ? .secp256k1(k256.publicKey) : .p256(p256.publicKey)
        let signer = ServiceAuthSigner(issuer: "did:plc:ewvi7nxzyoun6zhxrhs64oiz", audience: "did:web:sigil.example#sigil", key: key)
        // Enough tokens that, unnormalized, about half the P-256 signatures would be high-S.
        for _ in 0..<64 {
            let token = try ServiceJWT(compact: try signer.token(lxm: "place.wisp.v2.secret.rotate"))
            #expect(token.header["alg"] == .string(algorithm))
            #expect(token.payload["lxm"] == "place.wisp.v2.secret.rotate" && token.payload["aud"] == "did:web:sigil.example#sigil")
            #expect(multikey.isValidSignature(token.signature, for: token.signingInput))
            #expect(Secp256k1.isLowS(token.signature) || algorithm == "ES256")
        }
        try await Self.withStandIn { base, _ in
            let output = try await XRPCClient(service: base, authorization: .serviceAuth(signer)).placeWispV2Secret.rotate(.init(name: "hook"))
            let presented = try ServiceJWT(compact: String(output.token.dropFirst("Bearer ".count)))
            #expect(presented.payload["lxm"] == "place.wisp.v2.secret.rotate")
        }
    }

    /// The README's example against a real `sigil serve --dev`: create and rotate with service auth from an account key.
    @Test(.tags(.process), .kinds(.process))
    func callsARealSigil() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-client-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let identity = try DevelopmentIdentity.loadOrCreate(dataDirectory: directory)
        let file = try JSONValue(parsing: [UInt8](FileManager.default.contents(atPath: DevelopmentIdentity.path(dataDirectory: directory))!))
        let key = try Secp256k1.PrivateKey(bytes: hexBytes(file["privateKeyHex"]!.stringValue!)!)
        let server = try ServeProcess(["--dev", "--port", "0", "--data-dir", directory, "--rate-limit", "0"])
        let base = "http://127.0.0.1:\(try await server.waitUntilListening())"
        defer { kill(server.process.processIdentifier, SIGTERM) }

        let signer = ServiceAuthSigner(issuer: identity.did, audience: "did:web:localhost#sigil", key: .secp256k1(key))
        let secrets = XRPCClient(service: base, authorization: .serviceAuth(signer)).placeWispV2Secret
        let created = try await secrets.create(.init(name: "deploy"))
        let rotated = try await secrets.rotate(.init(name: "deploy"))
        #expect(rotated.name == "deploy" && rotated.token != created.token && rotated.token.hasPrefix("whsec_"))
        #expect(try await secrets.list(.init()).secrets.map(\.name) == ["deploy"])
        do {
            _ = try await secrets.rotate(.init(name: "nope"))
            Issue.record("rotated a secret that does not exist")
        } catch let error as PlaceWispV2SecretRotate.DeclaredError {
            #expect(error.errorName == "NotFound")
        }
        // Without auth the service says so, as an undeclared-by-type but declared-by-name error.
        await #expect(throws: (any Error).self) { try await XRPCClient(service: base).placeWispV2Secret.rotate(.init(name: "deploy")) }
    }
}
