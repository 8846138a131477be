import HTTPTypes
import Hummingbird
import Lexicon
import Logging

/// Who is calling, once a request has authenticated.
public struct XRPCPrincipal: Sendable, Hashable {
    /// How a caller proved who they are.
    public enum Credential: Sendable, Hashable {
        /// An inter-service JWT (its `iss` is ``did``).
        case serviceJWT
        /// A bearer token that stands for one resource of ``did`` (a secret's own signing token): `subject` names it.
        case bearerToken(subject: String)
    }

    /// The caller's DID (a service JWT's `iss`; for a bearer token, the DID that owns what it stands for).
    public let did: String
    public let credential: Credential

    public init(did: String, credential: Credential = .serviceJWT) {
        self.did = did
        self.credential = credential
    }
}

/// A validated request body.
public struct XRPCBody: Sendable {
    /// The request's MIME type (parameters stripped, lower-cased).
    public let encoding: String
    public let bytes: [UInt8]
    /// For JSON bodies: the value after lexicon validation (defaults applied).
    public let json: JSONValue?
}

/// Everything a handler gets: already validated against the lexicon.
public struct XRPCCall: Sendable {
    public let nsid: String
    /// Query parameters as an object, coerced to their lexicon types, defaults applied.
    public let params: JSONValue
    public let input: XRPCBody?
    /// `nil` when the caller sent no credentials and the method allows that.
    public let principal: XRPCPrincipal?
    public let headers: HTTPFields
    /// The request's logger before the method's name was added: tagging it costs a metadata rebuild in common log
    /// handlers, so it is done only for a handler that logs (``logger``).
    let requestLogger: Logger

    /// The request's logger, its metadata carrying `xrpc.method`.
    public var logger: Logger { requestLogger.taggedWithMethod(nsid) }

    init(nsid: String, params: JSONValue, input: XRPCBody?, principal: XRPCPrincipal?, headers: HTTPFields, requestLogger: Logger) {
        self.nsid = nsid
        self.params = params
        self.input = input
        self.principal = principal
        self.headers = headers
        self.requestLogger = requestLogger
    }
}

extension Logger {
    /// This logger with `xrpc.method` set to `nsid`.
    func taggedWithMethod(_ nsid: String) -> Logger {
        var logger = self
        logger[metadataKey: "xrpc.method"] = .string(nsid)
        return logger
    }
}

/// A handler's answer.
public struct XRPCReply: Sendable {
    /// MIME type of `body`; `nil` for a method with no output.
    public var encoding: String?
    public var body: [UInt8]
    public var headers: HTTPFields
    /// The value `body` was serialized from, when the handler gave one (``json(_:)``): the output check validates
    /// it as it is rather than parsing the body again.
    public var json: JSONValue?

    public init(encoding: String?, body: [UInt8], headers: HTTPFields = [:]) {
        self.encoding = encoding
        self.body = body
        self.headers = headers
    }

    /// A JSON body.
    public static func json(_ value: JSONValue) -> XRPCReply {
        var reply = XRPCReply(encoding: "application/json", body: value.serialized())
        reply.json = value
        return reply
    }

    /// No body (for methods without output).
    public static let empty = XRPCReply(encoding: nil, body: [])
}

/// A method implementation; the pipeline validates before and after it.
public typealias XRPCHandler = @Sendable (XRPCCall) async throws -> XRPCReply

/// Whether a method needs an authenticated caller.
public enum XRPCAuthRequirement: Sendable {
    /// Anonymous calls get `401 AuthenticationRequired`.
    case required
    /// Credentials are verified if present, but not needed.
    case optional
}

/// Verifies credentials. Returns `nil` when the request carries none; throws an ``XRPCError`` (401) when
/// they are present but wrong.
public protocol XRPCAuthenticator: Sendable {
    /// `client` is the caller's address (``ClientAddress``), for sharing what authentication costs fairly; nil
    /// when unknown.
    func authenticate(headers: HTTPFields, nsid: String, client: String?) async throws(XRPCError) -> XRPCPrincipal?
}

extension XRPCAuthenticator {
    /// Authenticates a call from an unknown address.
    public func authenticate(headers: HTTPFields, nsid: String) async throws(XRPCError) -> XRPCPrincipal? {
        try await authenticate(headers: headers, nsid: nsid, client: nil)
    }
}

/// Decides whether a call may proceed now.
public protocol XRPCRateLimiter: Sendable {
    /// `nil` to proceed; otherwise the seconds after which to retry.
    func retryAfter(nsid: String, principal: XRPCPrincipal?) async -> Int?
}
