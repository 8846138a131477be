import Foundation
import Jetstream
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
    static let verifier = FuzzTarget(
        name: "webhook-verify", summary: "webhook verifier on arbitrary headers and body: no crash; no forgery verifies",
        seeds: { signedDeliveries() }
    ) { input in
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
            if formats.contains(.wisp),
                headers.first(where: { $0.key.lowercased() == "x-webhook-signature" })?.value.lowercased()
                    != signer.wispSignature(body: body)
            {
                fuzzFailure("webhook-verify", "a wisp signature the signer did not make verified", input: input)
            }
        }
    }

    /// Input: a selector, then the body. The signer's headers verify with the verifier, under both policies and
    /// header-name case changes; changing the body, id, timestamp or signature makes verification fail.
    static let signerDifferential = FuzzTarget(
        name: "webhook-differential",
        summary: "webhook signer vs verifier: signed verifies; any changed part fails",
        seeds: { [[0], [1] + Array(#"{"event":"create"}"#.utf8), [7] + Array(repeating: 0xFF, count: 300)] }
    ) { input in
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

    /// Input: a frame count, then per frame a flags byte (bit 0: starts a message, bit 1: final) and a length
    /// byte, then the payload bytes. The assembler is compared, frame by frame, with a plain model (a start
    /// resets, a final frame ends the message; over the limit only the first bytes are kept); every finished
    /// message is then decoded as the consumer does, and times stay in range.
    static let jetstream = FuzzTarget(
        name: "jetstream", summary: "Jetstream frames → messages → events: the assembler matches a model; times in range",
        seeds: { jetstreamSeeds() }
    ) { input in
        let bytes = Array(input)
        guard let first = bytes.first else { return }
        let frames = Int(first % 16) + 1
        guard bytes.count >= 1 + 2 * frames else { return }
        var payload = bytes[(1 + 2 * frames)...]
        let limit = 512
        let kept = 64
        var assembler = MessageAssembler(maxBytes: limit, keptPrefixBytes: kept)
        var model: [UInt8] = []
        var modelSize = 0
        for index in 0..<frames {
            let flags = bytes[1 + 2 * index]
            let length = Int(bytes[2 + 2 * index]) * (flags & 4 == 0 ? 1 : 8)
            let starts = flags & 1 == 1 || index == 0
            let fin = flags & 2 == 2 || index == frames - 1
            let data = payload.prefix(length)
            payload = payload.dropFirst(data.count)
            if starts {
                model = []
                modelSize = 0
            }
            modelSize += data.count
            model += data
            let message = assembler.append(startsMessage: starts, fin: fin, data)
            guard fin else {
                if message != nil { fuzzFailure("jetstream", "a message ended on a frame that was not final", input: input) }
                continue
            }
            guard let message else { fuzzFailure("jetstream", "a final frame ended no message", input: input) }
            switch message {
            case .complete(let whole):
                guard modelSize <= limit, whole == model else {
                    fuzzFailure("jetstream", "a complete message is not its frames' bytes", input: input)
                }
            case .oversized(let prefix, let size):
                guard modelSize > limit, size == modelSize, prefix == Array(model.prefix(kept)) else {
                    fuzzFailure("jetstream", "an oversized message was misreported", input: input)
                }
            }
            switch JetstreamMessage(message) {
            case .value(let value):
                if let time = JetstreamEvent.time(of: value), !(0...JetstreamEvent.maxTimeMicroseconds).contains(time) {
                    fuzzFailure("jetstream", "time_us out of range", input: input)
                }
                if let event = JetstreamEvent(value), !(DID.isValid(event.did) && NSID.isValid(event.collection) && RecordKey.isValid(event.rkey)) {
                    fuzzFailure("jetstream", "an event with an invalid did, collection or rkey", input: input)
                }
            case .skipped(_, _, let time):
                if let time, !(0...JetstreamEvent.maxTimeMicroseconds).contains(time) {
                    fuzzFailure("jetstream", "a skipped time out of range", input: input)
                }
            }
            model = []
            modelSize = 0
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

    /// Jetstream events (commit, identity, a webhook record), whole and cut into frames, and two in a row.
    static func jetstreamSeeds() -> [[UInt8]] {
        let events = [
            #"{"did":"did:plc:abc","time_us":1732300000000000,"kind":"commit","commit":{"rev":"3l","operation":"create","collection":"app.bsky.feed.post","rkey":"3lbc","record":{"text":"hi"},"cid":"bafy"}}"#,
            #"{"did":"did:plc:abc","time_us":1732300000000001,"kind":"commit","commit":{"rev":"3l","operation":"delete","collection":"place.wisp.v2.wh","rkey":"w1"}}"#,
            #"{"did":"did:plc:abc","time_us":1732300000000002,"kind":"identity","identity":{"did":"did:plc:abc","handle":"a.test"}}"#,
        ].map { Array($0.utf8) }
        var seeds: [[UInt8]] = []
        for event in events {
            let count = UInt8(min(event.count, 255))
            seeds.append([0, 3, count] + event)  // one frame
            seeds.append([1, 1, 40, 2, 255] + event)  // two frames
            seeds.append([1, 3, count, 3, count] + event + event)  // two messages
            seeds.append([0, 3 | 4, 255] + Array(repeating: event, count: 14).flatMap { $0 })  // over the limit
        }
        return seeds
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// What a webhook's receiver and record feed the matcher and the retry schedule: `Retry-After`, scopes and
/// their collection globs, and the backlinks walk.
package enum WebhookScopeTargets {
    static let now: Int64 = 1_800_000_000_000

    /// Input: a mode byte, then the text. 0: `Retry-After` is nil or a delay ≥ 0, exactly seconds × 1000 for
    /// 1–10 digits. 1: the glob (pattern, NUL, value) agrees with a dynamic-programming model. 2: a scope that
    /// parses is its parts put back together. 3: the backlinks of a JSON record are distinct, valid, bounded.
    static let scope = FuzzTarget(
        name: "webhook-scope", summary: "Retry-After, scopes, collection globs (vs a model) and backlinks: no crash; properties hold",
        seeds: { seeds() }
    ) { input in
        let (mode, rest) = split(input)
        let bytes = Array(rest)
        switch mode % 4 {
        case 0:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let delay = RetryAfter.milliseconds(text, now: now) else { return }
            if delay < 0 { fuzzFailure("webhook-scope", "a negative Retry-After delay", input: input) }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if (1...10).contains(trimmed.utf8.count), trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), delay != Int64(trimmed)! * 1000 {
                fuzzFailure("webhook-scope", "delay-seconds misread", input: input)
            }
        case 1:
            let cut = bytes.firstIndex(of: 0) ?? bytes.count
            let pattern = String(decoding: bytes[..<cut].prefix(64), as: UTF8.self)
            let value = String(decoding: bytes[min(cut + 1, bytes.count)...].prefix(256), as: UTF8.self)
            if WebhookScope.glob(pattern, matches: value) != globModel(Array(pattern.utf8), Array(value.utf8)) {
                fuzzFailure("webhook-scope", "the glob disagrees with the model", input: input)
            }
        case 2:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let scope = WebhookScope(text) else { return }
            let rebuilt = "at://" + scope.did + (scope.collection.map { "/" + $0 } ?? "") + (scope.rkey.map { "/" + $0 } ?? "")
            if rebuilt != text || !DID.isValid(scope.did) { fuzzFailure("webhook-scope", "a parsed scope is not its parts", input: input) }
        default:
            guard let record = try? JSONValue(parsing: bytes) else { return }
            let references = BacklinkReferences.of(record)
            if references.count > BacklinkReferences.maxReferences || Set(references).count != references.count {
                fuzzFailure("webhook-scope", "backlinks over the bound or repeated", input: input)
            }
            if references.contains(where: { $0.collection?.contains("*") == true }) {
                fuzzFailure("webhook-scope", "a glob taken as a reference", input: input)
            }
        }
    }

    /// `*` is any run of bytes; everything else literal: the textbook table, O(pattern × value).
    package static func globModel(_ p: [UInt8], _ v: [UInt8]) -> Bool {
        guard p.contains(UInt8(ascii: "*")) else { return p == v }
        var row = [Bool](repeating: false, count: v.count + 1)
        row[0] = true
        for c in p {
            var next = [Bool](repeating: false, count: v.count + 1)
            if c == UInt8(ascii: "*") {
                var any = false
                for j in 0...v.count {
                    any = any || row[j]
                    next[j] = any
                }
            } else {
                for j in 0..<v.count where row[j] && v[j] == c { next[j + 1] = true }
            }
            row = next
        }
        return row[v.count]
    }

    static func seeds() -> [[UInt8]] {
        let texts: [(UInt8, String)] = [
            (0, "2"), (0, " 120 "), (0, "9999999999"), (0, "Wed, 21 Oct 2026 07:28:00 GMT"), (0, "Sunday, 06-Nov-94 08:49:37 GMT"), (0, "-1"),
            (1, "app.bsky.feed.*\u{0}app.bsky.feed.post"), (1, "*.*.*a\u{0}aaaaaaaaaaaaaaaaaaaaaaaab"), (1, "*\u{0}"), (1, "a*b*c\u{0}abxbc"),
            (2, "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbc"), (2, "at://did:plc:abc/app.bsky.*"), (2, "at://did:web:example.com"),
            (3, #"{"subject":{"uri":"at://did:plc:abc/app.bsky.feed.post/3l"},"text":"see at://did:plc:abc.","tags":["at://did:plc:abc/app.*"]}"#),
        ]
        return texts.map { [$0.0] + Array($0.1.utf8) }
    }
}
