import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import Testing

@testable import XRPC

@Suite("XRPC routing and errors")
struct XRPCRoutingTests {
    @Test func health() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/_health", method: .get)
            #expect(response.status == .ok)
            #expect(response.json == ["version": "test"])
        }
    }

    @Test func unknownMethodIs501() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.nothing", method: .get),
                .notImplemented, "MethodNotImplemented")
            // In the catalog but without a handler: also 501.
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.unimplemented", method: .get),
                .notImplemented, "MethodNotImplemented")
        }
    }

    @Test(arguments: ["/xrpc/", "/xrpc", "/xrpc/not-an-nsid", "/xrpc/com.example.echo/extra", "/xrpc/..", "/xrpc/com..example"])
    func malformedPathIs400(_ path: String) async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(try await client.execute(uri: path, method: .get), .badRequest, "InvalidRequest")
        }
    }

    @Test func wrongHTTPMethod() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.ping", method: .post, headers: json, body: body("{}")),
                .badRequest, "InvalidRequest", "Incorrect HTTP method (POST) expected GET")
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .get),
                .badRequest, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .put, headers: json, body: body("{}")),
                .badRequest, "InvalidRequest", "Incorrect HTTP method (PUT) expected POST")
        }
    }

    @Test func requestIDIsEchoed() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.ping", method: .get)
            #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
        }
    }

    @Test func corsPreflight() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(
                uri: "/xrpc/com.example.echo", method: .options,
                headers: [.origin: "https://app.example", .accessControlRequestMethod: "POST"])
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            let simple = try await client.execute(uri: "/xrpc/com.example.ping", method: .get, headers: [.origin: "https://app.example"])
            #expect(simple.headers[.accessControlAllowOrigin] == "*")
        }
    }
}

@Suite("XRPC procedure input")
struct XRPCInputTests {
    @Test func validInputWithDefaults() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"text":"hi"}"#))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.json == ["text": "hi", "count": 1])
        }
    }

    @Test func charsetParameterIsIgnored() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(
                uri: "/xrpc/com.example.echo", method: .post,
                headers: [.contentType: "Application/JSON; charset=utf-8"], body: body(#"{"text":"hi"}"#))
            #expect(response.status == .ok)
        }
    }

    @Test func missingContentType() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, body: body(#"{"text":"hi"}"#)),
                .badRequest, "InvalidRequest", "Request encoding (Content-Type) required but not provided")
        }
    }

    /// Only `application/json` itself (any case, with parameters) is the declared JSON encoding. A space inside it
    /// is another type: taken for JSON, the body would skip the parse and the input's validation.
    @Test(arguments: [
        ("text/plain", "text/plain"), ("application/ json", "application/ json"), ("application /json", "application /json"),
        ("application/json2", "application/json2"), ("application/*", "application/*"), ("*/*", "*/*"),
    ])
    func wrongContentType(_ contentType: String, _ named: String) async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(
                    uri: "/xrpc/com.example.echo", method: .post,
                    headers: [.contentType: contentType], body: body(#"{"text":"hi"}"#)),
                .badRequest, "InvalidRequest", "Wrong request encoding (Content-Type): \(named)")
        }
    }

    @Test(arguments: ["application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;charset=UTF-8"])
    func contentTypeSpellingsOfJSON(_ contentType: String) async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(
                uri: "/xrpc/com.example.echo", method: .post, headers: [.contentType: contentType], body: body(#"{"text":"hi"}"#))
            #expect(response.status == .ok, "\(contentType)")
        }
    }

    @Test func missingBody() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json),
                .badRequest, "InvalidRequest", "A request body is expected but none was provided")
        }
    }

    @Test func unexpectedBody() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.touch", method: .post, headers: json, body: body("{}")),
                .badRequest, "InvalidRequest", "A request body was provided when none was expected")
            let ok = try await client.execute(uri: "/xrpc/com.example.touch", method: .post)
            #expect(ok.status == .ok)
            #expect(ok.body.readableBytes == 0)
        }
    }

    @Test func malformedJSON() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"text":"hi",}"#))
            expectXRPCError(response, .badRequest, "InvalidRequest")
            #expect(
                response.json?["message"]?.stringValue?.hasPrefix("Request body is not valid JSON: invalid JSON at line 1, column 14") == true,
                "\(response.text)")
        }
    }

    @Test func inputFailingTheLexicon() async throws {
        try await testApplication(testService()).test(.router) { client in
            let long = String(repeating: "x", count: 101)
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"text":"\#(long)"}"#)),
                .badRequest, "InvalidRequest", "Input/text must not be longer than 100 UTF-8 bytes")
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"count":1}"#)),
                .badRequest, "InvalidRequest", #"Input must have the property "text""#)
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body("[]")),
                .badRequest, "InvalidRequest", "Input must be an object")
        }
    }

    @Test func declaredLengthOverLimitIs413() async throws {
        try await testApplication(testService(maxBodyBytes: 64)).test(.router) { client in
            let big = #"{"text":"\#(String(repeating: "x", count: 100))"}"#
            expectXRPCError(
                try await client.execute(
                    uri: "/xrpc/com.example.echo", method: .post,
                    headers: [.contentType: "application/json", .contentLength: String(big.utf8.count)],
                    body: body(big)),
                .contentTooLarge, "PayloadTooLarge")
        }
    }

    @Test func streamedBodyOverLimitIs413OnALiveSocket() async throws {
        try await testApplication(testService(maxBodyBytes: 64)).test(.live) { client in
            let big = String(repeating: "x", count: 10_000)
            expectXRPCError(
                try await client.execute(
                    uri: "/xrpc/com.example.upload", method: .post,
                    headers: [.contentType: "application/octet-stream"], body: body(big)),
                .contentTooLarge, "PayloadTooLarge")
            let small = try await client.execute(
                uri: "/xrpc/com.example.upload", method: .post,
                headers: [.contentType: "application/octet-stream"], body: body("12345"))
            #expect(small.json == ["size": 5])
        }
    }
}

