import Foundation
import HTTPTypes
import Hummingbird
import Lexicon
import Logging
@_exported import XRPCMethods

/// A typed, validated call.
public struct XRPCRequest<Method: XRPCMethod>: Sendable {
    public let params: Method.Parameters
    public let input: Method.Input
    public let principal: XRPCPrincipal?
    public let headers: HTTPFields
    let requestLogger: Logger
    let nsid: String

    /// The request's logger, its metadata carrying `xrpc.method` (tagged when a handler asks for it).
    public var logger: Logger { requestLogger.taggedWithMethod(nsid) }
}

extension XRPCMethodTable {
    /// Serves `Method` with a typed handler: params and input are decoded from their validated JSON,
    /// the output is encoded as JSON (and validated again by the pipeline).
    public mutating func register<Method: XRPCMethod>(
        _ method: Method.Type, auth: XRPCAuthRequirement,
        _ handler: @escaping @Sendable (XRPCRequest<Method>) async throws -> Method.Output
    ) throws(SchemaLookupError) {
        try register(Method.nsid, auth: auth) { call in
            let params: Method.Parameters = try Self.decode(call.params, as: Method.Parameters.self)
            let input: Method.Input
            if Method.Input.self == XRPCRawBody.self {
                input = XRPCRawBody(encoding: call.input?.encoding ?? "application/octet-stream", bytes: call.input?.bytes ?? []) as! Method.Input
            } else {
                input = try Self.decode(call.input?.json ?? .object([:]), as: Method.Input.self)
            }
            let output = try await handler(
                XRPCRequest(
                    params: params, input: input, principal: call.principal,
                    headers: call.headers, requestLogger: call.requestLogger, nsid: call.nsid))
            if Method.Output.self == XRPCNothing.self { return .empty }
            if let raw = output as? XRPCRawBody { return XRPCReply(encoding: raw.encoding, body: raw.bytes) }
            return XRPCReply(encoding: "application/json", body: [UInt8](try Self.encoder.encode(output)))
        }
    }

    /// Output encoder: no `\/` escapes, so tokens and URLs can be copied from responses as they are.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    private static func decode<T: Decodable>(_ value: JSONValue, as type: T.Type) throws -> T {
        if let nothing = XRPCNothing() as? T { return nothing }
        do {
            return try JSONDecoder().decode(T.self, from: Data(value.serialized()))
        } catch {
            // The lexicon already accepted the value, so this is a mismatch between generated types and schema.
            throw XRPCTypedDecodingError(type: String(describing: T.self), underlying: String(describing: error))
        }
    }
}

/// Validated JSON that the generated Swift type could not decode: a server bug, answered with 500.
struct XRPCTypedDecodingError: Error, CustomStringConvertible {
    let type: String
    let underlying: String
    var description: String { "cannot decode \(type) from validated JSON: \(underlying)" }
}
