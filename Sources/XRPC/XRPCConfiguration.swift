/// Limits and identity of the XRPC server.
public struct XRPCConfiguration: Sendable {
    /// Largest request body accepted, in bytes; larger ones get `413 PayloadTooLarge` without being read.
    public var maxBodyBytes: Int
    /// Reported by `GET /xrpc/_health`.
    public var version: String
    /// The whole request body must arrive within this: a body still trickling past it gets `408` when its next
    /// part arrives. A body that stops arriving is cut off by the server's idle timeout (the connection closes).
    public var bodyDeadline: Duration
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (see ``ClientAddress``); from anyone
    /// else the header is ignored.
    public var trustedProxies: Set<String>

    public init(maxBodyBytes: Int = 150 * 1024, version: String, bodyDeadline: Duration = .seconds(10), trustedProxies: Set<String> = []) {
        self.maxBodyBytes = maxBodyBytes
        self.version = version
        self.bodyDeadline = bodyDeadline
        self.trustedProxies = trustedProxies
    }
}
