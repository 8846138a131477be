/// A rejected service token: the reference verifier's error name and a message that never echoes the token.
public struct ServiceAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `BadJwt`, `BadJwtType`, `JwtExpired`, `JwtTooOld`, `JwtNotYetValid`, `BadJwtAudience`,
    /// `BadJwtLexiconMethod`, `BadJwtIss`, `BadJwtSignature` or `NonceNotUnique`; or
    /// `ReplayCacheUnavailable`, which is not the caller's fault (answered `503`, see ``isUnavailable``).
    public let name: String
    public let message: String

    public init(_ name: String, _ message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }

    static func badJwt(_ message: String) -> ServiceAuthError { .init("BadJwt", message) }

    /// The replay cache could not record the token's `jti`: the token may be fine, the service is not.
    public static let replayCacheUnavailable = ServiceAuthError("ReplayCacheUnavailable", "replay protection is unavailable; try again")

    /// True when the failure is the service's (answer `503`), not the token's (`401`).
    public var isUnavailable: Bool { name == Self.replayCacheUnavailable.name }

    /// The caller's address has its share of DID resolutions running: not a verdict on the token (answer `429`
    /// with `Retry-After`).
    public static func rateLimited(retryAfter seconds: Int) -> ServiceAuthError {
        ServiceAuthError("RateLimitExceeded", "too many first-time DID resolutions from this address; try again in \(seconds) s")
    }

    /// Seconds to wait when this is a ``rateLimited(retryAfter:)``; nil otherwise.
    public var retryAfter: Int? {
        guard name == "RateLimitExceeded", let digits = message.split(separator: " ").dropLast().last else { return nil }
        return Int(digits)
    }
}
