/// A rejected service token: the reference verifier's error name and a message that never echoes the token.
public struct ServiceAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `BadJwt`, `BadJwtType`, `JwtExpired`, `JwtTooOld`, `JwtNotYetValid`, `BadJwtAudience`,
    /// `BadJwtLexiconMethod`, `BadJwtIss`, `BadJwtSignature` or `NonceNotUnique`.
    public let name: String
    public let message: String

    public init(_ name: String, _ message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }

    static func badJwt(_ message: String) -> ServiceAuthError { .init("BadJwt", message) }
}
