import Foundation
import Sodium

/// A signature format a delivery can carry.
public enum WebhookSignatureFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `webhook-id` + `webhook-timestamp` + `webhook-signature` (`v1,` entries), per standardwebhooks.com.
    case standardWebhooks = "Standard Webhooks"
    /// wisp.place's `X-Webhook-Signature: sha256=<hex>`.
    case wisp = "X-Webhook-Signature"
    /// Standard Webhooks' asymmetric scheme: `v1a,` Ed25519 entries in `webhook-signature`, checked with public keys.
    case standardWebhooksAsymmetric = "Standard Webhooks v1a"

    public var description: String { rawValue }
}

/// Why a delivery did not verify. Messages name headers and numbers only: never the secret, never header values.
public enum WebhookVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Required headers are absent or empty (header names as listed).
    case missingHeaders([String])
    /// A header is present but not of its format (or given twice under different capitalizations).
    case malformedHeader(name: String, reason: String)
    /// The signature matches, but `webhook-timestamp` is more than `tolerance` seconds before `now`.
    case timestampTooOld(timestamp: Int64, now: Int64, tolerance: Int64)
    /// The signature matches, but `webhook-timestamp` is more than `tolerance` seconds after `now`.
    case timestampTooNew(timestamp: Int64, now: Int64, tolerance: Int64)
    /// No signature in the `header` matches the body under this secret; `candidates` is how many were comparable
    /// (for `webhook-signature`, its `v1` entries; other versions are ignored).
    case noMatchingSignature(header: String, candidates: Int)
    /// The configured secret is unusable.
    case badSecret(WebhookSecretError)
    /// No `v1a` entry of `webhook-signature` verifies under any of the `keys` public keys; `candidates` is how
    /// many `v1a` entries there were (entries of other versions are ignored).
    case noMatchingPublicKeySignature(candidates: Int, keys: Int)
    /// A configured public key is unusable.
    case badPublicKey(WebhookKeyError)
    /// Only `X-Webhook-Signature` came, and the policy requires the timestamped Standard Webhooks signature:
    /// without it a captured delivery replays forever (stripping a sender's Standard headers would do it).
    case timestampedSignatureRequired

    public var description: String {
        switch self {
        case .missingHeaders(let names):
            if names.isEmpty { return "missing signature headers" }
            return "missing header" + (names.count == 1 ? " " : "s ") + names.joined(separator: ", ")
        case .malformedHeader(let name, let reason):
            return "malformed \(name) header: \(reason)"
        case .timestampTooOld(let timestamp, let now, let tolerance):
            return "stale delivery: the signature matches, but webhook-timestamp \(timestamp) is \(Self.seconds(now, minus: timestamp)) s "
                + "in the past (tolerance \(tolerance) s)"
        case .timestampTooNew(let timestamp, let now, let tolerance):
            return "clock skew: the signature matches, but webhook-timestamp \(timestamp) is \(Self.seconds(timestamp, minus: now)) s "
                + "in the future (tolerance \(tolerance) s); check the clocks"
        case .noMatchingSignature(let header, let candidates):
            guard header == WebhookHeaderName.signature else {
                return "\(header) does not match this body under this secret"
            }
            switch candidates {
            case 0: return "no v1 signature in webhook-signature (entries of other versions are ignored)"
            case 1: return "the v1 signature in webhook-signature does not match this body, webhook-id and webhook-timestamp under this secret"
            default:
                return
                    "none of the \(candidates) v1 signatures in webhook-signature matches this body, webhook-id and webhook-timestamp under this secret"
            }
        case .badSecret(let reason):
            return "unusable secret: \(reason)"
        case .noMatchingPublicKeySignature(let candidates, let keys):
            let under = keys == 1 ? "the public key" : "any of the \(keys) public keys"
            switch candidates {
            case 0: return "no v1a signature in webhook-signature (entries of other versions are ignored)"
            case 1: return "the v1a signature in webhook-signature does not verify this body, webhook-id and webhook-timestamp under \(under)"
            default:
                return
                    "none of the \(candidates) v1a signatures in webhook-signature verifies this body, webhook-id and webhook-timestamp under \(under)"
            }
        case .badPublicKey(let reason):
            return "unusable public key: \(reason)"
        case .timestampedSignatureRequired:
            return "only X-Webhook-Signature was sent; this verifier requires webhook-signature with webhook-id and webhook-timestamp "
                + "(an untimestamped signature can be replayed forever)"
        }
    }

    private static func seconds(_ a: Int64, minus b: Int64) -> String {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? "very many" : String(difference)
    }
}

