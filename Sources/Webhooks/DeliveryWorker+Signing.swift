import AsyncHTTPClient
import AsyncPrimitives
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NetworkPolicy
import Secrets
import ServiceLifecycle
import Storage
import WebhookSignature

/// What signs an attempt, decided once, held under the rotation fence until the request head is written.
extension DeliveryWorker {
    /// Resolves `signed` with the headers for the webhook's signer as it is *now*, decided by one read (a secret's
    /// live tokens sign with HMAC, a signing key's live seeds with Ed25519); for a named one, holds it against
    /// rotation and deletion until `written` (the request head is out, or the send gave up).
    func sign(
        _ item: NewDelivery, inlineSecret: String?, into signed: OneShot<Result<HTTPHeaders, SigningFailure>>,
        holdingUntil written: OneShot<Void>
    ) async {
        guard let name = item.secretName else {
            if item.inlineSecretFingerprint != nil, inlineSecret == nil {
                signed.resolve(
                    .failure(SigningFailure(description: "the webhook's own secret is not known here; not sent unsigned", isTransient: false)))
                return
            }
            signed.resolve(.success(unfencedHeaders(for: item, inlineSecret: inlineSecret)))
            return
        }
        let (clock, base) = (self.clock, baseHeaders(for: item))
        do {
            try await secrets.withDeliverySigner(owner: item.owner, name: name, signingKeys: signingKeys) { signer in
                let timestamp = clock() / 1000
                guard let headers = Self.headers(for: item, signer: signer, base: base, timestamp: timestamp) else {
                    signed.resolve(.failure(SigningFailure(description: "\(name) cannot sign (malformed); not sent unsigned", isTransient: false)))
                    return
                }
                signed.resolve(.success(headers))
                await written.wait()
            }
        } catch let error as DeliverySignerError {
            switch error {
            case .notFound:
                signed.resolve(.failure(SigningFailure(description: "secret \(name) was deleted; not sent unsigned", isTransient: false)))
            case .expired(let message):
                // Rotating the secret revives it: wait for that (with the retry schedule), never send unsigned.
                signed.resolve(.failure(SigningFailure(description: "\(message); not sent unsigned", isTransient: true)))
            case .unavailable(let message):
                // A store outage, or a token or seed sealed under a master key this replica does not have yet: wait.
                signed.resolve(.failure(SigningFailure(description: message, isTransient: true)))
            }
        } catch {
            signed.resolve(.failure(SigningFailure(description: "cannot sign with \(name)", isTransient: false)))
        }
    }

    /// The signature headers `signer` gives `item`: during an overlap, one entry per live token or key, newest first.
    static func headers(for item: NewDelivery, signer: DeliverySigner, base: HTTPHeaders, timestamp: Int64) -> HTTPHeaders? {
        var headers = base
        let fields: [(name: String, value: String)]
        switch signer {
        case .hmac(let tokens):
            guard let signers = try? tokens.all.map({ token in try WebhookSigner(anyToken: token.text) }) else { return nil }
            fields = WebhookSigner.headers(body: item.body, id: item.id, timestamp: timestamp, signers: signers)
        case .ed25519(let seeds):
            let keys = seeds.compactMap { try? WebhookSigningKey(seed: $0) }
            guard !keys.isEmpty else { return nil }
            fields = WebhookSigningKey.headers(body: item.body, id: item.id, timestamp: timestamp, keys: keys)
        }
        for (name, value) in fields { headers.add(name: name, value: value) }
        return headers
    }

    /// What every attempt at `item` carries, signed or not: its type, who sends it, and `Idempotency-Key` (the
    /// delivery id, the same on every retry and redelivery as `webhook-id`), as wisp.place's deliveries do.
    func baseHeaders(for item: NewDelivery) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Idempotency-Key", value: item.id)
        return headers
    }

    /// Headers for a delivery without a managed secret: the record's inline secret, or none.
    func unfencedHeaders(for item: NewDelivery, inlineSecret: String?) -> HTTPHeaders {
        var headers = baseHeaders(for: item)
        let timestamp = clock() / 1000
        if let inline = inlineSecret, let signer = try? WebhookSigner(token: inline) {
            for (name, value) in signer.headers(body: item.body, id: item.id, timestamp: timestamp) { headers.add(name: name, value: value) }
            return headers
        }
        headers.add(name: WebhookHeaderName.id, value: item.id)
        headers.add(name: WebhookHeaderName.timestamp, value: String(timestamp))
        if let inline = inlineSecret {
            // A plaintext secret that is not a Standard Webhooks key: wisp's header only.
            headers.add(name: WebhookHeaderName.wispSignature, value: WebhookSigner.wispSignature(secret: inline, body: item.body))
        }
        return headers
    }
}
