import Foundation
import Identity
import Lexicon
import SigilTestSupport
import Testing

@testable import OwnerClient

/// The account holder's command line against a `sigil serve` child: signing in at a stand-in PDS (the handle
/// found by a TXT record at a stand-in DNS server), then every owner command, through `getServiceAuth` and
/// through the PDS (`--via-pds`).
@Suite("The owner's command line", .serialized, .tags(.process, .slow), .kinds(.process, .slow))
struct OwnerCLITests {
    static let password = "app-pass-word-1234"

    struct Scene {
        let network: StandInNetwork
        let pds: StandInPDS
        let account: TestAccount
        let url: String
        let environment: [String: String]
        let config: String

        /// Runs `sigil ARGUMENTS` as the account holder would.
        func sigil(_ arguments: [String], stdin: String = "", extra: [String: String] = [:]) async throws -> (
            status: Int32, stdout: String, stderr: String
        ) {
            try await runSigil(arguments, stdin: stdin, environment: environment.merging(extra) { $1 })
        }
    }

    /// A network (PLC, Jetstream, receiver), a PDS, a DNS server for `alice.test`, and `sigil serve`.
    func withScene(_ body: @escaping @Sendable (Scene) async throws -> Void) async throws {
        let network = StandInNetwork()
        let account = TestAccount("did:plc:ownercliaaaaaaaaaaaaaaaa")
        let pds = StandInPDS(account: account, handle: "alice.test", password: Self.password)
        let dns = try StandInTXTServer([
            "_atproto.alice.test": ["did=\(account.did)"], "_atproto.twice.test": ["did=did:plc:one", "did=did:plc:two"],
        ])
        try await network.serve { () async throws -> Void in
            try await pds.serve { () async throws -> Void in
                await network.publishDID(account.did, key: account.multikey, pds: await pds.base)
                let directory = temporaryDirectory("owner-cli")
                let config = temporaryDirectory("owner-config")
                defer {
                    try? FileManager.default.removeItem(atPath: directory)
                    try? FileManager.default.removeItem(atPath: config)
                }
                let (server, url) = try await serveAgainst(network, directory: directory)
                await pds.setProxyTarget(url)
                let base = await network.base
                await pds.setRecordSource(base)
                let environment = [
                    "SIGIL_CONFIG_DIR": config, "SIGIL_SERVICE": url, "SIGIL_APP_PASSWORD": Self.password, "SIGIL_PLC_URL": base + "/plc",
                    "SIGIL_DNS_SERVER": "127.0.0.1:\(dns.port)",
                    // The child says it is did:web:localhost while it listens on 127.0.0.1: the user vouches for it.
                    "SIGIL_SERVICE_DID": "did:web:localhost",
                ]
                try await body(Scene(network: network, pds: pds, account: account, url: url, environment: environment, config: config))
                kill(server.process.processIdentifier, SIGTERM)
                _ = try await server.waitForExit()
                _ = dns
            }
        }
    }

