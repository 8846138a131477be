import Foundation
import Lexicon
import WebhookSignature
import Webhooks

/// Webhook signatures (the receivers' verifier alone, and against the signer) and the Jetstream decoder.
enum WebhookTargets {
    /// The fixture's secret: `whsec_` + base64 of 32 bytes 0x01…0x20.
    static let token = "whsec_" + Data((1...32).map { UInt8($0) }).base64EncodedString()
    static let now: Int64 = 1_800_000_000

    /// Input: header lines `name: value` up to an empty line, then the body. Any outcome but a crash is fine;
    /// a delivery that verifies must carry a signature the signer would have made.
    static let verifier = FuzzTarget(name: "webhook-verify", summary: "webhook verifier on arbitrary headers and body: no crash; no forgery verifies",
                                     seeds: { signedDeliveries() }) { input in
        let bytes = Array(input)
        let separator = bytes.firstRange(of: [0x0A, 0x0A])
        let head = separator.map { bytes[..<$0.lowerBound] } ?? bytes[...]
        let body = separator.map { Array(bytes[$0.upperBound...]) } ?? []
        var headers: [String: String] = [:]
        for line in head.split(separator: 0x0A) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            headers[name] = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        for policy in [WebhookVerifier.Policy.requireTimestamped, .acceptEither] {
            let verifier = try! WebhookVerifier(token: token, policy: policy, now: { now })
            guard let formats = try? verifier.verify(body: body, headers: headers) else { continue }
            let signer = try! WebhookSigner(token: token)
            if formats.contains(.wisp), headers.first(where: { $0.key.lowercased() == "x-webhook-signature" })?.value.lowercased()
                != signer.wispSignature(body: body) {
                fuzzFailure("webhook-verify", "a wisp signature the signer did not make verified", input: input)
            }
        }
    }

