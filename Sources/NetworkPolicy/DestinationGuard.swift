import AsyncHTTPClient
import Foundation
import NIOCore

/// Outbound HTTP to user-given URLs (webhook endpoints, PDSs, did:web hosts), guarded against SSRF.
///
/// Only `https` (plus `http` with `insecureLoopback`); the host is resolved here and every address must be
/// public unicast (loopback too with `insecureLoopback`, for development and tests). The request then
/// connects to the address that was checked: the client is pinned to it with `dnsOverride`, keeping the
/// hostname for TLS SNI and certificate checks, so DNS rebinding cannot swap in another address. The pin is
/// keyed by the host exactly as the client will look it up: ``Destination/url`` is the URL with its host
/// lower-cased, and callers send to that URL. Redirects are never followed.
///
/// Bounded everywhere: at most `maxPinned` pinned clients, retired clients shut down once no call can still
/// be using them (or at once past `maxRetired`), refusals remembered for `refusalLifetime` so a flood of
/// names that do not resolve costs one lookup each per period, and DNS lookups bounded by the resolver.
public final class DestinationGuard: @unchecked Sendable {
    /// Why a destination was refused; safe to record (never holds secrets).
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
        /// True when trying again later may succeed (the name did not resolve, or not in time); false when
        /// the destination itself is refused (not https, credentials in the URL, a non-public address).
        public let isTransient: Bool
        public init(description: String, isTransient: Bool = false) {
            self.description = description
            self.isTransient = isTransient
        }
    }

    /// A checked destination: the client pinned to its address, and the URL to send to with it.
    public struct Destination: Sendable {
        public let client: HTTPClient
        /// The caller's URL with its host lower-cased: the form the pin is keyed by.
        public let url: String
        /// The address the client connects to.
        public let address: String
    }

    private struct Pinned {
        let client: HTTPClient
        let address: String
        let expires: ContinuousClock.Instant
    }

    private let insecureLoopback: Bool
    private let timeout: HTTPClient.Configuration.Timeout
    private let pinLifetime: Duration
    private let refusalLifetime: Duration
    private let resolver: any HostResolver
    /// Set by ``shutdown()``: no new client is made after it.
    private var isShutDown = false
    private let lock = NSLock()
    private var pinned: [String: Pinned] = [:]
    private var refused: [String: (refusal: Refusal, expires: ContinuousClock.Instant)] = [:]
    private var retired: [(client: HTTPClient, at: ContinuousClock.Instant)] = []
    /// Most distinct destinations kept pinned at once.
    public let maxPinned = 256
    /// Most retired clients kept waiting for their calls to end; past this the oldest is shut down at once.
    public let maxRetired = 64
    /// Most refused hosts remembered.
    public let maxRefused = 4096
    /// How long a retired client is kept: longer than any outbound call's overall deadline.
    public static let retiredGrace: Duration = .seconds(60)

    public init(
        insecureLoopback: Bool, connectTimeout: TimeAmount = .seconds(5), readTimeout: TimeAmount = .seconds(15),
        pinLifetime: Duration = .seconds(60), refusalLifetime: Duration = .seconds(30),
        resolver: any HostResolver = SystemHostResolver()
    ) {
        self.insecureLoopback = insecureLoopback
        timeout = .init(connect: connectTimeout, read: readTimeout)
        self.pinLifetime = pinLifetime
        self.refusalLifetime = refusalLifetime
        self.resolver = resolver
    }

    /// Checks `url` and returns a client pinned to the checked address of its host, with the URL to use.
    public func destination(for url: String) async throws(Refusal) -> Destination {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw Refusal(description: "not an absolute URL") }
        guard scheme == "https" || (scheme == "http" && insecureLoopback) else {
            throw Refusal(description: "only https destinations are allowed")
        }
        guard components.user == nil, components.password == nil else { throw Refusal(description: "credentials in URLs are not allowed") }
        // The client looks its DNS override up by the URL's host as written: send to the lower-cased form.
        components.host = host.lowercased()
        components.scheme = scheme
        guard let target = components.string, let hostKey = URLComponents(string: target)?.host else {
            throw Refusal(description: "not an absolute URL")
        }
        let bareHost = hostKey.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let key = scheme + "://" + hostKey
        let now = ContinuousClock.now
        enum Cached {
            case pinned(Pinned)
            case refused(Refusal)
            case none
        }
        let cached: Cached = lock.withLock {
            if let entry = pinned[key], entry.expires > now { return .pinned(entry) }
            if let entry = refused[bareHost], entry.expires > now { return .refused(entry.refusal) }
            return .none
        }
        switch cached {
        case .pinned(let entry): return Destination(client: entry.client, url: target, address: entry.address)
        case .refused(let refusal): throw refusal
        case .none: break
        }

        let address: String
        do {
            address = try await checkedAddress(bareHost)
        } catch {
            lock.withLock {
                if refused.count >= maxRefused { refused = refused.filter { $0.value.expires > now } }
                if refused.count >= maxRefused, let victim = refused.keys.first { refused[victim] = nil }
                refused[bareHost] = (error, now + refusalLifetime)
            }
            throw error
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: timeout)
        configuration.dnsOverride[hostKey] = address
        configuration.dnsOverride[bareHost] = address
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let toShutDown: [HTTPClient]? = lock.withLock {
            // Shut down meanwhile (a late caller, after its owner closed): no client outlives the guard.
            guard !isShutDown else { return nil }
            if let old = pinned[key] { retired.append((old.client, now)) }
            if pinned.count >= maxPinned, pinned[key] == nil, let victim = pinned.min(by: { $0.value.expires < $1.value.expires }) {
                pinned[victim.key] = nil
                retired.append((victim.value.client, now))
            }
            pinned[key] = Pinned(client: client, address: address, expires: now + pinLifetime)
            // Retired clients get time to finish what they carry (every call has an overall deadline shorter
            // than the grace) before they are shut down; past maxRetired the oldest go at once.
            var old: [HTTPClient] = []
            retired.removeAll { entry in
                guard now - entry.at > Self.retiredGrace else { return false }
                old.append(entry.client)
                return true
            }
            while retired.count > maxRetired { old.append(retired.removeFirst().client) }
            return old
        }
        guard let toShutDown else {
            try? await client.shutdown()
            throw Refusal(description: "outbound calls are shut down", isTransient: true)
        }
        for old in toShutDown { try? await old.shutdown() }
        return Destination(client: client, url: target, address: address)
    }

    /// Clients alive now (pinned and retired), for tests and metrics.
    public var clientCount: Int { lock.withLock { pinned.count + retired.count } }

    /// Shuts every client down; later calls are refused (transiently), so no client outlives the guard.
    public func shutdown() async {
        let clients = lock.withLock {
            isShutDown = true
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
            guard let resolved = await resolver.addresses(of: host) else {
                throw Refusal(description: "cannot resolve \(host) in time", isTransient: true)
            }
            addresses = resolved
        }
        guard !addresses.isEmpty else { throw Refusal(description: "cannot resolve \(host)", isTransient: true) }
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
