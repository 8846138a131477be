import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Identity
import Lexicon
import LexiconNetwork
import NIOCore
import NetworkPolicy
import SigilTestSupport

/// The lexicon world of the network in one test process: a DNS server for `_lexicon` TXT records, and one
/// loopback HTTP server that is the PLC directory (`/plc/<did>`) and every account's PDS
/// (`com.atproto.sync.getRecord` with proofs from ``ArrobaRepos``, `repo.listRecords`, `server.createSession`,
/// `repo.putRecord`, which re-signs the repo through arroba).
actor LexiconWorld {
    struct Account {
        var seed: Int
        var schemas: [String: JSONValue] = [:]
        var proofs: [String: [UInt8]] = [:]
        var key: Multikey?
        /// Replaces the key the DID document lists (a rotated key, say).
        var listedKey: Multikey?
        var password = "app-password"
        /// Replaces the PDS endpoint the DID document names.
        var endpoint: String?
    }

    static let collection = "com.atproto.lexicon.schema"
    let dns: StandInTXTServer
    private(set) var port = 0
    private var accounts: [String: Account] = [:]
    /// Answers planted for one rkey: (status, body), whatever the repo says.
    private var planted: [String: (Int, [UInt8])] = [:]
    private(set) var puts: [String] = []
    /// The Jetstream (`/subscribe`): every event sent, and who listens.
    private var history: [(time: Int64, text: String)] = []
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private(set) var subscriptions: [String?] = []
    private(set) var getRecordCalls = 0

    init() throws { dns = try StandInTXTServer([:]) }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Creates `did`'s repo with `schemas` (stored under their `id`) signed by the key of `seed`, and its DID document.
    /// `stored`: records kept under another rkey than their `id`.
    func publish(_ did: String, seed: Int, schemas: [JSONValue], stored: [String: JSONValue] = [:], absent: [String] = []) async throws {
        var account = accounts[did] ?? Account(seed: seed)
        account.seed = seed
        for schema in schemas { account.schemas[schema["id"]?.stringValue ?? "?"] = schema }
        for (rkey, schema) in stored { account.schemas[rkey] = schema }
        accounts[did] = account
        try await resign(did, absent: absent)
    }

    /// Rebuilds `did`'s repo through arroba: every record's proof, and proofs of absence for `absent` rkeys.
    func resign(_ did: String, absent: [String] = []) async throws {
        guard var account = accounts[did] else { return }
        let records = account.schemas.sorted { $0.key < $1.key }.map { (Self.collection, $0.key, Self.record($0.value)) }
        let repo = try await ArrobaRepos.build(did: did, seed: account.seed, records: records, absent: absent.map { "\(Self.collection)/\($0)" })
        account.key = repo.key
        account.proofs = [:]
        for (path, car) in repo.proofs { account.proofs[String(path.dropFirst(Self.collection.count + 1))] = car }
        accounts[did] = account
    }

    /// The record as stored: the schema with `$type`.
    static func record(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        fields["$type"] = .string(collection)
        return .object(fields)
    }

    func setTXT(_ authority: String, _ values: [String]?) { dns.set(authority, values) }
    func listKey(_ did: String, _ key: Multikey?) { accounts[did]?.listedKey = key }
    func setEndpoint(_ did: String, _ endpoint: String?) { accounts[did]?.endpoint = endpoint }
    func key(of did: String) -> Multikey? { accounts[did]?.key }
    func proof(_ did: String, _ rkey: String) -> [UInt8]? { accounts[did]?.proofs[rkey] }
    func setProof(_ did: String, _ rkey: String, _ car: [UInt8]) { accounts[did]?.proofs[rkey] = car }
    func plant(_ rkey: String, status: Int, body: [UInt8]) { planted[rkey] = (status, body) }
    func unplant(_ rkey: String) { planted[rkey] = nil }
    func clearPuts() { puts = [] }

    func document(_ did: String) -> JSONValue? {
        guard let account = accounts[did] else { return nil }
        return DIDDocument.json(
            id: did, atprotoKey: account.listedKey ?? account.key, services: [("atproto_pds", "AtprotoPersonalDataServer", account.endpoint ?? base)])
    }

    /// Status 0 planted: the PDS never answers.
    func getRecord(did: String, rkey: String) -> (Int, [UInt8]) {
        getRecordCalls += 1
        return answer(did: did, rkey: rkey)
    }

    /// What getRecord answers now, without counting a call.
    func answer(did: String, rkey: String) -> (Int, [UInt8]) {
        if let planted = planted[rkey] { return planted }
        guard let car = accounts[did]?.proofs[rkey] else {
            return (400, Array(#"{"error":"RecordNotFound","message":"no such record"}"#.utf8))
        }
        return (200, car)
    }

    func listRecords(did: String) -> JSONValue {
        let records = (accounts[did]?.schemas ?? [:]).sorted { $0.key < $1.key }.map { rkey, schema -> JSONValue in
            ["uri": .string("at://\(did)/\(Self.collection)/\(rkey)"), "cid": "bafy", "value": Self.record(schema)]
        }
        return ["records": .array(records)]
    }

    func login(_ identifier: String, _ password: String) -> JSONValue? {
        guard let account = accounts[identifier], account.password == password else { return nil }
        return [
            "did": .string(identifier), "handle": "author.test", "accessJwt": .string("access-\(identifier)"),
            "refreshJwt": .string("refresh-\(identifier)"),
        ]
    }

    func put(bearer: String?, input: JSONValue) async throws -> (Int, JSONValue) {
        guard let repo = input["repo"]?.stringValue, bearer == "access-\(repo)", accounts[repo] != nil else {
            return (401, ["error": "AuthenticationRequired", "message": "bad token"])
        }
        guard input["collection"] == .string(Self.collection), let rkey = input["rkey"]?.stringValue, case .object(var record)? = input["record"]
        else { return (400, ["error": "InvalidRequest", "message": "not a schema put"]) }
        record["$type"] = nil
        accounts[repo]?.schemas[rkey] = .object(record)
        puts.append(rkey)
        try await resign(repo)
        return (200, ["uri": .string("at://\(repo)/\(Self.collection)/\(rkey)"), "cid": "bafyreplaced"])
    }

    private func setPort(_ port: Int) { self.port = port }

    /// Sends an event to every subscriber (and keeps it for those who come with a cursor).
    func emit(_ event: JSONValue) {
        let text = event.jsonString
        history.append((event["time_us"]?.integerValue ?? 0, text))
        for continuation in subscribers.values { continuation.yield(text) }
    }

    var subscriberCount: Int { subscribers.count }

    private func subscribe(cursor: String?) -> (UUID, AsyncStream<String>) {
        subscriptions.append(cursor)
        let (stream, continuation) = AsyncStream<String>.makeStream()
        for event in history where event.time >= (cursor.flatMap { Int64($0) } ?? 0) { continuation.yield(event.text) }
        let id = UUID()
        subscribers[id] = continuation
        return (id, stream)
    }

    private func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    static func respond(_ status: Int, _ body: [UInt8], type: String = "application/json") -> Response {
        Response(status: .init(code: status), headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Runs `body` while the world's HTTP server listens.
    func serve<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { [self] _, outbound, context in
            let cursor = context.request.uri.queryParameters["cursor"].map(String.init)
            let (id, stream) = await self.subscribe(cursor: cursor)
            defer { Task { await self.unsubscribe(id) } }
            for await text in stream { try await outbound.write(.text(text)) }
        }
        router.get("/plc/:did") { [self] _, context in
            guard let document = await self.document(context.parameters.get("did") ?? "") else { return Self.respond(404, Array("{}".utf8)) }
            return Self.respond(200, document.serialized())
        }
        router.get("/xrpc/com.atproto.sync.getRecord") { [self] request, _ in
            let query = request.uri.queryParameters
            var (status, bytes) = await self.getRecord(did: String(query["did"] ?? ""), rkey: String(query["rkey"] ?? ""))
            // Planted status 0: no answer until the plant is lifted (or a minute passes).
            let until = ContinuousClock.now + .seconds(60)
            while status == 0, ContinuousClock.now < until {
                try await Task.sleep(for: .milliseconds(20))
                (status, bytes) = await self.answer(did: String(query["did"] ?? ""), rkey: String(query["rkey"] ?? ""))
            }
            return Self.respond(status, bytes, type: status == 200 ? "application/vnd.ipld.car" : "application/json")
        }
        router.get("/xrpc/com.atproto.repo.listRecords") { [self] request, _ in
            Self.respond(200, await self.listRecords(did: String(request.uri.queryParameters["repo"] ?? "")).serialized())
        }
        router.post("/xrpc/com.atproto.server.createSession") { [self] request, _ in
            let input = try? JSONValue(parsing: Array(try await request.body.collect(upTo: 1 << 16).readableBytesView))
            guard let session = await self.login(input?["identifier"]?.stringValue ?? "", input?["password"]?.stringValue ?? "") else {
                return Self.respond(401, Array(#"{"error":"AuthenticationRequired","message":"wrong password"}"#.utf8))
            }
            return Self.respond(200, session.serialized())
        }
        router.post("/xrpc/com.atproto.repo.putRecord") { [self] request, _ in
            let bearer = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) }
            let input = (try? JSONValue(parsing: Array(try await request.body.collect(upTo: 1 << 20).readableBytesView))) ?? .null
            let (status, answer) = try await self.put(bearer: bearer, input: input)
            return Self.respond(status, answer.serialized())
        }
        let app = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in await self.setPort(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            while await self.port == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    /// Runs `body` with a resolver for this world: its DNS server, its PLC directory, loopback allowed; the
    /// resolver's pinned HTTP clients are shut down after.
    nonisolated func withResolver<T: Sendable>(
        limits: LexiconResolver.Limits = .roomy, _ body: (LexiconResolver) async throws -> T
    ) async throws -> T {
        try await LexiconResolver.withResolver(
            dns: try DNSTXTResolver(server: dns.server, timeout: .seconds(3)), plcURL: await base + "/plc", insecureLoopback: true, limits: limits,
            body)
    }
}

/// A small valid lexicon: a record type `main` with a required string `text`.
func recordSchema(_ nsid: String, maxLength: Int = 300, description: String? = nil) -> JSONValue {
    var schema: JSONValue = [
        "lexicon": 1, "id": .string(nsid),
        "defs": [
            "main": [
                "type": "record", "key": "tid",
                "record": [
                    "type": "object", "required": ["text"],
                    "properties": ["text": ["type": "string", "maxLength": .integer(Int64(maxLength))]],
                ],
            ]
        ],
    ]
    if let description, case .object(var fields) = schema {
        fields["description"] = .string(description)
        schema = .object(fields)
    }
    return schema
}

/// A Jetstream commit event.
func commitEvent(did: String, time: Int64, operation: String = "create", collection: String, rkey: String, record: JSONValue? = nil) -> JSONValue {
    var commit: [String: JSONValue] = [
        "rev": .string("3l\(time)"), "operation": .string(operation), "collection": .string(collection), "rkey": .string(rkey),
    ]
    if let record {
        commit["record"] = record
        commit["cid"] = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
    }
    return ["did": .string(did), "time_us": .integer(time), "kind": "commit", "commit": .object(commit)]
}

extension LexiconResolver.Limits {
    /// The defaults, but a DID document may take 30 s: these tests are not about that deadline, and at the start of
    /// a full parallel run on two cores a loopback directory can take longer than the real 5 s to answer.
    static var roomy: LexiconResolver.Limits {
        var limits = LexiconResolver.Limits()
        limits.didDeadline = .seconds(30)
        return limits
    }
}
