import AsyncHTTPClient
import Foundation
import Identity
import NetworkPolicy
import SigilTestSupport
import Testing

/// A DNS stand-in: names map to fixed answers; counts lookups; a name mapped to nil never answers in time.

@Suite("SSRF guard with a stand-in DNS")
struct DestinationGuardDNSTests {
    static let loopback: [UInt8] = [127, 0, 0, 1]
    static let publicAddress: [UInt8] = [93, 184, 216, 34]
    static let privateAddress: [UInt8] = [10, 1, 2, 3]
    static let metadata: [UInt8] = [169, 254, 169, 254]

    /// The pin is keyed exactly as AsyncHTTPClient looks it up: a mixed-case host reaches the checked address
    /// (here a loopback receiver), and is never resolved again by the client (which would fail: the name
    /// does not exist outside this stand-in).
    @Test func aMixedCaseHostUsesThePinnedAddress() async throws {
        let network = StandInNetwork()
        try await network.serve { () async throws -> Void in
            let dns = StandInDNS(["rebind.sigil-test.invalid": [Self.loopback]])
            let guardian = DestinationGuard(insecureLoopback: true, resolver: dns)
            // Shut down on every path: a client dropped unshut traps in a debug build and takes the whole run down.
            defer { Task { await guardian.shutdown() } }
            let port = await network.port
            for spelling in ["Rebind.Sigil-Test.Invalid", "REBIND.SIGIL-TEST.INVALID", "rebind.sigil-test.invalid"] {
                let destination = try await guardian.destination(for: "http://\(spelling):\(port)/hook")
                #expect(destination.url == "http://rebind.sigil-test.invalid:\(port)/hook")
                #expect(destination.address == "127.0.0.1")
                var request = HTTPClientRequest(url: destination.url)
                request.method = .POST
                let response = try await destination.client.execute(request, timeout: .seconds(5))
                #expect(response.status.code == 200, "\(spelling)")
            }
            #expect(await network.received.count == 3)
            #expect(dns.lookups == ["rebind.sigil-test.invalid"], "one lookup, by the guard, for every spelling")
        }
    }

    /// Names that resolve inside the network, partly inside, nowhere, or not in time: each refused with the
    /// guard's own reason; only the unresolvable ones are transient.
    @Test(arguments: [
        ("private.test", "resolves to a private", false),
        ("metadata.test", "resolves to a private", false),
        ("mixed.test", "resolves to a private", false),
        ("v6mapped.test", "resolves to a private", false),
        ("teredo.test", "resolves to a private", false),
        ("nxdomain.test", "cannot resolve nxdomain.test", true),
        ("slow.test", "cannot resolve slow.test in time", true),
    ])
    func namesThatResolveInsideAreRefusedByTheGuard(_ host: String, _ reason: String, _ transient: Bool) async throws {
        let answers: [String: [[UInt8]]?] = [
            "private.test": [Self.privateAddress], "metadata.test": [Self.metadata],
            "mixed.test": [Self.publicAddress, Self.privateAddress],
            "v6mapped.test": [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1]],
            "teredo.test": [[0x20, 0x01, 0, 0, 0x4A, 0x7D, 0x2B, 0x63, 0, 0, 0, 0, 0, 0, 0, 1]],
        ]
        var withSlow = answers
        withSlow["slow.test"] = Optional<[[UInt8]]>.none
        let dns = StandInDNS(withSlow)
        let guardian = DestinationGuard(insecureLoopback: false, resolver: dns)
        var refusal: DestinationGuard.Refusal?
        do { _ = try await guardian.destination(for: "https://\(host)/hook") } catch { refusal = error }
        #expect(refusal != nil, "\(host) was allowed")
        #expect(refusal?.description.contains(reason) == true, "\(refusal?.description ?? "")")
        #expect(refusal?.isTransient == transient)
        // A refusal is remembered for a while: a flood of requests for the name costs one lookup.
        for _ in 0..<5 { _ = try? await guardian.destination(for: "https://\(host)/other") }
        #expect(dns.lookups == [host])
        #expect(guardian.clientCount == 0)
        await guardian.shutdown()
    }

    /// Failed DID resolutions are remembered for the failure TTL: random DIDs cost one fetch each, not one per call.
    @Test func failedResolutionsAreCached() async throws {
        final class CountingFetcher: DIDDocumentFetcher, @unchecked Sendable {
            let lock = NSLock()
            var calls = 0
            func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument {
                lock.withLock { calls += 1 }
                throw .notFound(did)
            }
        }
        let fetcher = CountingFetcher()
        let resolver = DIDResolver(fetcher: fetcher, failureTTL: .seconds(30), maxEntries: 3)
        for _ in 0..<10 {
            await #expect(throws: DIDResolutionError.notFound("did:plc:nobodyyyyyyyyyyyyyyyyyyy")) {
                try await resolver.resolve("did:plc:nobodyyyyyyyyyyyyyyyyyyy")
            }
        }
        #expect(fetcher.lock.withLock { fetcher.calls } == 1)
        // Bounded: more failing DIDs than entries keep at most maxEntries remembered.
        for i in 0..<10 { _ = try? await resolver.resolve("did:plc:random\(i)aaaaaaaaaaaaaaaaa") }
        #expect(resolver.failureCount <= 3)
    }
}

@Suite("Outbound bounds")
struct OutboundBoundsTests {
    /// Every re-pin retires a client; retired clients are bounded however many re-pins there are.
    @Test func retiredClientsAreBounded() async throws {
        let dns = StandInDNS(["pinned.test": [[93, 184, 216, 34]]])
        let guardian = DestinationGuard(insecureLoopback: false, pinLifetime: .zero, resolver: dns)
        for _ in 0..<(guardian.maxRetired * 2) { _ = try await guardian.destination(for: "https://pinned.test/hook") }
        #expect(dns.lookups.count == guardian.maxRetired * 2, "each expired pin was looked up again")
        #expect(guardian.clientCount <= guardian.maxRetired + 1)
        await guardian.shutdown()
    }

    /// A lookup that hangs (a DNS server that never answers) is given up at the timeout; the abandoned
    /// lookup still counts against the bound until it ends, so hanging lookups cannot pile up threads.
    @Test func aHangingLookupIsAbandonedAtTheTimeout() async throws {
        let release = DispatchSemaphore(value: 0)
        let resolver = SystemHostResolver(timeout: .milliseconds(100), maxConcurrent: 1) { _ in
            release.wait()
            return [[93, 184, 216, 34]]
        }
        #expect(await resolver.addresses(of: "hangs.test") == nil, "given up at the timeout")
        #expect(resolver.inFlight == 1, "the abandoned lookup still holds its thread")
        #expect(await resolver.addresses(of: "other.test") == nil, "no room: refused at once")
        release.signal()
        #expect(try await eventually { resolver.inFlight == 0 })
        release.signal()
        #expect(await resolver.addresses(of: "other.test") == [[93, 184, 216, 34]])
    }

    /// The system resolver holds at most `maxConcurrent` lookups; past that it answers at once, unresolved.
    @Test func systemLookupsAreBounded() async {
        #expect(await SystemHostResolver(maxConcurrent: 0).addresses(of: "localhost") == nil)
        let resolver = SystemHostResolver()
        #expect(await resolver.addresses(of: "localhost")?.isEmpty == false)
        #expect(resolver.inFlight == 0)
    }
}
