import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Identity
import Lexicon
import NIOCore
import WebhookSignature

/// One loopback server playing every outside party: a PLC directory (`/plc/:did`), a PDS
/// (`/xrpc/com.atproto.repo.getRecord`), a Jetstream (`/subscribe`, WebSocket) and a webhook receiver (`/hook`).
actor StandInNetwork {
    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
        var id: String { headers["webhook-id"] ?? "" }
    }

    private var documents: [String: JSONValue] = [:]
    private var records: [String: JSONValue] = [:]
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    /// Every emitted event, so a consumer reconnecting with a cursor gets what it missed (as Jetstream does).
    private var history: [(time: Int64, text: String)] = []
    private(set) var cursors: [String?] = []
    private(set) var received: [Received] = []
    /// Status codes the receiver answers with, in order, before answering 200.
    private var scriptedStatuses: [Int] = []
    private var scriptedHeaders: [[String: String]] = []
    /// Delay before the receiver answers.
    private var receiverDelay: Duration = .zero
    private(set) var port = 0
    /// What `/keys` answers (a stand-in for a Sigil's `listPublic`): its status and body.
    private var keysAnswer: (status: Int, body: String) = (404, "")

    func publishKeys(status: Int = 200, _ body: String) { keysAnswer = (status, body) }

    func setPort(_ port: Int) { self.port = port }
    var base: String { "http://127.0.0.1:\(port)" }

    /// Serves `did`'s document; its PDS is this server unless `pds` names another.
    func publishDID(_ did: String, key: Multikey?, pds: String? = nil) {
        documents[did] = DIDDocument.json(
            id: did, atprotoKey: key, services: [(id: "atproto_pds", type: "AtprotoPersonalDataServer", endpoint: pds ?? base)])
    }

    /// When each delivery arrived (its head read by the receiver), in `received` order.
    private(set) var arrivals: [ContinuousClock.Instant] = []

    func putRecord(did: String, collection: String, rkey: String, _ value: JSONValue) { records["\(did)/\(collection)/\(rkey)"] = value }
    func deleteRecord(did: String, collection: String, rkey: String) { records["\(did)/\(collection)/\(rkey)"] = nil }

    func script(statuses: [Int]) { scriptedStatuses = statuses }
    /// Headers of the scripted answers, in the same order (`script(statuses:)` first).
    func script(headers: [[String: String]]) { scriptedHeaders = headers }

    private var heldRecords: Set<String> = []
    private var heldReaders: [CheckedContinuation<Void, Never>] = []
    /// Record reads now held back by ``holdRecord(did:collection:rkey:)``.
    var heldReads: Int { heldReaders.count }
    /// Makes reads of this record wait until ``releaseRecords()``.
    func holdRecord(did: String, collection: String, rkey: String) { heldRecords.insert("\(did)/\(collection)/\(rkey)") }
    /// Lets every held read go on, and stops holding.
    func releaseRecords() {
        heldRecords = []
        for reader in heldReaders { reader.resume() }
        heldReaders = []
    }
    fileprivate func waitIfHeld(_ key: String) async {
        guard heldRecords.contains(key) else { return }
        await withCheckedContinuation { heldReaders.append($0) }
    }
    func setReceiverDelay(_ delay: Duration) { receiverDelay = delay }
    /// How long the PLC directory takes to answer 404 for a DID it does not know (an overloaded directory).
    private(set) var unknownDIDDelay: Duration = .zero
    func setUnknownDIDDelay(_ delay: Duration) { unknownDIDDelay = delay }
    /// Records whose reads fail (503) until ``healRecords()``.
    private(set) var failing: Set<String> = []
    func failRecord(did: String, collection: String, rkey: String) { failing.insert("\(did)/\(collection)/\(rkey)") }
    func healRecords() { failing = [] }
    /// How many requests the PLC directory answers at once (the rest queue).
    let directorySlots = Slots(16)

    /// Sends a Jetstream message to every connected consumer.
    func emit(_ event: JSONValue) {
        let text = event.jsonString
        history.append((event["time_us"]?.integerValue ?? 0, text))
        for continuation in subscribers.values { continuation.yield(text) }
    }

    /// Sends a message as given (for byte order the JSON serializer would not keep, as Jetstream's own).
    func emit(text: String, time: Int64) {
        history.append((time, text))
        for continuation in subscribers.values { continuation.yield(text) }
    }

    var subscriberCount: Int { subscribers.count }

    /// Waits until at least `count` distinct deliveries arrived.
    func waitForUniqueDeliveries(_ count: Int, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while uniqueDeliveries.count < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return uniqueDeliveries.count >= count
    }

    /// Distinct delivery ids received.
    var uniqueDeliveries: Set<String> { Set(received.map(\.id)) }

    fileprivate func subscribe(cursor: String?) -> (UUID, AsyncStream<String>) {
        cursors.append(cursor)
        let (stream, continuation) = AsyncStream<String>.makeStream()
        if let cursor = cursor.flatMap({ Int64($0) }) {
            for event in history where event.time >= cursor { continuation.yield(event.text) }
        }
        let id = UUID()
        subscribers[id] = continuation
        return (id, stream)
    }

    fileprivate func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    fileprivate func document(_ did: String) -> JSONValue? { documents[did] }
    fileprivate func record(_ key: String) -> JSONValue? { records[key] }

    fileprivate func receive(_ received: Received) -> (Int, Duration, [String: String]) {
        self.received.append(received)
        arrivals.append(.now)
        let status = scriptedStatuses.isEmpty ? 200 : scriptedStatuses.removeFirst()
        let headers = scriptedHeaders.isEmpty ? [:] : scriptedHeaders.removeFirst()
        return (status, receiverDelay, headers)
    }

    /// Runs `body` while the server listens on a loopback port.
    func serve<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/plc/:did") { [self] _, context in
            // A directory with a capacity: requests past it wait their turn.
            await self.directorySlots.acquire()
            defer { Task { await self.directorySlots.release() } }
            guard let document = await self.document(context.parameters.get("did") ?? "") else {
                let delay = await self.unknownDIDDelay
                if delay > .zero { try? await Task.sleep(for: delay) }
                return Response(status: .notFound)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document.serialized())))
        }
        router.get("/xrpc/com.atproto.repo.getRecord") { [self] request, _ in
            let query = request.uri.queryParameters
            let key = "\(query["repo"] ?? "")/\(query["collection"] ?? "")/\(query["rkey"] ?? "")"
            await self.waitIfHeld(key)
            if await self.failing.contains(key) {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            guard let value = await self.record(key) else {
                return Response(
                    status: .badRequest, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":"RecordNotFound"}"#)))
            }
            let answer: JSONValue = [
                "uri": .string("at://\(key)"), "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a", "value": value,
            ]
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer.serialized())))
        }
        router.get("/keys") { [self] _, _ in
            let (status, body) = await self.keysAnswer
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("/hook") { [self] request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let body = try await request.body.collect(upTo: 8 << 20)
            let (status, delay, answerHeaders) = await self.receive(Received(headers: headers, body: Array(body.readableBytesView)))
            if delay > .zero { try await Task.sleep(for: delay) }
            var fields = HTTPFields()
            for (name, value) in answerHeaders { if let field = HTTPField.Name(name) { fields[field] = value } }
            return Response(status: .init(code: status), headers: fields)
        }
        router.ws("/subscribe") { _, _ in
            .upgrade([:])
        } onUpgrade: { [self] _, outbound, context in
            let cursor = context.request.uri.queryParameters["cursor"].map(String.init)
            let (id, stream) = await self.subscribe(cursor: cursor)
            defer { Task { await self.unsubscribe(id) } }
            for await text in stream { try await outbound.write(.text(text)) }
        }
        let app = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
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
}

/// A Jetstream commit event.
func commitEvent(did: String, time: Int64, operation: String, collection: String, rkey: String, record: JSONValue? = nil) -> JSONValue {
    var commit: [String: JSONValue] = [
        "rev": .string("3l\(time)"), "operation": .string(operation), "collection": .string(collection), "rkey": .string(rkey),
    ]
    if let record {
        commit["record"] = record
        commit["cid"] = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
    }
    return ["did": .string(did), "time_us": .integer(time), "kind": "commit", "commit": .object(commit)]
}

/// Whether `delivery`'s `X-Webhook-Signature` is wisp.place's HMAC of its body under `token`, checked on its own
/// (a Standard Webhooks verifier that finds a valid `v1` signature need not look at it).
func wispSigned(_ delivery: StandInNetwork.Received, by token: String) -> Bool {
    delivery.headers["x-webhook-signature"] == WebhookSigner.wispSignature(secret: token, body: delivery.body)
}

/// A counting semaphore for the stand-ins: at most `limit` at once, the rest wait in order.
actor Slots {
    private let limit: Int
    private var held = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) { self.limit = limit }

    func acquire() async {
        if held < limit {
            held += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { held -= 1 } else { waiters.removeFirst().resume() }
    }
}
