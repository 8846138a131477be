import AsyncPrimitives
import Foundation
import Identity
import Lexicon
import Testing
import XRPC

/// A directory the test controls: documents it knows, and fetches it holds until released.
final class ControlledFetcher: DIDDocumentFetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [String: DIDDocument] = [:]
    private var down = false
    private(set) var fetches = 0

    func publish(_ did: String) throws {
        let json = DIDDocument.json(id: did, atprotoKey: nil).serialized()
        let document = try DIDDocument(json: json, expecting: did)
        lock.withLock { documents[did] = document }
    }
    func setDown(_ value: Bool) { lock.withLock { down = value } }
    var fetchCount: Int { lock.withLock { fetches } }

    func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument {
        let (document, isDown): (DIDDocument?, Bool) = lock.withLock {
            fetches += 1
            return (documents[did], down)
        }
        if isDown { throw .unavailable("directory down") }
        guard let document else { throw .notFound(did) }
        return document
    }
}

@Suite("Fair identity resolution")
struct ResolutionFairnessTests {
    /// One key alone gets at most three quarters of the slots; a second key is then served at once; a key over its
    /// share is refused at once (no waiting), and what it holds is given back.
    @Test func oneKeyCannotTakeEverySlot() async throws {
        let admission = FairAdmission(capacity: 16, wait: .milliseconds(50))
        var flooder = 0
        for _ in 0..<40 where await admission.acquire("flooder") { flooder += 1 }
        #expect(flooder == 12, "alone, a key gets three quarters of 16")
        #expect(await admission.acquire("newcomer"), "a second key finds a free slot at once")
        #expect(!(await admission.acquire("flooder")), "over its share (6 of 2 keys): refused")
        for _ in 0..<12 { admission.release("flooder") }
        admission.release("newcomer")
        #expect(admission.held(by: "flooder") == 0 && admission.held(by: "newcomer") == 0)
    }

    /// When every slot is taken, a freed slot goes to a waiting key under its share, not to the key holding most.
    @Test func freedSlotsGoToKeysUnderTheirShare() async throws {
        let admission = FairAdmission(capacity: 4, wait: .seconds(30))
        for _ in 0..<3 { #expect(await admission.acquire("a")) }
        #expect(await admission.acquire("b"))
        // Full (4 of 4): c waits; a's next request is over its share (1 of 3 keys) and refused.
        async let c = admission.acquire("c")
        #expect(try await eventually { !(await admission.acquire("a")) })
        admission.release("a")
        #expect(await c, "the freed slot went to c")
        #expect(admission.held(by: "c") == 1)
    }

    /// A known account's document past its TTL is served while the directory is down (the refresh fails in the
    /// background); a DID never seen before needs a slot, and a client without one is told to wait (busy).
    @Test func knownAccountsOutliveTheDirectoryAndNewOnesNeedASlot() async throws {
        let fetcher = ControlledFetcher()
        try fetcher.publish("did:plc:knownnnnnnnnnnnnnnnnnnnn")
        let admission = FairAdmission(capacity: 1, wait: .milliseconds(50))
        let resolver = DIDResolver(fetcher: fetcher, ttl: .zero, failureTTL: .milliseconds(1), admission: admission)
        _ = try await resolver.resolve("did:plc:knownnnnnnnnnnnnnnnnnnnn", client: "a")
        fetcher.setDown(true)
        for _ in 0..<3 {
            // Past its TTL, with the directory down: still answered, from the stale copy.
            let document = try await resolver.resolve("did:plc:knownnnnnnnnnnnnnnnnnnnn", client: "a")
            #expect(document.id == "did:plc:knownnnnnnnnnnnnnnnnnnnn")
        }
        // A first-time DID while another client holds the only slot: busy, not a failure of the DID.
        #expect(await admission.acquire("other"))
        do {
            _ = try await resolver.resolve("did:plc:newwwwwwwwwwwwwwwwwwwwww", client: "a")
            Issue.record("resolved without a slot")
        } catch {
            if case .busy = error {} else { Issue.record("expected busy, got \(error)") }
        }
        admission.release("other")
    }

    @Test(arguments: [
        // (peer, X-Forwarded-For, trusted, client)
        ("203.0.113.9", ["10.0.0.1"], [String](), "203.0.113.9"),  // an untrusted peer's header is ignored
        ("127.0.0.1", ["10.0.0.1"], ["127.0.0.1"], "10.0.0.1"),
        ("127.0.0.1", ["6.6.6.6, 10.0.0.1"], ["127.0.0.1"], "10.0.0.1"),  // the client's own prefix is not believed
        ("127.0.0.1", ["10.0.0.1, 10.0.0.9"], ["127.0.0.1", "10.0.0.9"], "10.0.0.1"),  // trusted hops skipped
        ("127.0.0.1", [], ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", ["not an address"], ["127.0.0.1"], "127.0.0.1"),
    ])
    func clientAddress(_ peer: String, _ forwarded: [String], _ trusted: [String], _ client: String) {
        #expect(ClientAddress.resolve(peer: peer, forwardedFor: forwarded, trusted: Set(trusted)) == client)
    }
}
