import Sodium

/// What signs a delivery whose webhook names `secretId`: decided by one read of the store, never by trying one
/// kind and catching the other's error.
public enum DeliverySigner: Sendable {
    /// A token secret: HMAC (wisp's `X-Webhook-Signature`, Standard Webhooks `v1`) with each live token.
    case hmac(SigningKeys)
    /// A signing key: Standard Webhooks `v1a` (Ed25519) with each live seed, newest first. Wiped after `body`.
    case ed25519(seeds: [[UInt8]])
}

/// Why a delivery could not be signed now.
public enum DeliverySignerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The account has neither a secret nor a signing key of that name (deleted, or never made).
    case notFound(String)
    /// The secret expired (rotating it revives it).
    case expired(String)
    /// The store cannot be read, or a stored secret or seed will not open under this replica's master keys.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound(let name): "no secret or signing key named \(name)"
        case .expired(let message), .unavailable(let message): message
        }
    }

    /// Worth trying again later (a rotation revives an expired secret; an outage passes); a missing name is not.
    public var isTransient: Bool {
        if case .notFound = self { return false }
        return true
    }
}

extension SecretService {
    /// Runs `body` with what signs a delivery naming `name` now (a secret's live tokens or a signing key's live
    /// seeds), read once, and holds it until `body` returns: no rotation or deletion of that name commits
    /// meanwhile, in this process (the ``fence``, which secrets and signing keys share) or on any replica (the
    /// rows held by ``SigningKeyStore/withSigner(owner:name:_:)``). Keep `body` short and bounded: a rotation
    /// waits for it. `signingKeys` must be this service's (``signingKeyService(store:maxPerOwner:)``: the same fence,
    /// the same backend); any other is refused, since its rotations would not wait for this hold. Throws
    /// ``DeliverySignerError``; errors of `body` pass through.
    public func withDeliverySigner<T: Sendable>(
        owner: String, name: String, signingKeys: SigningKeyService,
        _ body: @Sendable (DeliverySigner) async throws -> T
    ) async throws -> T {
        guard signingKeys.fence === fence, (signingKeys.store as AnyObject) === (store as AnyObject) else {
            throw DeliverySignerError.unavailable("the signing keys given are not this secret service's (another fence or store); not signing")
        }
        do {
            return try await fence.withShared(owner: owner, name: name) {
                try await signingKeys.store.withSigner(owner: owner, name: name) { secret, key in
                    if let secret {
                        return try await body(.hmac(try self.liveTokens(of: secret)))
                    }
                    guard let key else { throw DeliverySignerError.notFound(name) }
                    var seeds = try signingKeys.liveSeeds(of: key)
                    defer { for index in seeds.indices { Sodium.wipe(&seeds[index]) } }
                    return try await body(.ed25519(seeds: seeds))
                }
            }
        } catch let error as SecretServiceError {
            switch error {
            case .notFound: throw DeliverySignerError.notFound(name)
            case .expired: throw DeliverySignerError.expired("secret \(error.description)")
            default: throw DeliverySignerError.unavailable("cannot use secret \(name) now: \(error.description)")
            }
        } catch let error as SigningKeyError {
            throw DeliverySignerError.unavailable("cannot use signing key \(name) now: \(error.description)")
        } catch let error as StoreError {
            throw DeliverySignerError.unavailable("cannot read \(name) now: \(SecretServiceError(error, name: name).description)")
        }
    }
}