    @Test func anAccountHolderSignsInAndManagesSecretsAndWebhooks() async throws {
        try await withScene { scene in
            // Not signed in yet.
            let early = try await scene.sigil(["secret", "list"])
            #expect(early.status == 1 && early.stderr.contains("not signed in"), "\(early.stderr)")

            let login = try await scene.sigil(["account", "login", "alice.test", "--insecure-loopback"])
            #expect(login.status == 0, "\(login.stderr)")
            #expect(login.stdout.contains("signed in as alice.test (\(scene.account.did))"), "\(login.stdout)")
            let sessionPath = scene.config + "/session.json"
            let attributes = try FileManager.default.attributesOfItem(atPath: sessionPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "the session file is the user's alone")
            #expect(!(try String(contentsOfFile: sessionPath, encoding: .utf8)).contains(Self.password), "the app password is never stored")
            let status = try await scene.sigil(["account", "status", "--json"])
            let shown = try JSONValue(parsing: Array(status.stdout.utf8))
            let pdsBase = await scene.pds.base
            #expect(shown["did"] == .string(scene.account.did) && shown["handle"] == "alice.test" && shown["pds"] == .string(pdsBase))
            #expect(!status.stdout.contains("accessJwt") && !status.stdout.contains("refreshJwt"))

            for (mode, flags) in [("service-auth", [String]()), ("via-pds", ["--via-pds"])] {
                let name = "hook-\(mode)"
                let created = try await scene.sigil(["secret", "create", name] + flags)
                #expect(created.status == 0, "\(mode): \(created.stderr)")
                let token = try #require(created.stdout.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) })
                #expect(token.hasPrefix("whsec_") && !created.stderr.contains(token), "\(mode): the token once, on stdout")

                let again = try await scene.sigil(["secret", "create", name] + flags)
                #expect(again.status == 1 && again.stderr.contains("AlreadyExists"), "\(mode): a declared error by name: \(again.stderr)")

                let rotated = try await scene.sigil(["secret", "rotate", name, "--overlap", "60", "--json"] + flags)
                #expect(rotated.status == 0, "\(mode): \(rotated.stderr)")
                let rotation = try JSONValue(parsing: Array(rotated.stdout.utf8))
                #expect(rotation["previousValidUntil"]?.stringValue != nil && rotation["token"]?.stringValue != token)
                let got = try JSONValue(parsing: Array(try await scene.sigil(["secret", "get", name, "--json"] + flags).stdout.utf8))
                #expect(got["status"] == "overlapping" && got["version"] == 2, "\(mode): \(got)")
                #expect(try await scene.sigil(["secret", "revoke-previous", name] + flags).status == 0)
                #expect(try await scene.sigil(["secret", "set-policy", name, "--overlap", "30"] + flags).stdout.contains("overlap 30 s"))
                let history = try await scene.sigil(["secret", "history", name] + flags)
                #expect(
                    history.stdout.contains("previousRevoked") && history.stdout.contains("rotated") && history.stdout.contains("created"),
                    "\(history.stdout)")

                let registered = "my-receiver-made-this-\(mode)-0123456789"
                let supplied = try await scene.sigil(["secret", "create", name + "-reg", "--token-from-stdin"] + flags, stdin: registered + "\n")
                #expect(supplied.status == 0 && supplied.stdout.contains("token: \(registered)"), "\(mode): \(supplied.stderr)")
            }
            let listed = try JSONValue(parsing: Array(try await scene.sigil(["secret", "list", "--json"]).stdout.utf8))
            #expect(
                listed["secrets"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
                    == ["hook-service-auth", "hook-service-auth-reg", "hook-via-pds", "hook-via-pds-reg"])
            #expect(try await scene.sigil(["secret", "delete", "hook-via-pds-reg"]).status == 0)
            let serviceAuth = await scene.pds.serviceAuthCalls
            #expect(serviceAuth.contains { $0.lxm == "place.wisp.v2.secret.create" && $0.aud == "did:web:localhost#sigil" })
            #expect(await scene.pds.proxied.contains("dev.sigil.secret.rotate"), "--via-pds went through the PDS")

            // Webhooks: the account's record, read back by the server from the account's PDS.
            let base = await scene.network.base
            let record = webhookRecord(url: base + "/hook", scope: "at://\(scene.account.did)/app.bsky.feed.post", secretId: "hook-service-auth")
            await scene.network.putRecord(did: scene.account.did, collection: "place.wisp.v2.wh", rkey: "w1", record)
            await scene.network.emit(
                commitEvent(did: scene.account.did, time: 1_000, operation: "create", collection: "place.wisp.v2.wh", rkey: "w1", record: record))
            #expect(try await webhooksActive(scene.url, 1))
            await scene.network.emit(
                commitEvent(did: scene.account.did, time: 2_000, operation: "create", collection: "app.bsky.feed.post", rkey: "p1", record: [:]))
            #expect(try await scene.network.waitForUniqueDeliveries(1, timeout: .seconds(20)))
            let id = try #require(await scene.network.received.first?.id)

            let webhooks = try await scene.sigil(["webhook", "list"])
            #expect(
                webhooks.status == 0 && webhooks.stdout.contains("w1") && webhooks.stdout.contains("WEBHOOK"), "\(webhooks.stdout)\(webhooks.stderr)")
            let deliveries = try await scene.sigil(["webhook", "deliveries", "--webhook", "w1", "--json"])
            #expect(deliveries.status == 0 && deliveries.stdout.contains(id), "\(deliveries.stderr)")
            let one = try await scene.sigil(["webhook", "delivery", id])
            #expect(one.status == 0 && one.stdout.contains("delivered") && one.stdout.contains("payload: "), "\(one.stderr)")
            #expect(try await scene.sigil(["webhook", "redeliver", id, "--via-pds"]).stdout.contains("pending"))
            #expect(try await scene.network.waitForUniqueDeliveries(1, timeout: .seconds(20)))
            let test = try await scene.sigil(["webhook", "test", "w1"])
            #expect(test.status == 0 && test.stdout.hasPrefix("ok"), "\(test.stdout)\(test.stderr)")
            #expect(try await scene.sigil(["webhook", "disable", "w1"]).stdout.contains("w1 is paused"))
            #expect(try await scene.sigil(["webhook", "enable", "w1"]).stdout.contains("w1 is enabled"))
            let recovered = try await scene.sigil(["webhook", "recover", "w1", "--since", "2026-01-01T00:00:00Z", "--json"])
            #expect(try JSONValue(parsing: Array(recovered.stdout.utf8))["queued"] == 0, "\(recovered.stderr)")
            let missing = try await scene.sigil(["webhook", "test", "nope"])
            #expect(missing.status == 1 && missing.stderr.contains("NotFound"))

