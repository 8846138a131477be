#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which IP addresses outbound requests to user-given hosts may reach: public unicast only.
///
/// Refuses loopback, private (RFC 1918), carrier-grade NAT, link-local (including cloud metadata at
/// 169.254.169.254), multicast, unspecified, reserved/documentation ranges, unique-local and
/// IPv4-mapped/compatible IPv6 forms of any of these; tunnel forms that embed an IPv4 address (6to4,
/// Teredo, NAT64); and the Azure host-services address 168.63.129.16.
public enum PublicAddress {
    /// Whether a 4- or 16-byte address is public unicast.
    public static func isPublic(_ address: [UInt8]) -> Bool {
        switch address.count {
        case 4: return isPublicIPv4(address)
        case 16: return isPublicIPv6(address)
        default: return false
        }
    }

    static func isPublicIPv4(_ a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return false  // this network, private, loopback
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link-local, cloud metadata
        case (172, 16...31): return false  // private
        case (192, 168): return false  // private
        case (192, 0) where a[2] == 0 || a[2] == 2: return false  // IETF protocol assignments, TEST-NET-1
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where a[2] == 100: return false  // TEST-NET-2
        case (203, 0) where a[2] == 113: return false  // TEST-NET-3
        case (224...255, _): return false  // multicast, reserved, broadcast
        case (168, 63) where a[2] == 129 && a[3] == 16: return false  // Azure's host services (wire server, DNS)
        default: return true
        }
    }

    static func isPublicIPv6(_ a: [UInt8]) -> Bool {
        if a[0..<10].allSatisfy({ $0 == 0 }) {
            // ::, ::1, IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judge the IPv4 inside.
            if a[10] == 0xFF && a[11] == 0xFF { return isPublicIPv4(Array(a[12...])) }
            if a[10] == 0 && a[11] == 0 { return a[12..<16].allSatisfy { $0 == 0 } ? false : isPublicIPv4(Array(a[12...])) }
        }
        if a[0] == 0xFF { return false }  // multicast
        if a[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
        if a[0] == 0xFE && a[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
        if a[0] == 0xFE && a[1] & 0xC0 == 0xC0 { return false }  // site-local (deprecated)
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8 { return false }  // documentation 2001:db8::/32
        if a[0] == 0x3F && a[1] == 0xFF && a[2] & 0xF0 == 0 { return false }  // documentation 3fff::/20
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00 { return false }  // Teredo 2001::/32 (embeds IPv4)
        if a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B { return false }  // NAT64 (maps to IPv4)
        if a[0] == 0x20 && a[1] == 0x02 { return false }  // 6to4 (embeds IPv4)
        return true
    }

    /// Whether an address is loopback (127/8, ::1, or IPv4-mapped loopback).
    public static func isLoopback(_ address: [UInt8]) -> Bool {
        switch address.count {
        case 4: return address[0] == 127
        case 16:
            if address[0..<15].allSatisfy({ $0 == 0 }) && address[15] == 1 { return true }
            return address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF && address[12] == 127
        default: return false
        }
    }

    /// Resolves `host` with the system resolver; the raw addresses (4 or 16 bytes each).
    public static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let address = info.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                default: break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