@Suite("XRPC query parameters")
struct XRPCParamsTests {
    func params(_ query: String) async throws -> TestResponse {
        try await testApplication(testService()).test(.router) { client in
            try await client.execute(uri: "/xrpc/com.example.ping?\(query)", method: .get)
        }
    }

    @Test func defaultsAndCoercion() async throws {
        #expect(try await params("").json == ["params": ["limit": 50]])
        #expect(
            try await params("limit=7&flag=true&tags=a&tags=b+c&ids=-3&ids=4").json
                == ["params": ["limit": 7, "flag": true, "tags": ["a", "b c"], "ids": [-3, 4]]])
        #expect(try await params("tags=%F0%9F%91%8D&unknown=1").json == ["params": ["limit": 50, "tags": ["👍"]]])
    }

    @Test(arguments: [
        ("limit=abc", "Params/limit must be an integer"),
        ("limit=1.5", "Params/limit must be an integer"),
        ("limit=%2B5", "Params/limit must be an integer"),
        ("limit=", "Params/limit must be an integer"),
        ("limit=99999999999999999999", "Params/limit must be an integer"),
        ("limit=0", "Params/limit can not be less than 1"),
        ("limit=101", "Params/limit can not be greater than 100"),
        ("limit=1&limit=2", "Params/limit must be given once, not repeated"),
        ("flag=yes", "Params/flag must be a boolean (true or false)"),
        ("flag=True", "Params/flag must be a boolean (true or false)"),
        ("flag=1", "Params/flag must be a boolean (true or false)"),
        ("ids=1&ids=x", "Params/ids must be an integer"),
        ("tags=a&tags=b&tags=c&tags=d", "Params/tags must not have more than 3 elements"),
        ("actor=not%20valid", "Params/actor must be a valid at-identifier"),
        ("limit=%ZZ", "Malformed query string: bad percent-encoding"),
        ("tags=%FF", "Malformed query string: bad percent-encoding"),
    ])
    func badParameter(_ query: String, _ message: String) async throws {
        expectXRPCError(try await params(query), .badRequest, "InvalidRequest", message)
    }
}

@Suite("XRPC handler outcomes")
struct XRPCHandlerTests {
    @Test func declaredErrorIs400WithItsName() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"text":"missing"}"#)),
                .badRequest, "NotFound", "no such thing")
        }
    }

    @Test func invalidOutputIs500AndNeverSent() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.broken", method: .get)
            expectXRPCError(response, .internalServerError, "InternalServerError", "Internal Server Error")
            #expect(!response.text.contains("yesterday"))
        }
    }

    @Test func unexpectedErrorIs500WithoutDetails() async throws {
        try await testApplication(testService()).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.crash", method: .get)
            expectXRPCError(response, .internalServerError, "InternalServerError", "Internal Server Error")
            #expect(!response.text.contains("Boom"))
        }
    }
}

@Suite("XRPC auth and rate limits")
struct XRPCAuthTests {
    @Test func anonymousCallToAuthenticatedMethod() async throws {
        try await testApplication(testService(authenticated: true)).test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: json, body: body(#"{"text":"hi"}"#))
            expectXRPCError(response, .unauthorized, "AuthenticationRequired")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }

    @Test func badCredentialsFailBeforeABadPayload() async throws {
        try await testApplication(testService(authenticated: true)).test(.router) { client in
            let response = try await client.execute(
                uri: "/xrpc/com.example.echo", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer forged"],
                body: body("not json"))
            expectXRPCError(response, .unauthorized, "BadJwt", "Bad token")
        }
    }

    @Test func badParamsFailBeforeAuth() async throws {
        try await testApplication(testService()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.ping?limit=x", method: .get, headers: [.authorization: "Bearer forged"]),
                .badRequest, "InvalidRequest", "Params/limit must be an integer")
        }
    }

    @Test func goodCredentialsPass() async throws {
        try await testApplication(testService(authenticated: true)).test(.router) { client in
            let response = try await client.execute(
                uri: "/xrpc/com.example.echo", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer good:did:example:alice"],
                body: body(#"{"text":"hi"}"#))
            #expect(response.status == .ok)
        }
    }

    @Test func rateLimitedAfterInputChecks() async throws {
        try await testApplication(testService(authenticated: true)).test(.router) { client in
            let limited: HTTPFields = [.contentType: "application/json", .authorization: "Bearer good:did:example:limited"]
            let response = try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: limited, body: body(#"{"text":"hi"}"#))
            expectXRPCError(response, .tooManyRequests, "RateLimitExceeded")
            #expect(response.headers[.retryAfter] == "30")
            // Bad input is reported before the rate limit.
            expectXRPCError(
                try await client.execute(uri: "/xrpc/com.example.echo", method: .post, headers: limited, body: body("{}")),
                .badRequest, "InvalidRequest")
        }
    }
}
