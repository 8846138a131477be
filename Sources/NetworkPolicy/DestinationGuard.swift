import AsyncHTTPClient
import Foundation
import NIOCore


/// Outbound HTTP to user-given URLs (webhook endpoints, PDSs), guarded against SSRF.
///
/// Only `https` (plus `http` with `insecureLoopback`); the host is resolved here and every address must be
/// public unicast (loopback too with `insecureLoopback`, for development and tests). The request then
/// connects to the address that was checked — the client is pinned to it with `dnsOverride`, keeping the
/// hostname for TLS SNI and certificate checks — so DNS rebinding cannot swap in another address.
/// Redirects are never followed.
public final class DestinationGuard: @unchecked Sendable {
    /// Why a destination was refused; safe to record (never holds secrets).
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    private struct Pinned {
        let client: HTTPClient
        let expires: ContinuousClock.Instant
    }

    private let insecureLoopback: Bool
    private let timeout: HTTPClient.Configuration.Timeout
    private let pinLifetime: Duration
    private let lock = NSLock()
    private var pinned: [String: Pinned] = [:]
    private var retired: [(client: HTTPClient, at: ContinuousClock.Instant)] = []
    /// Most distinct destinations kept pinned at once.
    private let maxPinned = 256

    public init(insecureLoopback: Bool, connectTimeout: TimeAmount = .seconds(5), readTimeout: TimeAmount = .seconds(15),
                pinLifetime: Duration = .seconds(60)) {
        self.insecureLoopback = insecureLoopback
        timeout = .init(connect: connectTimeout, read: readTimeout)
        self.pinLifetime = pinLifetime
    }

    /// Checks `url` and returns a client pinned to the checked address of its host.
    public func client(for url: String) async throws(Refusal) -> HTTPClient {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else { throw Refusal(description: "not an absolute URL") }
        guard scheme == "https" || (scheme == "http" && insecureLoopback) else {
            throw Refusal(description: "only https destinations are allowed")
        }
        guard components.user == nil, components.password == nil else { throw Refusal(description: "credentials in URLs are not allowed") }
        let hostKey = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let key = scheme + "://" + hostKey
        let now = ContinuousClock.now
        if let entry = lock.withLock({ pinned[key] }), entry.expires > now { return entry.client }

        let address = try await checkedAddress(hostKey)
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: timeout)
        configuration.dnsOverride = [hostKey: address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let toShutDown: [HTTPClient] = lock.withLock {
            if let old = pinned[key] { retired.append((old.client, now)) }
            if pinned.count >= maxPinned, let victim = pinned.min(by: { $0.value.expires < $1.value.expires }) {
                pinned[victim.key] = nil
                retired.append((victim.value.client, now))
            }
            pinned[key] = Pinned(client: client, expires: now + pinLifetime)
            // Retired clients get time to finish what they carry before they are shut down.
            let (old, young) = retired.reduce(into: ([HTTPClient](), [(client: HTTPClient, at: ContinuousClock.Instant)]())) { result, entry in
                if now - entry.at > .seconds(120) { result.0.append(entry.client) } else { result.1.append(entry) }
            }
            retired = young
            return old
        }
        for old in toShutDown { try? await old.shutdown() }
        return client
    }

    /// Shuts every client down.
    public func shutdown() async {
        let clients = lock.withLock {
            let all = pinned.values.map(\.client) + retired.map(\.client)
            pinned = [:]
            retired = []
            return all
        }
        for client in clients { try? await client.shutdown() }
    }

    private func checkedAddress(_ host: String) async throws(Refusal) -> String {
        let addresses: [[UInt8]]
        if let literal = Self.parseIPLiteral(host) {
            addresses = [literal]
        } else {
            addresses = await withCheckedContinuation { continuation in
                // getaddrinfo blocks: keep it off the cooperative pool.
                DispatchQueue.global().async { continuation.resume(returning: PublicAddress.resolve(host)) }
            }
        }
        guard !addresses.isEmpty else { throw Refusal(description: "cannot resolve \(host)") }
        let allowed = addresses.filter { PublicAddress.isPublic($0) || (insecureLoopback && PublicAddress.isLoopback($0)) }
        // Every address must pass: a name that also points inside the network is refused outright.
        guard allowed.count == addresses.count, let chosen = allowed.first else {
            throw Refusal(description: "\(host) resolves to a private, loopback, link-local or otherwise non-public address")
        }
        return Self.format(chosen)
    }

    static func parseIPLiteral(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func format(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        _ = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }
}