            #expect(await scene.pds.liveRefreshTokens == 1)
            #expect(try await scene.sigil(["account", "logout"]).stdout.contains("signed out"))
            #expect(await scene.pds.liveRefreshTokens == 0, "the session ended at the PDS too")
            #expect(!FileManager.default.fileExists(atPath: sessionPath))
            #expect(try await scene.sigil(["secret", "list"]).stderr.contains("not signed in"))
        }
    }

    /// An access token that expired is refreshed before the call (and the new session stored); one the PDS
    /// calls expired is refreshed once and the call made again; a session the PDS revoked is reported.
    @Test func anExpiredSessionIsRefreshedAndARevokedOneReported() async throws {
        try await withScene { scene in
            await scene.pds.setAccessLifetime(-10)
            #expect(try await scene.sigil(["account", "login", scene.account.did, "--insecure-loopback"]).status == 0)
            let sessionPath = scene.config + "/session.json"
            let before = try String(contentsOfFile: sessionPath, encoding: .utf8)
            await scene.pds.setAccessLifetime(300)
            let listed = try await scene.sigil(["secret", "list"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(await scene.pds.refreshes == 1)
            #expect(try String(contentsOfFile: sessionPath, encoding: .utf8) != before, "the refreshed session is stored")
            #expect((try FileManager.default.attributesOfItem(atPath: sessionPath)[.posixPermissions] as? Int) == 0o600)

            await scene.pds.setRefuseAccess(true)
            for flags in [[String](), ["--via-pds"]] {
                await scene.pds.setRefuseAccess(true)
                let retried = try await scene.sigil(["secret", "list"] + flags)
                #expect(retried.status == 0, "\(flags): \(retried.stderr)")
            }
            #expect(await scene.pds.refreshes == 3, "one refresh for each refused access token")

            await scene.pds.revokeSessions()
            let revoked = try await scene.sigil(["secret", "list"])
            #expect(
                revoked.status == 1 && revoked.stderr.contains("has ended") && revoked.stderr.contains("sigil account login"), "\(revoked.stderr)")
        }
    }

    @Test func signingInNamesWhatWentWrong() async throws {
        try await withScene { scene in
            // A config directory others may write to: the session is not stored there.
            try FileManager.default.createDirectory(atPath: scene.config, withIntermediateDirectories: true)
            chmod(scene.config, 0o777)
            let shared = try await scene.sigil(["account", "login", "alice.test", "--insecure-loopback"])
            #expect(shared.status == 1 && shared.stderr.contains("can be written by other users"), "\(shared.stderr)")
            chmod(scene.config, 0o700)
            let wrong = try await scene.sigil(["account", "login", "alice.test", "--insecure-loopback"], extra: ["SIGIL_APP_PASSWORD": "not-it"])
            #expect(wrong.status == 1 && wrong.stderr.contains("AuthenticationRequired"), "\(wrong.stderr)")
            let twice = try await scene.sigil(["account", "login", "twice.test", "--insecure-loopback"])
            #expect(twice.status == 1 && twice.stderr.contains("several TXT records"), "\(twice.stderr)")
            let junk = try await scene.sigil(["account", "login", "not a handle", "--insecure-loopback"])
            #expect(junk.status == 1 && junk.stderr.contains("neither a handle nor a DID"), "\(junk.stderr)")
            let noTerminal = try await scene.sigil(["account", "login", "alice.test", "--insecure-loopback"], extra: ["SIGIL_APP_PASSWORD": ""])
            #expect(noTerminal.status == 1 && noTerminal.stderr.contains("SIGIL_APP_PASSWORD"), "\(noTerminal.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scene.config + "/session.json"), "nothing stored")
        }
    }

    /// A host that claims the real service's DID (a mistyped or planted `--service`) gets no service JWT: the claim
    /// names another host, and the PDS is never asked.
    @Test func aHostClaimingAnotherServicesDIDGetsNoToken() async throws {
        try await withScene { scene in
            #expect(try await scene.sigil(["account", "login", scene.account.did, "--insecure-loopback"]).status == 0)
            let planted = await scene.pds.base  // serves a did.json claiming did:web:localhost
            let asked = await scene.pds.serviceAuthCalls.count
            let refused = try await scene.sigil(["secret", "list", "--service", planted], extra: ["SIGIL_SERVICE_DID": ""])
            #expect(refused.status == 1 && refused.stderr.contains("claims to be did:web:localhost, which names another host"), "\(refused.stderr)")
            #expect(await scene.pds.serviceAuthCalls.count == asked, "no service JWT was minted for it")
        }
    }
}

