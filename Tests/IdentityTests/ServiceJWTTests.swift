import AsyncHTTPClient
import Foundation
import HTTPTypes
import Identity
import Lexicon
import NetworkPolicy
import Secp256k1
import SigilService
import Testing
import XRPC

let alice = "did:plc:aliceaaaaaaaaaaaaaaaaaaa"  // secp256k1
let bob = "did:plc:bobbbbbbbbbbbbbbbbbbbbbb"  // P-256
let carol = "did:plc:carolccccccccccccccccccc"  // document without #atproto
let nobody = "did:plc:nobodyyyyyyyyyyyyyyyyyy"  // not in the directory
let serviceDID = "did:web:sigil.test"
let lxm = "com.example.method"

/// Keys, a stand-in PLC directory and a verifier wired to it.
struct Fixture: Sendable {
    let aliceKey = TestKey.k256(Secp256k1.PrivateKey())
    let bobKey = TestKey.p256(.init())
    let plc = StandInPLC()
    let now = Int64(Date().timeIntervalSince1970)

    func publishAll() async {
        await plc.publish(alice, key: aliceKey.multikey)
        await plc.publish(bob, key: bobKey.multikey)
        await plc.publish(carol, key: nil)
    }

    /// The fetch deadline only stops a hang here (the deadline itself is tested with a dripping host): generous,
    /// since a loaded machine running every suite at once answered the stand-in PLC in over 2 s.
    func verifier(plcURL: String, acceptBareDID: Bool = true, nonces: any NonceStore = InMemoryNonceStore()) -> ServiceJWTVerifier {
        let fetcher = HTTPDIDFetcher(client: .shared, plcURL: plcURL, destinations: DestinationGuard(insecureLoopback: false), deadline: .seconds(15))
        return ServiceJWTVerifier(
            policy: .init(serviceDID: serviceDID, serviceID: "sigil", acceptBareDID: acceptBareDID),
            resolver: DIDResolver(fetcher: fetcher, minimumRefreshInterval: .zero), nonces: nonces,
            clock: { [now] in now })
    }

    /// A token; `nil` in `header`/`claims` removes a field, a value replaces it.
    func token(
        key: TestKey? = nil, iss: String = alice, header: [String: JSONValue?] = [:], claims: [String: JSONValue?] = [:],
        signature: (([UInt8]) -> [UInt8])? = nil
    ) -> String {
        let key = key ?? aliceKey
        var h: [String: JSONValue] = ["alg": .string(key.alg), "typ": "JWT"]
        for (name, value) in header { h[name] = value }
        var c: [String: JSONValue] = [
            "iss": .string(iss), "aud": .string(serviceDID + "#sigil"), "lxm": .string(lxm),
            "iat": .integer(now), "exp": .integer(now + 60), "jti": .string(UUID().uuidString),
        ]
        for (name, value) in claims { c[name] = value }
        return ServiceJWT.sign(header: .object(h), payload: .object(c)) { input in
            let signed = key.sign(input)
            return signature?(signed) ?? signed
        }
    }
}

/// One way a token can be wrong, and the error name it must get.
struct Forgery: Sendable, CustomTestStringConvertible {
    let label: String
    let name: String
    /// Whether the verifier may look the issuer up (algorithm and format failures must not).
    let mayResolve: Bool
    let make: @Sendable (Fixture) -> String
    var testDescription: String { label }

    init(_ label: String, _ name: String, mayResolve: Bool = true, _ make: @escaping @Sendable (Fixture) -> String) {
        self.label = label
        self.name = name
        self.mayResolve = mayResolve
        self.make = make
    }
}

func swapPayload(_ token: String, lxm newLXM: String) -> String {
    let parts = token.split(separator: ".").map(String.init)
    var payload = try! JSONValue(parsing: Base64URL.decode(parts[1])!).objectValue!
    payload["lxm"] = .string(newLXM)
    return parts[0] + "." + Base64URL.encode(JSONValue.object(payload).serialized()) + "." + parts[2]
}

