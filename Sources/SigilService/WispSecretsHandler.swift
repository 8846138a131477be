import Lexicon
import Logging
import Secrets
import WispAPI
import XRPC

/// `place.wisp.v2.secret.*`, scoped to the caller's DID: one account never sees, rotates or deletes
/// another's, and someone else's secret answers `NotFound` like a missing one.
public struct WispSecretsHandler: PlaceWispV2SecretHandler {
    let service: SecretService

    public init(service: SecretService) {
        self.service = service
    }

    public func create(_ request: XRPCRequest<PlaceWispV2SecretCreate>) async throws -> PlaceWispV2SecretCreate.Output {
        let owner = try Self.owner(request.principal)
        do {
            let (token, secret) = try await service.create(owner: owner, name: request.input.name)
            request.logger.info("secret created", metadata: ["owner": .string(owner), "secret": .string(secret.name)])
            return .init(createdAt: Timestamp.iso8601(milliseconds: secret.createdAt), name: secret.name, token: token.text)
        } catch {
            switch error {
            case .alreadyExists: throw PlaceWispV2SecretCreate.DeclaredError.alreadyExists(error.description)
            case .limitReached: throw PlaceWispV2SecretCreate.DeclaredError.invalidRequest(error.description)
            default: throw error
            }
        }
    }

    public func rotate(_ request: XRPCRequest<PlaceWispV2SecretRotate>) async throws -> PlaceWispV2SecretRotate.Output {
        let owner = try Self.owner(request.principal)
        do {
            let (token, secret) = try await service.rotate(owner: owner, name: request.input.name)
            request.logger.info("secret rotated", metadata: ["owner": .string(owner), "secret": .string(secret.name), "version": .stringConvertible(secret.version)])
            return .init(name: secret.name, rotatedAt: Timestamp.iso8601(milliseconds: secret.rotatedAt ?? secret.createdAt), token: token.text)
        } catch {
            if case .notFound = error { throw PlaceWispV2SecretRotate.DeclaredError.notFound(error.description) }
            throw error
        }
    }

    public func delete(_ request: XRPCRequest<PlaceWispV2SecretDelete>) async throws -> PlaceWispV2SecretDelete.Output {
        let owner = try Self.owner(request.principal)
        do {
            _ = try await service.delete(owner: owner, name: request.input.name)
            request.logger.info("secret deleted", metadata: ["owner": .string(owner), "secret": .string(request.input.name)])
            return .init(deleted: true, name: request.input.name)
        } catch {
            if case .notFound = error { throw PlaceWispV2SecretDelete.DeclaredError.notFound(error.description) }
            throw error
        }
    }

    public func list(_ request: XRPCRequest<PlaceWispV2SecretList>) async throws -> PlaceWispV2SecretList.Output {
        let owner = try Self.owner(request.principal)
        let page = try await service.list(owner: owner, cursor: request.params.cursor, limit: request.params.limit)
        return .init(cursor: page.cursor, secrets: page.secrets.map { secret in
            .init(createdAt: Timestamp.iso8601(milliseconds: secret.createdAt), name: secret.name,
                  rotatedAt: secret.rotatedAt.map { Timestamp.iso8601(milliseconds: $0) })
        })
    }

    /// The pipeline only calls these with a principal (they are registered with `auth: .required`).
    private static func owner(_ principal: XRPCPrincipal?) throws -> String {
        guard let principal else { throw XRPCError.authenticationRequired("Authentication Required") }
        return principal.did
    }
}
