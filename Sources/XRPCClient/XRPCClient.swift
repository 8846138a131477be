import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Lexicon
import NIOCore
import NIOFoundationCompat
import XRPCMethods

/// Calls XRPC methods of one service with the types generated from their lexicons.
///
/// Queries are `GET /xrpc/{nsid}?params`, procedures `POST /xrpc/{nsid}` with a JSON body. A `2xx` answer is decoded
/// as the method's `Output`; an error the method declares is thrown as the method's `DeclaredError`; any other
/// failure as ``XRPCClientError``. Every call has one overall deadline (`timeout`) and a response size limit.
///
/// For calls through the user's PDS, give the PDS as `service`, its session token as `.bearer`, and the target
/// service as `proxy` (`did:web:sigil.example#sigil`): the PDS forwards the call with service auth of its own.
public struct XRPCClient: Sendable {
    /// How calls are authenticated.
    public enum Authorization: Sendable {
        case none
        /// `Authorization: Bearer <token>` (e.g. a PDS session's access token).
        case bearer(String)
        /// A fresh inter-service JWT per call, scoped to the called method.
        case serviceAuth(ServiceAuthSigner)
        /// `Authorization: Bearer` with a token asked for per call, given the called method's NSID (e.g. a service
        /// JWT the user's PDS mints with `com.atproto.server.getServiceAuth`).
        case perCall(@Sendable (_ nsid: String) async throws -> String)
    }

    /// The service's base URL, e.g. `https://sigil.example`.
    public let service: String
    public let authorization: Authorization
    /// The `atproto-proxy` header value (`<did>#<service id>`), when calling through a PDS.
    public let proxy: String?
    /// The deadline of each call, from sending the request to the last byte of the answer.
    public let timeout: Duration
    /// The largest response body read; a larger one fails the call.
    public let maxResponseBytes: Int
    private let http: HTTPClient

    public init(
        service: String, httpClient: HTTPClient = .shared, authorization: Authorization = .none,
        proxy: String? = nil, timeout: Duration = .seconds(30), maxResponseBytes: Int = 4 << 20
    ) {
        self.service = service.hasSuffix("/") ? String(service.dropLast()) : service
        self.http = httpClient
        self.authorization = authorization
        self.proxy = proxy
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Calls `method` with parameters and input.
    public func call<Method: XRPCMethod>(_ method: Method.Type, parameters: Method.Parameters, input: Method.Input) async throws -> Method.Output {
        var request = HTTPClientRequest(url: try url(Method.nsid, parameters: parameters))
        request.method = Method.kind == .query ? .GET : .POST
        request.headers.add(name: "Accept", value: "application/json")
        if Method.kind == .procedure, !(input is XRPCNothing) {
            if let raw = input as? XRPCRawBody {
                request.headers.add(name: "Content-Type", value: raw.encoding)
                request.body = .bytes(ByteBuffer(bytes: raw.bytes))
            } else {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: try Self.encoder.encode(input)))
            }
        }
        switch authorization {
        case .none: break
        case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .serviceAuth(let signer): request.headers.add(name: "Authorization", value: "Bearer \(try signer.token(lxm: Method.nsid))")
        case .perCall(let token): request.headers.add(name: "Authorization", value: "Bearer \(try await token(Method.nsid))")
        }
        if let proxy { request.headers.add(name: "atproto-proxy", value: proxy) }