@Suite("Service JWT verification")
struct ServiceJWTTests {
    static let forgeries: [Forgery] = [
        .init("alg none", "BadJwt", mayResolve: false) { $0.token(header: ["alg": "none"], signature: { _ in [] }) },
        .init("alg HS256", "BadJwt", mayResolve: false) { $0.token(header: ["alg": "HS256"]) },
        .init("alg RS256", "BadJwt", mayResolve: false) { $0.token(header: ["alg": "RS256"]) },
        .init("alg missing", "BadJwt", mayResolve: false) { $0.token(header: ["alg": nil]) },
        .init("typ at+jwt", "BadJwtType", mayResolve: false) { $0.token(header: ["typ": "at+jwt"]) },
        .init("alg ES256 with a secp256k1 key", "BadJwtSignature") { $0.token(header: ["alg": "ES256"]) },
        .init("alg ES256K with a P-256 key", "BadJwtSignature") { $0.token(key: $0.bobKey, iss: bob, header: ["alg": "ES256K"]) },
        .init("bad signature", "BadJwtSignature") { $0.token(signature: { _ in [UInt8](repeating: 7, count: 64) }) },
        .init("signed by another key", "BadJwtSignature") { $0.token(key: .k256(Secp256k1.PrivateKey())) },
        .init("high-S secp256k1", "BadJwtSignature") { f in
            f.token(signature: { Array($0[..<32]) + CurveOrder.negate(Array($0[32...]), order: CurveOrder.secp256k1) })
        },
        .init("high-S P-256", "BadJwtSignature") { f in
            f.token(key: f.bobKey, iss: bob, signature: { Array($0[..<32]) + CurveOrder.negate(Array($0[32...]), order: CurveOrder.p256) })
        },
        .init("DER signature", "BadJwtSignature", mayResolve: false) { f in
            // The DER form of a signature: SEQUENCE { INTEGER r, INTEGER s }, 70–72 bytes.
            f.token(key: f.bobKey, iss: bob, signature: { raw in [0x30, 0x44, 0x02, 0x20] + raw[..<32] + [0x02, 0x20] + raw[32...] })
        },
        .init("tampered payload", "BadJwtSignature") { swapPayload($0.token(claims: ["lxm": "com.example.other"]), lxm: lxm) },
        .init("wrong aud", "BadJwtAudience", mayResolve: false) { $0.token(claims: ["aud": "did:web:elsewhere.test#sigil"]) },
        .init("missing aud", "BadJwtAudience", mayResolve: false) { $0.token(claims: ["aud": nil]) },
        .init("other service id", "BadJwtAudience", mayResolve: false) { $0.token(claims: ["aud": .string(serviceDID + "#other")]) },
        .init("expired", "JwtExpired", mayResolve: false) { $0.token(claims: ["exp": .integer($0.now - 120), "iat": .integer($0.now - 180)]) },
        .init("missing exp", "BadJwt", mayResolve: false) { $0.token(claims: ["exp": nil]) },
        .init("iat in the future", "JwtNotYetValid", mayResolve: false) {
            $0.token(claims: ["iat": .integer($0.now + 600), "exp": .integer($0.now + 660)])
        },
        .init("missing iat", "BadJwt", mayResolve: false) { $0.token(claims: ["iat": nil]) },
        .init("iat too old", "JwtTooOld", mayResolve: false) { $0.token(claims: ["iat": .integer($0.now - 3600)]) },
        .init("exp too far away", "JwtTooOld", mayResolve: false) { $0.token(claims: ["exp": .integer($0.now + 86_400)]) },
        .init("missing lxm", "BadJwtLexiconMethod", mayResolve: false) { $0.token(claims: ["lxm": nil]) },
        .init("wrong lxm", "BadJwtLexiconMethod", mayResolve: false) { $0.token(claims: ["lxm": "com.example.other"]) },
        .init("missing jti", "BadJwt", mayResolve: false) { $0.token(claims: ["jti": nil]) },
        .init("jti over 256 bytes", "BadJwt", mayResolve: false) { $0.token(claims: ["jti": .string(String(repeating: "j", count: 257))]) },
        .init("unknown DID (404)", "BadJwtIss") { $0.token(iss: nobody) },
        .init("DID document without #atproto", "BadJwtIss") { $0.token(iss: carol) },
        .init("kid naming another key", "BadJwt", mayResolve: false) { $0.token(header: ["kid": "#atproto_label"]) },
        .init("malformed base64 header", "BadJwt", mayResolve: false) {
            "eyJ!!!." + $0.token().split(separator: ".").dropFirst().joined(separator: ".")
        },
        .init("payload not JSON", "BadJwt", mayResolve: false) { f in
            let parts = f.token().split(separator: ".")
            return parts[0] + "." + Base64URL.encode(Array("not json".utf8)) + "." + parts[2]
        },
        .init("two parts", "BadJwt", mayResolve: false) { $0.token().split(separator: ".").prefix(2).joined(separator: ".") },
        .init("oversized token", "BadJwt", mayResolve: false) { $0.token(claims: ["pad": .string(String(repeating: "x", count: 9000))]) },
        .init("handle instead of DID in iss", "BadJwtIss", mayResolve: false) { $0.token(iss: "alice.example.com") },
        .init("iss with a fragment", "BadJwtIss", mayResolve: false) { $0.token(iss: alice + "#atproto") },
    ]

