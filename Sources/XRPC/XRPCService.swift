import Foundation
import HTTPTypes
import Hummingbird
import Lexicon
import Logging
import Metrics

/// CORS for `/xrpc/…`: preflights of methods this service has get Hummingbird's CORS answer; preflights of
/// anything else get the XRPC error JSON (with `Access-Control-Allow-Origin`, so a browser can read it).
public struct XRPCCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let methods: XRPCMethodTable
    let cors: CORSMiddleware<Context>

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .options, request.uri.path == "/xrpc" || request.uri.path.hasPrefix("/xrpc/") {
            let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
            let error: XRPCError?
            if segments.count != 1 || segments.first?.isEmpty != false {
                error = .malformedPath
            } else if let nsid = segments.first.map(String.init), nsid != "_health" {
                error = XRPCService.routingError(nsid: nsid, methods: methods)
            } else {
                error = nil
            }
            if let error {
                var response = XRPCService.response(for: error, requestID: context.requestID)
                response.headers[.accessControlAllowOrigin] = "*"
                return response
            }
        }
        return try await cors.handle(request, context: context, next: next)
    }
}

/// Serves every query and procedure of a catalog at `/xrpc/{nsid}`.
///
/// Each call runs the same pipeline: route by NSID → HTTP method → params → auth → input → rate limit →
/// handler → output. Params and input are validated before the handler; output after it (an invalid
/// output is a server bug: logged with its path, answered `500`, never sent).
public struct XRPCService: Sendable {
    public let methods: XRPCMethodTable
    public let configuration: XRPCConfiguration
    let authenticator: (any XRPCAuthenticator)?
    let rateLimiter: (any XRPCRateLimiter)?
    let requestMetrics = XRPCRequestMetrics()

    public init(
        methods: XRPCMethodTable, configuration: XRPCConfiguration,
        authenticator: (any XRPCAuthenticator)? = nil, rateLimiter: (any XRPCRateLimiter)? = nil
    ) {
        self.methods = methods
        self.configuration = configuration
        self.authenticator = authenticator
        self.rateLimiter = rateLimiter
    }