        let prepared = request
        // AsyncHTTPClient's own deadline is a backstop a second later: the one that fires is ours.
        let backstop = TimeAmount.seconds(min(timeout.components.seconds, 86_400 * 365) + 1)
        let (status, contentType, body) = try await withDeadline { [http, maxResponseBytes] in
            let response = try await http.execute(prepared, timeout: backstop)
            do {
                return (response.status.code, response.headers.first(name: "Content-Type"), try await response.body.collect(upTo: maxResponseBytes))
            } catch is NIOTooManyBytesError {
                throw XRPCClientError.responseTooLarge(limit: maxResponseBytes)
            }
        }
        guard (200..<300).contains(status) else { throw Self.failure(Method.self, status: Int(status), body: body) }
        if let nothing = XRPCNothing() as? Method.Output { return nothing }
        if Method.Output.self == XRPCRawBody.self {
            return XRPCRawBody(encoding: contentType ?? "application/octet-stream", bytes: Array(buffer: body)) as! Method.Output
        }
        do {
            return try JSONDecoder().decode(Method.Output.self, from: Data(buffer: body))
        } catch {
            throw XRPCClientError.invalidResponse("\(Method.nsid) answered a body that is not its output: \(error)")
        }
    }

    /// Calls a method that takes no parameters.
    public func call<Method: XRPCMethod>(_ method: Method.Type, input: Method.Input) async throws -> Method.Output
    where Method.Parameters == XRPCNothing {
        try await call(method, parameters: XRPCNothing(), input: input)
    }

    /// Calls a method that takes no input (a query, or a procedure without a body).
    public func call<Method: XRPCMethod>(_ method: Method.Type, parameters: Method.Parameters) async throws -> Method.Output
    where Method.Input == XRPCNothing {
        try await call(method, parameters: parameters, input: XRPCNothing())
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// `service/xrpc/nsid?k=v&…`: parameters encoded as the XRPC spec says (arrays as repeated keys).
    func url(_ nsid: String, parameters: some Encodable) throws -> String {
        var url = "\(service)/xrpc/\(nsid)"
        guard !(parameters is XRPCNothing) else { return url }
        let json = try JSONValue(parsing: [UInt8](Self.encoder.encode(parameters)))
        var items: [String] = []
        for (key, value) in (json.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            for element in value.arrayValue ?? [value] {
                let text: String
                switch element {
                case .string(let string): text = string
                case .integer(let integer): text = String(integer)
                case .bool(let bool): text = bool ? "true" : "false"
                case .null: continue
                default: throw XRPCClientError.invalidParameters("\(key) is not a string, integer, boolean or array of them")
                }
                items.append(Self.percentEncode(key) + "=" + Self.percentEncode(text))
            }
        }
        if !items.isEmpty { url += "?" + items.joined(separator: "&") }
        return url
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F
                || byte == 0x7E
            out += unreserved ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return out
    }

    /// A declared error as the method's own type; anything else as ``XRPCClientError/response(status:error:message:)``.
    static func failure<Method: XRPCMethod>(_ method: Method.Type, status: Int, body: ByteBuffer) -> any Error {
        let json = try? JSONValue(parsing: Array(buffer: body))
        let name = json?["error"]?.stringValue
        let message = json?["message"]?.stringValue
        if let name, Method.DeclaredError.declaredNames.contains(name) {
            return Method.DeclaredError(errorName: name, errorMessage: message)
        }
        return XRPCClientError.response(status: status, error: name, message: message)
    }

    private func withDeadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask(operation: body)
            group.addTask { [timeout] in
                try await Task.sleep(for: timeout)
                throw XRPCClientError.timedOut(timeout)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// A call that failed other than with an error its method declares.
public enum XRPCClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A non-2xx answer: the HTTP status and the XRPC error body's `error` and `message`, when there was one.
    case response(status: Int, error: String?, message: String?)
    /// A 2xx answer whose body is not the method's output.
    case invalidResponse(String)
    case invalidParameters(String)
    case responseTooLarge(limit: Int)
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .response(let status, let error, let message):
            "HTTP \(status)" + (error.map { " \($0)" } ?? "") + (message.map { ": \($0)" } ?? "")
        case .invalidResponse(let reason): reason
        case .invalidParameters(let reason): "invalid parameters: \(reason)"
        case .responseTooLarge(let limit): "the response is larger than \(limit) bytes"
        case .timedOut(let timeout): "no complete answer within \(timeout)"
        }
    }
}
