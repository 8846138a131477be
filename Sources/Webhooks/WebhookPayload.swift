import Crypto
import Foundation
import Jetstream
import Lexicon

/// The JSON body POSTed for one matching event, and its stable id.
public enum WebhookPayload {
    /// A UUID-formatted id derived from the webhook and the event, so a replayed event (after a restart,
    /// from an overlapping cursor) yields the same id and is queued once; receivers dedupe on it too.
    public static func id(webhook: ActiveWebhook, event: JetstreamEvent) -> String {
        let material = [
            webhook.owner, webhook.rkey, event.did, event.collection, event.rkey, event.operation.rawValue,
            event.rev ?? "", event.cid ?? "", String(event.timeMicroseconds),
        ].joined(separator: "\u{0}")
        var bytes = Array(SHA256.hash(data: Array(material.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // UUID version 8 (custom), RFC 9562
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let i = hex.startIndex
        func part(_ from: Int, _ to: Int) -> Substring { hex[hex.index(i, offsetBy: from)..<hex.index(i, offsetBy: to)] }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    /// `{"id","event","did","collection","rkey","cid"?,"record"?,"timestamp"}`.
    public static func body(id: String, event: JetstreamEvent) -> [UInt8] {
        var object: [String: JSONValue] = [
            "id": .string(id), "event": .string(event.operation.rawValue), "did": .string(event.did),
            "collection": .string(event.collection), "rkey": .string(event.rkey),
            "timestamp": .string(Timestamp.iso8601(milliseconds: event.timeMicroseconds / 1000)),
        ]
        if let cid = event.cid { object["cid"] = .string(cid) }
        if let record = event.record {
            // Never forward a webhook record's plaintext secret.
            if event.collection == "place.wisp.v2.wh", case .object(var fields) = record {
                fields["secret"] = nil
                object["record"] = .object(fields)
            } else {
                object["record"] = record
            }
        }
        return JSONValue.object(object).serialized(sortedKeys: true)
    }
}
