import HTTPTypes

/// Who is calling, as far as the server can tell: the connection's peer address, or, when that peer is a
/// trusted reverse proxy, the address it says it forwarded for.
///
/// `X-Forwarded-For` is read right to left: each address a trusted proxy added is skipped, and the first one
/// that is not a trusted proxy is the client (everything to its left was written by the client itself and is
/// not believed). A PDS proxying its users is one address, however many users it carries.
public enum ClientAddress {
    /// The client's address; nil when the peer is unknown (an in-process test).
    /// `forwardedFor` is read only when the peer is a trusted proxy.
    public static func resolve(peer: String?, forwardedFor: @autoclosure () -> [String], trusted: Set<String>) -> String? {
        guard let peer else { return nil }
        guard trusted.contains(peer) else { return peer }
        let hops = forwardedFor().flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty {
            guard hop.utf8.count <= 64, hop.utf8.allSatisfy(Self.isAddressByte) else { return peer }
            if !trusted.contains(hop) { return hop }
        }
        return peer
    }

    private static func isAddressByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46) || byte == 0x2E || byte == 0x3A
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