    @Test("rejected", arguments: forgeries)
    func rejects(_ forgery: Forgery) async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url)
            let token = forgery.make(fixture)
            do {
                let iss = try await verifier.verify(token, lxm: lxm)
                Issue.record("accepted a forged token as \(iss)")
            } catch let error as ServiceAuthError {
                #expect(error.name == forgery.name, "\(error)")
                #expect(!error.message.contains(token.prefix(20)), "the message echoes the token")
            } catch {
                Issue.record("unexpected error \(error)")
            }
            if !forgery.mayResolve {
                #expect(await fixture.plc.totalFetches() == 0, "looked up a key for a token it could reject without one")
            }
        }
    }

    @Test func acceptsGoodTokensOnBothCurves() async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url)
            #expect(try await verifier.verify(fixture.token(), lxm: lxm) == alice)
            #expect(try await verifier.verify(fixture.token(key: fixture.bobKey, iss: bob), lxm: lxm) == bob)
            #expect(try await verifier.verify(fixture.token(header: ["kid": "#atproto"]), lxm: lxm) == alice)
            // The longest jti accepted: 256 bytes (one more is refused, see the forgeries).
            #expect(try await verifier.verify(fixture.token(claims: ["jti": .string(String(repeating: "j", count: 256))]), lxm: lxm) == alice)
            #expect(try await verifier.verify(fixture.token(header: ["typ": nil]), lxm: lxm) == alice)
            // Bare service DID as aud: accepted by default, refused when switched off.
            let bare = fixture.token(claims: ["aud": .string(serviceDID)])
            #expect(try await verifier.verify(bare, lxm: lxm) == alice)
            await #expect(throws: ServiceAuthError("BadJwtAudience", "jwt audience does not match service did")) {
                try await fixture.verifier(plcURL: url, acceptBareDID: false).verify(fixture.token(claims: ["aud": .string(serviceDID)]), lxm: lxm)
            }
        }
    }

    @Test func replayedJTIIsRejected() async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url)
            let token = fixture.token()
            #expect(try await verifier.verify(token, lxm: lxm) == alice)
            await #expect(throws: ServiceAuthError("NonceNotUnique", "jti was already used")) {
                try await verifier.verify(token, lxm: lxm)
            }
            // A forged token cannot burn a jti: the real one still works after a forgery with the same jti.
            let jti = JSONValue.string("shared-jti")
            _ = try? await verifier.verify(fixture.token(claims: ["jti": jti], signature: { _ in [UInt8](repeating: 9, count: 64) }), lxm: lxm)
            #expect(try await verifier.verify(fixture.token(claims: ["jti": jti]), lxm: lxm) == alice)
        }
    }

    /// A replay cache that cannot be reached is the service's failure, not the token's: never NonceNotUnique.
    @Test func aReplayCacheOutageIsNotTheCallersFault() async throws {
        struct Outage: Error {}
        struct UnreachableNonces: NonceStore {
            func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool { throw Outage() }
        }
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url, nonces: UnreachableNonces())
            await #expect(throws: ServiceAuthError.replayCacheUnavailable) { try await verifier.verify(fixture.token(), lxm: lxm) }
            #expect(ServiceAuthError.replayCacheUnavailable.isUnavailable)
        }
    }

    /// The jti is remembered until exp + skew, the last moment the token is still accepted.
    @Test func theJTIIsRememberedUntilExpiryPlusSkew() async throws {
        final class RecordingNonces: NonceStore, @unchecked Sendable {
            let lock = NSLock()
            var expiries: [Int64] = []
            func claim(issuer: String, jti: String, expiresAt: Int64, now: Int64) async throws -> Bool {
                lock.withLock { expiries.append(expiresAt) }
                return true
            }
        }
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let nonces = RecordingNonces()
            let verifier = fixture.verifier(plcURL: url, nonces: nonces)
            _ = try await verifier.verify(fixture.token(claims: ["exp": .integer(fixture.now + 60)]), lxm: lxm)
            #expect(nonces.lock.withLock { nonces.expiries } == [fixture.now + 60 + verifier.policy.clockSkew])
        }
    }

    /// An account that rotates its #atproto key, on the same curve or to the other one, is not locked out until
    /// the cache expires: a token under the new key refreshes the document once (forced refreshes are
    /// throttled), and the old key is then refused with the error that says why.
    @Test(
        arguments: [
            ("same curve", TestKey.k256(Secp256k1.PrivateKey()), "jwt signature does not match jwt issuer"),
            ("other curve", TestKey.p256(.init()), "alg ES256K does not match the issuer's ES256 key"),
        ] as [(String, TestKey, String)])
    func aRotatedKeyIsRefetchedOnce(_ label: String, _ rotated: TestKey, _ oldKeyError: String) async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url)
            #expect(try await verifier.verify(fixture.token(), lxm: lxm) == alice)  // cached: a K-256 key
            await fixture.plc.publish(alice, key: rotated.multikey)
            #expect(try await verifier.verify(fixture.token(key: rotated), lxm: lxm) == alice, "\(label)")
            #expect(await fixture.plc.fetches[alice] == 2)
            await #expect(throws: ServiceAuthError("BadJwtSignature", oldKeyError)) {
                try await verifier.verify(fixture.token(), lxm: lxm)
            }
        }
    }

    @Test func concurrentLookupsShareOneFetch() async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let verifier = fixture.verifier(plcURL: url)
            let tokens = (0..<20).map { _ in fixture.token(key: fixture.bobKey, iss: bob) }
            try await withThrowingTaskGroup(of: String.self) { group in
                for token in tokens { group.addTask { try await verifier.verify(token, lxm: lxm) } }
                for try await iss in group { #expect(iss == bob) }
            }
            #expect(await fixture.plc.fetches[bob] == 1)
        }
    }

    /// A PLC directory that fails, or is not there at all: BadJwtIss naming the resolution failure. (That it
    /// is prompt is the resolver's deadline, tested with a dripping host; here the time limit only stops a hang.)
    @Test(.timeLimit(.minutes(1)))
    func resolverOutageIs401NotAHang() async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        await fixture.plc.setFailing(true)
        try await fixture.plc.serve { (url: String) async throws -> Void in
            await #expect { try await fixture.verifier(plcURL: url).verify(fixture.token(), lxm: lxm) } throws: { error in
                let error = error as? ServiceAuthError
                return error?.name == "BadJwtIss" && error?.message.hasPrefix("could not resolve the issuer: DID resolution failed: 5") == true
            }
        }
        await #expect { try await fixture.verifier(plcURL: "http://127.0.0.1:1").verify(fixture.token(), lxm: lxm) } throws: { error in
            let error = error as? ServiceAuthError
            return error?.name == "BadJwtIss" && error?.message.hasPrefix("could not resolve the issuer: DID resolution failed") == true
        }
    }
}