    /// Adds `/xrpc/_health`, `/xrpc/{nsid}` and answers for malformed `/xrpc/…` paths.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let health = JSONValue.object(["version": .string(configuration.version)]).serialized()
        // OPTIONS too: a preflight is answered by ``corsMiddleware()``, anything else under /xrpc/ by the
        // pipeline, so every answer here is an XRPC JSON error or a method's output.
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .options] {
            // One catch-all route: Hummingbird will not let `/xrpc/:nsid` and `/xrpc/**` coexist.
            router.on("/xrpc/**", method: method) { request, context in
                let segments = context.parameters.getCatchAll()
                guard segments.count == 1 else {
                    return Self.response(for: .malformedPath, requestID: context.requestID)
                }
                if segments[0] == "_health", request.method == .get {
                    return Response(
                        status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: health)))
                }
                return await respond(to: request, nsid: String(segments[0]), context: context)
            }
            router.on("/xrpc", method: method) { _, context in
                Self.response(for: .malformedPath, requestID: context.requestID)
            }
            // Each method of the catalog on its own path too: a constant path is found without the catch-all's
            // parameter capture (what the catch-all would answer for it, it answers).
            for nsid in methods.nsids {
                router.on(RouterPath("/xrpc/" + nsid), method: method) { request, context in
                    await respond(to: request, nsid: nsid, context: context)
                }
            }
        }
    }

    /// CORS for browser clients: any origin, the headers atproto clients send, and the ones they read back.
    /// A preflight names a method of this service, or it is answered with the XRPC error the call itself
    /// would get (`400` for a malformed path or NSID, `501` for a method that is not here), as JSON.
    public func corsMiddleware<Context: RequestContext>() -> XRPCCORSMiddleware<Context> {
        XRPCCORSMiddleware(
            methods: methods,
            cors: CORSMiddleware(
                allowOrigin: .all,
                allowHeaders: [
                    .accept, .authorization, .contentType, .origin,
                    HTTPField.Name("atproto-proxy")!, HTTPField.Name("atproto-accept-labelers")!,
                ],
                allowMethods: [.get, .post, .options],
                exposedHeaders: ["X-Request-Id", "Retry-After", "WWW-Authenticate"]
            ))
    }

    /// The error a call of `nsid` gets before anything else is looked at: a malformed NSID (`400`) or a
    /// method this service does not implement (`501`); nil when it is served. Calls and preflights share it.
    static func routingError(nsid: String, methods: XRPCMethodTable) -> XRPCError? {
        guard NSID.isValid(nsid) else {
            return .invalidRequest("Malformed XRPC path: \"\(nsid.prefix(100))\" is not a valid NSID")
        }
        return methods[nsid]?.handler == nil ? .methodNotImplemented() : nil
    }

    /// Runs the pipeline for one request; never throws: every failure is an XRPC error response.
    public func respond(to request: Request, nsid: String, context: some RequestContext) async -> Response {
        let started = ContinuousClock.now
        let known = methods[nsid] != nil
        // Tagged with the method only where something is logged: setting metadata rebuilds it in common handlers.
        let logger = context.logger
        let label = known ? nsid : "unknown"
        let response: Response
        do throws(XRPCError) {
            let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
            let client = ClientAddress.resolve(
                peer: peer, forwardedFor: request.headers[values: .xForwardedFor], trusted: configuration.trustedProxies)
            response = try await pipeline(request, nsid: nsid, logger: logger, requestID: context.requestID, client: client)
        } catch {
            response = Self.response(for: error, requestID: context.requestID)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        requestMetrics.record(method: label, status: response.status.code, seconds: seconds)
        logger.info(
            "xrpc request",
            metadata: [
                "xrpc.method": .string(label),
                "http.method": .string(request.method.rawValue),
                "http.status": .stringConvertible(response.status.code),
                "latency_ms": .string(String(format: "%.3f", seconds * 1000)),
            ])
        return response
    }

    private func pipeline(_ request: Request, nsid: String, logger: Logger, requestID: String?, client: String?) async throws(XRPCError) -> Response {
        if let error = Self.routingError(nsid: nsid, methods: methods) { throw error }
        guard let method = methods[nsid], let handler = method.handler else { throw .methodNotImplemented() }

        let expected: HTTPRequest.Method = method.isProcedure ? .post : .get
        guard request.method == expected else {
            throw .invalidRequest("Incorrect HTTP method (\(request.method.rawValue)) expected \(expected.rawValue)")
        }

        let rawParams = try QueryParameters.coerce(query: request.uri.query.map { Substring($0) }, schema: method.schema.parameters)
        let params = try validated(rawParams, method: method, part: .params)

        let principal = try await authenticator?.authenticate(headers: request.headers, nsid: nsid, client: client)
        if principal == nil, method.auth == .required {
            throw .authenticationRequired("Authentication Required")
        }

        let input = try await readInput(request, method: method)

        if let retryAfter = await rateLimiter?.retryAfter(nsid: nsid, principal: principal) {
            throw .rateLimitExceeded(retryAfter: retryAfter)
        }

        let call = XRPCCall(nsid: nsid, params: params, input: input, principal: principal, headers: request.headers, requestLogger: logger)
        let reply: XRPCReply
        do {
            reply = try await handler(call)
        } catch let error as XRPCError {
            throw error
        } catch let error as any XRPCDeclaredError {
            throw XRPCError(status: .badRequest, name: error.errorName, message: error.errorMessage)
        } catch let error as any XRPCMappedError {
            guard let (name, message) = error.xrpcError else {
                logger.error("handler failed", metadata: ["xrpc.method": .string(nsid), "error": .string(String(describing: error))])
                throw .internalServerError
            }
            // A name the method does not declare is never sent: a client's generated code could not decode it.
            let declared = name == "InvalidRequest" || method.schema.errors.contains { $0.name == name }
            throw XRPCError(status: .badRequest, name: declared ? name : "InvalidRequest", message: message)
        } catch {
            logger.error("handler failed", metadata: ["xrpc.method": .string(nsid), "error": .string(String(describing: error))])
            throw .internalServerError
        }
        try checkOutput(reply, method: method, logger: logger)

        var headers = reply.headers
        if let encoding = reply.encoding { headers[.contentType] = encoding }
        if let requestID { headers[.requestID] = requestID }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    /// Validates with the lexicon; failures are `400 InvalidRequest` carrying the validator's message.
    private func validated(_ value: JSONValue, method: XRPCMethodTable.Entry, part: MethodPart) throws(XRPCError) -> JSONValue {
        guard let result = methods.catalog.validate(value, methodSchema: method.schema, part: part, options: .init(applyDefaults: true)) else {
            return value  // No schema for this part: nothing to check.
        }
        switch result {
        case .valid(let completed): return completed
        case .invalid(let error): throw .invalidRequest(error.message)
        }
    }

    private func readInput(_ request: Request, method: XRPCMethodTable.Entry) async throws(XRPCError) -> XRPCBody? {
        let contentType = request.headers[.contentType].map(Self.mimeEssence)
        guard let declared = method.schema.input, let accepted = method.inputEncoding else {
            let body = try await readBody(request)
            if !body.isEmpty { throw .invalidRequest("A request body was provided when none was expected") }
            return nil
        }
        guard let contentType, !contentType.isEmpty else {
            throw .invalidRequest("Request encoding (Content-Type) required but not provided")
        }
        guard accepted.accepts(contentType) else {
            throw .invalidRequest("Wrong request encoding (Content-Type): \(contentType.prefix(100))")
        }
        let body = try await readBody(request)
        guard !body.isEmpty else { throw .invalidRequest("A request body is expected but none was provided") }
        guard contentType == "application/json" else {
            return XRPCBody(encoding: contentType, bytes: body, json: nil)
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("Request body is not valid JSON: \(error.description)")
        }
        guard declared.schema != nil else { return XRPCBody(encoding: contentType, bytes: body, json: json) }
        return XRPCBody(encoding: contentType, bytes: body, json: try validated(json, method: method, part: .input))
    }

    /// Reads the body up to the limit; a declared or actual size over it is `413` without reading further.
    ///
    /// The deadline is checked as each part arrives: a body that trickles past it gets `408` with its next part.
    /// A body that stops arriving altogether is cut off by the server's idle timeout (Hummingbird closes a
    /// connection whose request is still being read once nothing arrived for that long). So one connection
    /// holds a request at most the body deadline plus the idle timeout, without a timer or a child task per
    /// request (those cost a third of the pipeline's throughput).
    private func readBody(_ request: Request) async throws(XRPCError) -> [UInt8] {
        let limit = configuration.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw .payloadTooLarge(limit: limit)
        }
        let deadline = configuration.bodyDeadline
        let cutOff = ContinuousClock.now.advanced(by: deadline)
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard ContinuousClock.now <= cutOff else { throw XRPCError.requestTimeout(deadline) }
                guard bytes.count + chunk.readableBytes <= limit else { throw XRPCError.payloadTooLarge(limit: limit) }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as XRPCError {
            throw error
        } catch {
            throw .invalidRequest("Could not read the request body")
        }
        return bytes
    }

    private func checkOutput(_ reply: XRPCReply, method: XRPCMethodTable.Entry, logger: Logger) throws(XRPCError) {
        func bug(_ message: String) -> XRPCError {
            logger.error("invalid handler output", metadata: ["xrpc.method": .string(method.nsid), "reason": .string(message)])
            return .internalServerError
        }
        guard let declared = method.schema.output, let accepted = method.outputEncoding else {
            if !reply.body.isEmpty { throw bug("\(method.nsid) declares no output but the handler returned a body") }
            return
        }
        let essence = reply.encoding.map(Self.mimeEssence)
        guard let essence, accepted.accepts(essence) else {
            throw bug("output encoding \(reply.encoding ?? "none") does not match \(declared.encoding)")
        }
        guard declared.schema != nil, essence == "application/json" else { return }
        // A value the body was serialized from is the body: validated without a second parse.
        let value: JSONValue
        if let json = reply.json {
            value = json
        } else {
            do {
                value = try JSONValue(parsing: reply.body)
            } catch {
                throw bug("output is not valid JSON: \(error.description)")
            }
        }
        if case .invalid(let error) = methods.catalog.validate(value, methodSchema: method.schema, part: .output) {
            throw bug(error.message)
        }
    }

    /// `type/subtype` without parameters, lower-cased.
    static func mimeEssence(_ value: String) -> String {
        // The common case (`application/json` as is) is returned without a copy.
        let plain = value.utf8.allSatisfy { byte in
            byte < 0x80 && byte != UInt8(ascii: ";") && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && !(byte >= 0x41 && byte <= 0x5A)
        }
        if plain { return value }
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingSpaces().lowercased()
    }

    /// The JSON error response for `error`.
    static func response(for error: XRPCError, requestID: String?) -> Response {
        var headers = error.headers
        headers[.contentType] = "application/json"
        if let requestID { headers[.requestID] = requestID }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`, echoed on every XRPC response.
    static let requestID = HTTPField.Name("X-Request-Id")!
}

extension RequestContext {
    /// Hummingbird's per-request id, if the logger carries one.
    var requestID: String? {
        logger[metadataKey: "hb.request.id"].map { "\($0)" }
    }
}
