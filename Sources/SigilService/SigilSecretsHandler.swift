import Lexicon
import Logging
import Secrets
import SigilAPI
import XRPC

/// `dev.sigil.secret.*`: overlaps, revocation, policies, status, history and rotation by token, on the same
/// secrets and with the same owner scope as ``WispSecretsHandler``. Registered with `auth: .required`; the
/// server's authenticator accepts only the secret's current token for `rotateWithToken` (see
/// ``ServiceAuthenticator``) and only a service JWT for the rest.
public struct SigilSecretsHandler: DevSigilSecretHandler {
    let service: SecretService

    public init(service: SecretService) {
        self.service = service
    }

    public func rotate(_ request: XRPCRequest<DevSigilSecretRotate>) async throws -> DevSigilSecretRotate.Output {
        let owner = try Self.account(request.principal)
        let input = request.input
        let supplied = try input.token.map { text throws(SecretServiceError) in try SigningToken.supplied(text) }
        let (token, secret) = try await service.rotate(
            owner: owner, name: input.name,
            request: RotationRequest(
                overlapSeconds: input.overlapSeconds.map(Int64.init), force: input.force ?? false, by: .account),
            token: supplied)
        Self.logRotation(request.logger, secret)
        return Self.rotation(token, secret)
    }

    public func rotateWithToken(_ request: XRPCRequest<DevSigilSecretRotateWithToken>) async throws -> DevSigilSecretRotateWithToken.Output {
        guard let principal = request.principal, case .bearerToken = principal.credential,
            let header = request.headers[.authorization], header.count > 7
        else {
            throw XRPCError.authenticationRequired("this method takes the secret's current token (Bearer whsec_…)")
        }
        let presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        do {
            let (token, secret) = try await service.rotate(presenting: presented)
            Self.logRotation(request.logger, secret)
            return Self.rotation(token, secret)
        } catch {
            switch error {
            case .rotationInProgress: throw DevSigilSecretRotateWithToken.DeclaredError.rotationInProgress(error.description)
            case .unavailable, .undecryptable, .wrongMasterKey: throw error
            // Rotated, revoked, expired or deleted since the authenticator looked: the token is no longer current.
            default: throw XRPCError.authenticationRequired("the bearer is not the current token of an active secret")
            }
        }
    }

    public func revokePrevious(_ request: XRPCRequest<DevSigilSecretRevokePrevious>) async throws -> DevSigilSecretRevokePrevious.Output {
        let owner = try Self.account(request.principal)
        let (secret, revokedAt) = try await service.revokePrevious(owner: owner, name: request.input.name)
        request.logger.info("previous token revoked", metadata: ["owner": .string(owner), "secret": .string(secret.name)])
        return .init(name: secret.name, revokedAt: Timestamp.iso8601(milliseconds: revokedAt))
    }

    public func setPolicy(_ request: XRPCRequest<DevSigilSecretSetPolicy>) async throws -> DevSigilSecretSetPolicy.Output {
        let owner = try Self.account(request.principal)
        let input = request.input
        var expiresAt: Int64?
        if let text = input.expiresAt {
            guard let milliseconds = Timestamp.milliseconds(parsing: text) else {
                throw DevSigilSecretSetPolicy.DeclaredError.invalidRequest("expiresAt is not an RFC 3339 datetime with a timezone")
            }
            expiresAt = milliseconds
        }
        let policy = RotationPolicy(
            overlapSeconds: input.overlapSeconds.map(Int64.init),
            rotationPeriodSeconds: input.rotationPeriodSeconds.map(Int64.init), expiresAt: expiresAt)
        let secret = try await service.setPolicy(owner: owner, name: input.name, policy)
        request.logger.info("secret policy set", metadata: ["owner": .string(owner), "secret": .string(secret.name)])
        return .init(name: secret.name, policy: Self.policy(secret.policy))
    }

    public func get(_ request: XRPCRequest<DevSigilSecretGet>) async throws -> DevSigilSecretGet.Output {
        let owner = try Self.account(request.principal)
        let state = try await service.state(owner: owner, name: request.params.name)
        let secret = state.secret
        return .init(
            createdAt: Self.time(secret.createdAt), expiresAt: secret.expiresAt.map(Self.time), lastMessage: state.message,
            lastRotatedAt: secret.rotatedAt.map(Self.time), lastRotationBy: secret.lastRotationBy?.rawValue,
            lastRotationManual: secret.lastRotationBy != nil, name: secret.name, policy: Self.policy(secret.policy),
            previousValidUntil: state.previousValidUntil.map(Self.time), rotationDueAt: secret.rotationDueAt.map(Self.time),
            status: state.status.rawValue, version: Int(secret.version))
    }

    public func history(_ request: XRPCRequest<DevSigilSecretHistory>) async throws -> DevSigilSecretHistory.Output {
        let owner = try Self.account(request.principal)
        let params = request.params
        let page = try await service.history(owner: owner, name: params.name, cursor: params.cursor, limit: params.limit)
        return .init(
            cursor: page.cursor,
            events: page.events.map { event in
                .init(action: event.action.rawValue, at: Self.time(event.at), by: event.by?.rawValue ?? "schedule", version: Int(event.version))
            })
    }

    // MARK: - Mapping

    static func rotation(_ token: SigningToken, _ secret: StoredSecret) -> DevSigilSecretDefs.Rotation {
        .init(
            name: secret.name, previousValidUntil: secret.previous.map { time($0.validUntil) },
            rotatedAt: time(secret.rotatedAt ?? secret.createdAt), token: token.text)
    }

    static func policy(_ policy: RotationPolicy) -> DevSigilSecretDefs.Policy {
        .init(
            expiresAt: policy.expiresAt.map(time), overlapSeconds: policy.overlapSeconds.map { Int($0) },
            rotationPeriodSeconds: policy.rotationPeriodSeconds.map { Int($0) })
    }

    static func time(_ milliseconds: Int64) -> String { Timestamp.iso8601(milliseconds: milliseconds) }

    static func logRotation(_ logger: Logger, _ secret: StoredSecret) {
        logger.info(
            "secret rotated",
            metadata: [
                "owner": .string(secret.owner), "secret": .string(secret.name), "version": .stringConvertible(secret.version),
                "by": .string(secret.lastRotationBy?.rawValue ?? "account"),
                "overlap.until": .string(secret.previous.map { time($0.validUntil) } ?? "none"),
            ])
    }

    /// The caller's DID, for methods that take a service JWT (a bearer-token principal never reaches them:
    /// the authenticator sends only `rotateWithToken` that way).
    static func account(_ principal: XRPCPrincipal?) throws -> String {
        guard let principal, principal.credential == .serviceJWT else { throw XRPCError.authenticationRequired("Authentication Required") }
        return principal.did
    }
}