@Suite("Service auth in the XRPC pipeline")
struct ServiceAuthenticatorTests {
    @Test func bearerSchemeAndErrors() async throws {
        let fixture = Fixture()
        await fixture.publishAll()
        try await fixture.plc.serve { (url: String) async throws -> Void in
            let authenticator = ServiceAuthenticator(verifier: fixture.verifier(plcURL: url))
            #expect(try await authenticator.authenticate(headers: [:], nsid: lxm) == nil)
            let principal = try await authenticator.authenticate(headers: [.authorization: "Bearer " + fixture.token()], nsid: lxm)
            #expect(principal == XRPCPrincipal(did: alice))
            await #expect(throws: XRPCError.authenticationRequired("Authorization must use the Bearer scheme with a service JWT")) {
                try await authenticator.authenticate(headers: [.authorization: "Basic YWxpY2U6c2VjcmV0"], nsid: lxm)
            }
            do {
                _ = try await authenticator.authenticate(
                    headers: [.authorization: "Bearer " + fixture.token(claims: ["lxm": "com.example.other"])], nsid: lxm)
                Issue.record("accepted a token for another method")
            } catch let error as XRPCError {
                #expect(error.status == .unauthorized)
                #expect(error.name == "BadJwtLexiconMethod")
                #expect(error.headers[.wwwAuthenticate] != nil)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}

@Suite("did:web resolution")
struct DIDWebTests {
    @Test func resolvesLocalhostOnlyWithInsecureLoopbackAndNeverPrivateHosts() async throws {
        let plc = StandInPLC()
        let key = TestKey.k256(Secp256k1.PrivateKey())
        try await plc.serve { (url: String) async throws -> Void in
            let port = url.split(separator: ":").last!
            let did = "did:web:localhost%3A\(port)"
            await plc.publish("web", document: DIDDocument.json(id: did, atprotoKey: key.multikey))
            let loopback = DestinationGuard(insecureLoopback: true)
            let open = HTTPDIDFetcher(client: .shared, plcURL: url, destinations: loopback)
            #expect(try await open.fetch(did).atprotoKey?.multibase == key.multikey.multibase)
            await loopback.shutdown()

            let publicOnly = DestinationGuard(insecureLoopback: false)
            let strict = HTTPDIDFetcher(client: .shared, plcURL: url, destinations: publicOnly)
            await #expect(throws: DIDResolutionError.refused("did:web host refused: only https destinations are allowed")) {
                try await strict.fetch(did)
            }
            await publicOnly.shutdown()
        }
        #expect(await plc.fetches["web"] == 1)
    }

    /// Hostnames that resolve into private, loopback, link-local or metadata ranges: the guard itself refuses
    /// them (each name was looked up, so no syntax check stopped it first), with its reason.
    @Test func didWebHostsResolvingToPrivateAddressesAreRefusedByTheGuard() async throws {
        let answers: [String: [[UInt8]]?] = [
            "internal.example.com": [[10, 0, 0, 7]], "metadata.example.com": [[169, 254, 169, 254]], "loop.example.com": [[127, 0, 0, 1]],
            "v6loop.example.com": [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
            "mapped.example.com": [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 168, 0, 1]],
            "mixed.example.com": [[93, 184, 216, 34], [10, 9, 9, 9]],
        ]
        let dns = StandInDNS(answers)
        let publicOnly = DestinationGuard(insecureLoopback: false, resolver: dns)
        let strict = HTTPDIDFetcher(client: .shared, plcURL: "http://127.0.0.1:1", destinations: publicOnly)
        for host in answers.keys.sorted() {
            await #expect(
                throws: DIDResolutionError.refused(
                    "did:web host refused: \(host) resolves to a private, loopback, link-local or otherwise non-public address")
            ) {
                try await strict.fetch("did:web:" + host)
            }
        }
        #expect(dns.lookups.sorted() == answers.keys.sorted(), "the guard looked each host up")
        // Syntax refusals are their own, and never ask DNS.
        await #expect(throws: DIDResolutionError.refused("did:web with a path is not supported: did:web:example.com:path")) {
            try await strict.fetch("did:web:example.com:path")
        }
        await #expect(throws: DIDResolutionError.refused("did:web host 10.0.0.1 is not a hostname")) { try await strict.fetch("did:web:10.0.0.1") }
        #expect(dns.lookups.count == answers.count)
        await publicOnly.shutdown()
    }
}