/// Verifies a webhook delivery signed by Sigil (or by any Standard Webhooks sender) against the raw body bytes.
///
/// Policy:
/// - If `webhook-signature` is present it must verify: `webhook-id` and `webhook-timestamp` present, one `v1` entry
///   matching, and the timestamp within `tolerance` seconds of `now()` in either direction.
/// - If `X-Webhook-Signature` is present it must verify.
/// - With ``Policy/requireTimestamped`` (the default for `whsec_` tokens, which Sigil always signs both ways)
///   `webhook-signature` must be present: `X-Webhook-Signature` alone has no timestamp, so a delivery whose
///   Standard headers were stripped would replay forever. ``Policy/acceptEither`` accepts it alone (receivers of
///   senders that only sign wisp's way).
///
/// Header names are matched case-insensitively; all signature comparisons are constant-time.
///
/// ```swift
/// let verifier = try WebhookVerifier(token: "whsec_…")
/// try verifier.verify(body: Array(requestBody), headers: requestHeaders)
/// ```
public struct WebhookVerifier: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The clock the Standard Webhooks timestamp is checked against: Unix seconds.
    public static let systemNow: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// Which signatures a delivery must carry.
    public enum Policy: Sendable, Equatable {
        /// `webhook-signature` (timestamped) must be present and verify; `X-Webhook-Signature` must verify if present.
        case requireTimestamped
        /// Either signature suffices; each present one must verify.
        case acceptEither
    }

    let secret: WebhookSecret
    /// Which signatures are required.
    public let policy: Policy
    /// The largest accepted difference, in seconds, between `webhook-timestamp` and `now()`.
    public let tolerance: Int64
    /// The current Unix time in seconds (injectable for tests).
    public let now: @Sendable () -> Int64

    /// `token` is the `whsec_…` secret (both formats derive their keys from it); `tolerance` (seconds, default 5
    /// minutes) applies in both directions; negative values count as 0.
    /// `policy` defaults to ``Policy/requireTimestamped`` for `whsec_` tokens, else ``Policy/acceptEither``.
    public init(token: String, tolerance: Int64 = 300, policy: Policy? = nil, now: @escaping @Sendable () -> Int64 = WebhookVerifier.systemNow)
        throws(WebhookVerificationError)
    {
        self.policy = policy ?? (token.hasPrefix("whsec_") ? .requireTimestamped : .acceptEither)
        do {
            secret = try WebhookSecret(token: token)
        } catch {
            throw .badSecret(error)
        }
        self.tolerance = max(0, tolerance)
        self.now = now
    }

    /// `token` is a `whsec_…` secret or a ``RegisteredToken`` (whose UTF-8 bytes key both formats, as Sigil signs
    /// with it); `policy` defaults to ``Policy/requireTimestamped`` (Sigil sends both formats either way).
    public init(
        anyToken token: String, tolerance: Int64 = 300, policy: Policy? = nil, now: @escaping @Sendable () -> Int64 = WebhookVerifier.systemNow
    ) throws(WebhookVerificationError) {
        self.policy = policy ?? .requireTimestamped
        do {
            secret = try WebhookSecret(anyToken: token)
        } catch {
            throw .badSecret(error)
        }
        self.tolerance = max(0, tolerance)
        self.now = now
    }

    /// Verifies `body` (exactly the bytes received) against `headers`; throws why not. Returns the formats that
    /// verified.
    ///
    /// A Standard Webhooks signature, when present, must verify (it is what the timestamp check protects); once it
    /// has, a `X-Webhook-Signature` that does not match is no reason to refuse: during a rotation's overlap a
    /// Sigil delivery carries one `v1,` entry per live token but wisp's header only for the newest, so a receiver
    /// still holding the previous token verifies through the former alone. Without a Standard Webhooks signature,
    /// `X-Webhook-Signature` must verify (and ``Policy/requireTimestamped`` refuses it).
    @discardableResult
    public func verify(body: [UInt8], headers: [String: String]) throws(WebhookVerificationError) -> [WebhookSignatureFormat] {
        let lookup = HeaderLookup(headers)
        let standard = try lookup.value(WebhookHeaderName.signature)
        let wisp = try lookup.value(WebhookHeaderName.wispSignature)
        guard standard != nil || wisp != nil else {
            let id = try lookup.value(WebhookHeaderName.id)
            let timestamp = try lookup.value(WebhookHeaderName.timestamp)
            if id != nil || timestamp != nil {
                throw .missingHeaders([WebhookHeaderName.signature])  // a Standard Webhooks delivery without its signature
            }
            throw .missingHeaders([WebhookHeaderName.signature, WebhookHeaderName.wispSignature])
        }
        if standard == nil, policy == .requireTimestamped { throw .timestampedSignatureRequired }
        var verified: [WebhookSignatureFormat] = []
        if let standard {
            try verifyStandard(body: body, signature: standard, lookup: lookup)
            verified.append(.standardWebhooks)
        }
        if let wisp {
            do {
                try verifyWisp(body: body, signature: wisp)
                verified.append(.wisp)
            } catch {
                if verified.isEmpty { throw error }
            }
        }
        return verified
    }

    private func verifyStandard(body: [UInt8], signature: Substring, lookup: HeaderLookup) throws(WebhookVerificationError) {
        let (id, timestampText, timestamp) = try Self.idAndTimestamp(lookup)

        // Every entry is `<version>,<signature>`; only v1 entries are compared, and all of them are.
        var candidates = 0
        var matched = false
        var expected: [UInt8]? = nil
        for entry in signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = entry.firstIndex(of: ","), comma != entry.startIndex else {
                throw .malformedHeader(name: WebhookHeaderName.signature, reason: "expected space-separated <version>,<signature> entries")
            }
            guard entry[..<comma] == "v1" else { continue }
            candidates += 1
            let mac = expected ?? secret.standardMAC(body: body, id: String(id), timestamp: String(timestampText))
            expected = mac
            // Undecodable or wrong-length entries are simply non-matching (constantTimeEqual rejects other lengths).
            let given = Base64.decode(entry[entry.index(after: comma)...]) ?? []
            if Sodium.constantTimeEqual(given, mac) { matched = true }
        }
        guard matched else { throw .noMatchingSignature(header: WebhookHeaderName.signature, candidates: candidates) }
        try Self.checkTimestamp(timestamp, now: now(), tolerance: tolerance)
    }

    /// Refuses a (verified) `webhook-timestamp` more than `tolerance` seconds from `current`, either way.
    static func checkTimestamp(_ timestamp: Int64, now current: Int64, tolerance: Int64) throws(WebhookVerificationError) {
        let (age, overflow) = current.subtractingReportingOverflow(timestamp)
        if overflow ? timestamp < current : age > tolerance {
            throw .timestampTooOld(timestamp: timestamp, now: current, tolerance: tolerance)
        }
        if overflow ? timestamp > current : age < -tolerance {
            throw .timestampTooNew(timestamp: timestamp, now: current, tolerance: tolerance)
        }
    }

    /// `webhook-id` and `webhook-timestamp` (decimal Unix seconds), both required beside `webhook-signature`.
    static func idAndTimestamp(_ lookup: HeaderLookup) throws(WebhookVerificationError) -> (id: Substring, text: Substring, seconds: Int64) {
        let id = try lookup.value(WebhookHeaderName.id)
        let timestampText = try lookup.value(WebhookHeaderName.timestamp)
        guard let id, let timestampText else {
            throw .missingHeaders([(WebhookHeaderName.id, id), (WebhookHeaderName.timestamp, timestampText)].filter { $0.1 == nil }.map(\.0))
        }
        guard timestampText.utf8.count <= 18, timestampText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let timestamp = Int64(timestampText)
        else {
            throw .malformedHeader(name: WebhookHeaderName.timestamp, reason: "expected Unix seconds (decimal digits only)")
        }
        return (id, timestampText, timestamp)
    }

    private func verifyWisp(body: [UInt8], signature: Substring) throws(WebhookVerificationError) {
        let prefix = "sha256="
        guard signature.hasPrefix(prefix), let given = Hex.decode(signature.dropFirst(prefix.count)), given.count == 32 else {
            throw .malformedHeader(name: WebhookHeaderName.wispSignature, reason: "expected sha256= followed by 64 hex digits")
        }
        guard Sodium.constantTimeEqual(given, secret.wispMAC(body: body)) else {
            throw .noMatchingSignature(header: WebhookHeaderName.wispSignature, candidates: 1)
        }
    }

    public var description: String { "WebhookVerifier(whsec_…redacted, tolerance: \(tolerance) s)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["tolerance": tolerance]) }
}

/// Case-insensitive header access over a plain dictionary.
struct HeaderLookup {
    let headers: [String: String]

    init(_ headers: [String: String]) {
        self.headers = headers
    }

    /// The value (surrounding spaces and tabs trimmed) of the header `name`; `nil` if absent or empty.
    /// Throws if it appears under several capitalizations with different values.
    func value(_ name: String) throws(WebhookVerificationError) -> Substring? {
        let wanted = name.lowercased()
        var found: Substring? = nil
        for (key, raw) in headers where key.lowercased() == wanted {
            let value = Self.trimmed(raw)
            if let found, found != value {
                throw .malformedHeader(name: name, reason: "given more than once with different values")
            }
            found = value
        }
        guard let found, !found.isEmpty else { return nil }
        return found
    }

    private static func trimmed(_ text: String) -> Substring {
        var value = Substring(text)
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        return value
    }
}
