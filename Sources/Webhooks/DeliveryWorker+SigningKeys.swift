import Foundation
import NIOHTTP1
import Secrets
import Sodium
import WebhookSignature

/// Deliveries whose webhook names a signing key: Standard Webhooks `v1a` (Ed25519) instead of HMAC.
extension DeliveryWorker {
    /// The headers of `item` signed by the signing key `name` (one `v1a,` entry per live key, newest first), or
    /// nil when the owner has no signing key of that name.
    func signWithKey(_ item: NewDelivery, name: String) async -> Result<HTTPHeaders, SigningFailure>? {
        guard let signingKeys else { return nil }
        do throws(SigningKeyError) {
            guard var seeds = try await signingKeys.signingSeeds(owner: item.owner, name: name) else {
                signingKeyNames.remove(item.owner, name)
                return nil
            }
            signingKeyNames.insert(item.owner, name)
            defer { for index in seeds.indices { Sodium.wipe(&seeds[index]) } }
            let keys = seeds.compactMap { try? WebhookSigningKey(seed: $0) }
            guard !keys.isEmpty else { return .failure(SigningFailure(description: "signing key \(name) cannot be used", isTransient: false)) }
            var headers = baseHeaders
            for (field, value) in WebhookSigningKey.headers(body: item.body, id: item.id, timestamp: clock() / 1000, keys: keys) {
                headers.add(name: field, value: value)
            }
            return .success(headers)
        } catch {
            // A store outage, or a seed sealed under a master key this replica does not have yet: wait.
            return .failure(SigningFailure(description: "cannot use signing key \(name) now: \(error.description)", isTransient: true))
        }
    }

}

/// A bounded set of (owner, name) pairs (cleared when full: it only orders two lookups, never decides one).
final class NameSet: @unchecked Sendable {
    static let capacity = 10_000
    private let lock = NSLock()
    private var names: Set<String> = []

    func contains(_ owner: String, _ name: String) -> Bool { lock.withLock { names.contains(owner + "\u{0}" + name) } }
    func insert(_ owner: String, _ name: String) {
        lock.withLock {
            if names.count >= Self.capacity { names.removeAll(keepingCapacity: true) }
            names.insert(owner + "\u{0}" + name)
        }
    }
    func remove(_ owner: String, _ name: String) { _ = lock.withLock { names.remove(owner + "\u{0}" + name) } }
}
