/// Whether a method is an XRPC query (HTTP GET) or procedure (HTTP POST).
public enum XRPCMethodKind: String, Sendable, Hashable {
    case query, procedure
}

/// A method described by generated code: its NSID, kind, typed parameters, input and output, and declared errors.
///
/// Both sides use it: the server (`XRPCMethodTable.register`) decodes parameters and input and encodes the output;
/// the client (`XRPCClient.call`) does the reverse.
public protocol XRPCMethod: Sendable {
    static var nsid: String { get }
    static var kind: XRPCMethodKind { get }
    associatedtype Parameters: Codable & Sendable
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable
    associatedtype DeclaredError: XRPCMethodError
}

/// Stands for "no parameters", "no input" or "no output".
public struct XRPCNothing: Codable, Sendable, Equatable {
    public init() {}
}

/// An error declared in a method's lexicon `errors`; thrown by a handler it answers 400 with that name.
public protocol XRPCDeclaredError: Error, Sendable {
    /// The lexicon error name, e.g. `NotFound`.
    var errorName: String { get }
    /// A human message for the `message` field.
    var errorMessage: String? { get }
}

/// A domain error that says which XRPC error it is, so the pipeline maps it in one place: `xrpcError` is the
/// error name and message for a failure of the request (answered `400` with that name when the method declares
/// it, else `InvalidRequest`), or nil for a failure of the service itself (answered `500`, and logged).
public protocol XRPCMappedError: Error, Sendable {
    var xrpcError: (name: String, message: String)? { get }
}

/// The errors one method declares, as generated code models them: a client rebuilds them from a response's `error`.
public protocol XRPCMethodError: XRPCDeclaredError, Equatable {
    /// Every error name the lexicon declares, in lexicon order.
    static var declaredNames: [String] { get }
    init(errorName: String, errorMessage: String?)
}

/// A body that is not JSON (a blob upload, a CAR file, …): its bytes and MIME type, passed through as they are.
///
/// `Codable` only to satisfy ``XRPCMethod``: the server and the client send and receive it raw, never as JSON.
public struct XRPCRawBody: Codable, Sendable, Hashable {
    /// The MIME type, e.g. `image/png`.
    public var encoding: String
    public var bytes: [UInt8]

    public init(encoding: String, bytes: [UInt8]) {
        self.encoding = encoding
        self.bytes = bytes
    }
}
