import HTTPTypes
import Hummingbird
import Lexicon

/// An XRPC error response: an HTTP status and `{"error": name, "message": …}`.
///
/// Handlers throw these (or a generated lexicon error type); anything else becomes a 500 whose
/// details go only to the log.
public struct XRPCError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// The `error` field, e.g. `InvalidRequest`, `NotFound`.
    public var name: String
    /// The `message` field; never holds secrets.
    public var message: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, name: String, message: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.name = name
        self.message = message
        self.headers = headers
    }

    /// 400: the request is malformed or fails its lexicon.
    public static func invalidRequest(_ message: String) -> XRPCError {
        XRPCError(status: .badRequest, name: "InvalidRequest", message: message)
    }

    /// 400: the path is not `/xrpc/{nsid}`.
    public static let malformedPath = XRPCError.invalidRequest("Malformed XRPC path: expected /xrpc/{nsid}")

    /// 401 with `WWW-Authenticate`: credentials are missing or were rejected (`name` says how).
    public static func authenticationRequired(_ message: String, name: String = "AuthenticationRequired") -> XRPCError {
        XRPCError(
            status: .unauthorized, name: name, message: message,
            headers: [.wwwAuthenticate: #"Bearer realm="xrpc""#])
    }

    /// 501: no such method here.
    public static func methodNotImplemented(_ message: String = "Method Not Implemented") -> XRPCError {
        XRPCError(status: .notImplemented, name: "MethodNotImplemented", message: message)
    }

    /// 413: the body is over the configured limit.
    public static func payloadTooLarge(limit: Int) -> XRPCError {
        XRPCError(status: .contentTooLarge, name: "PayloadTooLarge", message: "Request body is larger than \(limit) bytes")
    }

    /// 408: the request body did not arrive in time.
    public static func requestTimeout(_ deadline: Duration) -> XRPCError {
        XRPCError(status: .requestTimeout, name: "InvalidRequest", message: "The request body did not arrive within \(deadline)")
    }

    /// 429 with `Retry-After` in whole seconds.
    public static func rateLimitExceeded(retryAfter seconds: Int) -> XRPCError {
        XRPCError(
            status: .tooManyRequests, name: "RateLimitExceeded", message: "Rate Limit Exceeded",
            headers: [.retryAfter: String(max(1, seconds))])
    }

    /// 500: something went wrong on our side; say nothing more.
    public static let internalServerError = XRPCError(
        status: .internalServerError, name: "InternalServerError",
        message: "Internal Server Error")

    /// The JSON body.
    public var body: [UInt8] {
        var object: [String: JSONValue] = ["error": .string(name)]
        if let message { object["message"] = .string(message) }
        return JSONValue.object(object).serialized(sortedKeys: true)
    }
}