/// Which DIDs a service may claim for itself.
@Suite("A service's claimed DID")
struct ServiceDIDClaimTests {
    struct Documents: DIDDocumentFetcher {
        let endpoint: String
        func fetch(_ did: String) async throws(DIDResolutionError) -> DIDDocument {
            DIDDocument(id: did, multikeys: [:], services: ["sigil": endpoint])
        }
    }

    @Test(arguments: [
        ("did:web:sigil.example", "https://sigil.example", true),
        ("did:web:sigil.example%3A8443", "https://sigil.example:8443", true),
        ("did:web:SIGIL.example", "https://sigil.example", true),
        ("did:web:sigil.example", "https://evil.example", false),
        ("did:web:sigil.example", "https://sigil.example:8443", false),
        ("did:web:localhost", "http://127.0.0.1:2583", false),
        ("did:plc:sigilsigilsigilsigilsigi", "https://sigil.example", true),
        ("did:plc:sigilsigilsigilsigilsigi", "https://evil.example", false),
        ("did:key:z6Mk", "https://sigil.example", false),
    ])
    func claims(_ did: String, _ service: String, _ accepted: Bool) async {
        let documents = Documents(endpoint: "https://sigil.example")
        var ok = true
        do {
            try await OwnerConnection.verify(claimed: did, service: service, documents: documents)
        } catch {
            ok = false
        }
        #expect(ok == accepted)
    }
}