    /// Input: a selector, then the body. The signer's headers verify with the verifier, under both policies and
    /// header-name case changes; changing the body, id, timestamp or signature makes verification fail.
    static let signerDifferential = FuzzTarget(name: "webhook-differential",
                                               summary: "webhook signer vs verifier: signed verifies; any changed part fails",
                                               seeds: { [[0], [1] + Array(#"{"event":"create"}"#.utf8), [7] + Array(repeating: 0xFF, count: 300)] }) { input in
        let (selector, rest) = split(input)
        let body = Array(rest)
        let id = "msg_" + String(selector, radix: 16)
        let timestamp = now - Int64(selector % 7) * 50
        let signer = try! WebhookSigner(token: token)
        var headers: [String: String] = [:]
        for (name, value) in signer.headers(body: body, id: id, timestamp: timestamp) {
            headers[selector & 1 == 0 ? name : name.uppercased()] = value
        }
        let verifier = try! WebhookVerifier(token: token, now: { now })
        guard let formats = try? verifier.verify(body: body, headers: headers), formats.count == 2 else {
            fuzzFailure("webhook-differential", "what the signer signed does not verify", input: input)
        }
        var changedBody = body
        if changedBody.isEmpty { changedBody = [0] } else { changedBody[Int(selector) % changedBody.count] ^= 1 << (selector % 8) }
        if (try? verifier.verify(body: changedBody, headers: headers)) != nil {
            fuzzFailure("webhook-differential", "a changed body verified", input: input)
        }
        var standardOnly = headers.filter { $0.key.lowercased() != "x-webhook-signature" }
        let idKey = standardOnly.keys.first { $0.lowercased() == "webhook-id" }!
        standardOnly[idKey] = id + "x"
        if (try? verifier.verify(body: body, headers: standardOnly)) != nil {
            fuzzFailure("webhook-differential", "a changed webhook-id verified", input: input)
        }
    }

    /// Input: frame lengths (first byte: how many frames), then the bytes. Frames are assembled as the consumer
    /// does; a complete message never exceeds the limit and equals the frames' concatenation; whatever is
    /// decoded (an event, a skip with a time) has a time within range.
    static let jetstream = FuzzTarget(name: "jetstream", summary: "Jetstream frames → message → event: limits hold; times in range",
                                      seeds: { jetstreamSeeds() }) { input in
        let bytes = Array(input)
        guard let count = bytes.first else { return }
        let frames = Int(count % 8) + 1
        var cuts: [Int] = []
        var rest = Array(bytes.dropFirst())
        for index in 0..<(frames - 1) where index < rest.count { cuts.append(Int(rest[index])) }
        rest = Array(rest.dropFirst(frames - 1))
        let limit = 512
        var assembler = MessageAssembler(maxBytes: limit, keptPrefixBytes: 64)
        var offset = 0
        var message: MessageAssembler.Message?
        for index in 0..<frames {
            let length = index == frames - 1 ? rest.count - offset : min(cuts[safe: index] ?? 0, rest.count - offset)
            message = assembler.append(startsMessage: index == 0, fin: index == frames - 1, rest[offset..<(offset + length)])
            offset += length
            if index < frames - 1, message != nil { fuzzFailure("jetstream", "a message ended before its last frame", input: input) }
        }
        guard let message else { fuzzFailure("jetstream", "the last frame ended no message", input: input) }
        switch message {
        case .complete(let whole):
            guard whole == rest, whole.count <= limit else { fuzzFailure("jetstream", "a complete message is not the frames' bytes", input: input) }
        case .oversized(let prefix, let size):
            guard rest.count > limit, size == rest.count, prefix == Array(rest.prefix(64)) else {
                fuzzFailure("jetstream", "an oversized message was misreported", input: input)
            }
        }
        switch JetstreamMessage(message) {
        case .value(let value):
            if let time = JetstreamEvent.time(of: value), !(0...JetstreamEvent.maxTimeMicroseconds).contains(time) {
                fuzzFailure("jetstream", "time_us out of range", input: input)
            }
            if let event = JetstreamEvent(value) {
                guard DID.isValid(event.did), NSID.isValid(event.collection), RecordKey.isValid(event.rkey) else {
                    fuzzFailure("jetstream", "an event with an invalid did, collection or rkey", input: input)
                }
            }
        case .skipped(_, _, let time):
            if let time, !(0...JetstreamEvent.maxTimeMicroseconds).contains(time) { fuzzFailure("jetstream", "a skipped time out of range", input: input) }
        }
    }
}

extension WebhookTargets {
    /// Deliveries signed by the fixture's secret, in the verifier target's input format.
    static func signedDeliveries() -> [[UInt8]] {
        let signer = try! WebhookSigner(token: token)
        return [Array("".utf8), Array(#"{"event":"create","did":"did:plc:abc"}"#.utf8), [0xFF, 0x00, 0x0A]].enumerated().map { index, body in
            let headers = signer.headers(body: body, id: "msg_\(index)", timestamp: now - Int64(index))
            let head = headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            return Array(head.utf8) + [0x0A, 0x0A] + body
        }
    }

    /// Jetstream events (commit, identity, a webhook record) cut into one to three frames.
    static func jetstreamSeeds() -> [[UInt8]] {
        let events = [
            #"{"did":"did:plc:abc","time_us":1732300000000000,"kind":"commit","commit":{"rev":"3l","operation":"create","collection":"app.bsky.feed.post","rkey":"3lbc","record":{"text":"hi"},"cid":"bafy"}}"#,
            #"{"did":"did:plc:abc","time_us":1732300000000001,"kind":"commit","commit":{"rev":"3l","operation":"delete","collection":"place.wisp.v2.wh","rkey":"w1"}}"#,
            #"{"did":"did:plc:abc","time_us":1732300000000002,"kind":"identity","identity":{"did":"did:plc:abc","handle":"a.test"}}"#,
        ]
        return events.flatMap { event -> [[UInt8]] in
            let bytes = Array(event.utf8)
            return [[0] + bytes, [1, 40] + bytes, [2, 10, 90] + bytes]
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
