import Crypto

/// How a delivery's body is stored: once per event, however many webhooks it goes to.
///
/// Every webhook that matches one event gets the same JSON body but for its own `"id"` (the delivery id, which
/// receivers dedupe on). The stores keep that body once, as a *template*: the body with the id's bytes cut out
/// and the offset where they go. A body under ``minimumShared`` bytes (most events: a shared row would cost more
/// than it saves), or without its delivery's id at a top-level `"id"` (a test ping, say), is stored as it is, in the
/// delivery's row.
public struct DeliveryBody: Sendable, Equatable {
    /// The body without the delivery id's bytes.
    public let template: [UInt8]
    /// Where the id's bytes go back in.
    public let idOffset: Int
    /// SHA-256 of the offset (8 bytes, big-endian) and the template: the key it is stored under.
    public let digest: [UInt8]

    /// Bodies shorter than this are kept in their delivery's row.
    public static let minimumShared = 2_048

    /// Splits `body` at the first `"id":"<id>"` (the top-level field: the payload's keys are sorted, `"id"` comes
    /// before `"record"`, and a quote inside a string value is always escaped); nil if it has none.
    public init?(body: [UInt8], id: String) {
        let needle = Array("\"id\":\"".utf8) + Array(id.utf8) + [UInt8(ascii: "\"")]
        guard body.count >= Self.minimumShared, !id.isEmpty, body.count >= needle.count, let start = Self.firstIndex(of: needle, in: body) else {
            return nil
        }
        let offset = start + 6
        var template = Array(body[..<offset])
        template.append(contentsOf: body[(offset + id.utf8.count)...])
        self.init(template: template, idOffset: offset)
    }

    /// A stored template.
    public init(template: [UInt8], idOffset: Int) {
        self.template = template
        self.idOffset = idOffset
        var hasher = SHA256()
        withUnsafeBytes(of: UInt64(idOffset).bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: template)
        self.digest = Array(hasher.finalize())
    }

    /// The body of the delivery `id`; nil if the stored offset does not fit the template (a damaged row).
    public func body(id: String) -> [UInt8]? {
        guard idOffset >= 0, idOffset <= template.count else { return nil }
        var body = Array(template[..<idOffset])
        body.reserveCapacity(template.count + id.utf8.count)
        body.append(contentsOf: id.utf8)
        body.append(contentsOf: template[idOffset...])
        return body
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
