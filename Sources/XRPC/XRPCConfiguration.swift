/// Limits and identity of the XRPC server.
public struct XRPCConfiguration: Sendable {
    /// Largest request body accepted, in bytes; larger ones get `413 PayloadTooLarge` without being read.
    public var maxBodyBytes: Int
    /// Reported by `GET /xrpc/_health`.
    public var version: String

    public init(maxBodyBytes: Int = 150 * 1024, version: String) {
        self.maxBodyBytes = maxBodyBytes
        self.version = version
    }
}
