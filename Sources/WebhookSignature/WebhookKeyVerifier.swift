import Foundation
import Sodium

/// Verifies a delivery signed with Standard Webhooks' asymmetric scheme: `webhook-signature` carries `v1a,`
/// entries (base64 Ed25519 signatures over `{id}.{timestamp}.{body}`), checked against public keys (`whpk_…`).
///
/// Any entry verifying under any key is enough: during a sender's key rotation a delivery carries one entry per
/// live key, and a receiver may hold the current, the previous and the announced next key. The timestamp must be
/// within `tolerance` seconds of `now()`. At most ``maxEntries`` entries, ``maxKeys`` keys and ``maxChecks``
/// signature checks (entries × keys) are made, so a hostile header costs a bounded amount of work (each check
/// hashes the body).
///
/// ```swift
/// let verifier = try WebhookKeyVerifier(publicKeys: ["whpk_…"])
/// try verifier.verify(body: Array(requestBody), headers: requestHeaders)
/// ```
public struct WebhookKeyVerifier: Sendable, CustomStringConvertible {
    public static let maxEntries = 8
    public static let maxKeys = 8
    public static let maxChecks = 16

    public let publicKeys: [WebhookPublicKey]
    public let tolerance: Int64
    public let now: @Sendable () -> Int64

    /// `publicKeys` (1 to ``maxKeys`` `whpk_` keys); `tolerance` in seconds (default 5 minutes), both directions.
    public init(publicKeys: [String], tolerance: Int64 = 300, now: @escaping @Sendable () -> Int64 = WebhookVerifier.systemNow)
        throws(WebhookVerificationError)
    {
        guard !publicKeys.isEmpty else { throw .badPublicKey(.missingPrefix(WebhookPublicKey.prefix)) }
        guard publicKeys.count <= Self.maxKeys else {
            throw .malformedHeader(name: "public keys", reason: "at most \(Self.maxKeys) public keys, not \(publicKeys.count)")
        }
        var keys: [WebhookPublicKey] = []
        for text in publicKeys {
            do {
                keys.append(try WebhookPublicKey(text))
            } catch {
                throw .badPublicKey(error)
            }
        }
        self.publicKeys = keys
        self.tolerance = max(0, tolerance)
        self.now = now
    }

    /// Verifies `body` (exactly the bytes received) against `headers`; throws why not.
    @discardableResult
    public func verify(body: [UInt8], headers: [String: String]) throws(WebhookVerificationError) -> [WebhookSignatureFormat] {
        let lookup = HeaderLookup(headers)
        guard let signature = try lookup.value(WebhookHeaderName.signature) else { throw .missingHeaders([WebhookHeaderName.signature]) }
        let (id, timestampText, timestamp) = try WebhookVerifier.idAndTimestamp(lookup)
        var candidates = 0
        var checks = 0
        var matched = false
        var content: [UInt8]? = nil
        for entry in signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = entry.firstIndex(of: ","), comma != entry.startIndex else {
                throw .malformedHeader(name: WebhookHeaderName.signature, reason: "expected space-separated <version>,<signature> entries")
            }
            guard entry[..<comma] == "v1a" else { continue }
            candidates += 1
            guard candidates <= Self.maxEntries else {
                throw .malformedHeader(name: WebhookHeaderName.signature, reason: "more than \(Self.maxEntries) v1a entries")
            }
            guard !matched, let given = Base64.decode(entry[entry.index(after: comma)...]), given.count == Sodium.Ed25519.signatureBytes else {
                continue
            }
            let signed = content ?? StandardContent.bytes(body: body, id: String(id), timestamp: String(timestampText))
            content = signed
            for key in publicKeys where !matched {
                checks += 1
                guard checks <= Self.maxChecks else {
                    throw .malformedHeader(
                        name: WebhookHeaderName.signature, reason: "more than \(Self.maxChecks) signature checks (v1a entries × public keys)")
                }
                if Sodium.Ed25519.verify(given, message: signed, publicKey: key.bytes) { matched = true }
            }
        }
        guard matched else { throw .noMatchingPublicKeySignature(candidates: candidates, keys: publicKeys.count) }
        try WebhookVerifier.checkTimestamp(timestamp, now: now(), tolerance: tolerance)
        return [.standardWebhooksAsymmetric]
    }

    public var description: String { "WebhookKeyVerifier(\(publicKeys.count) public keys, tolerance: \(tolerance) s)" }
}
