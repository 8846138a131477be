import Lexicon
import Logging
import Secrets
import SigilAPI
import XRPC

/// `place.wisp.v2.secret.*`, scoped to the caller's DID: one account never sees, rotates or deletes
/// another's, and someone else's secret answers `NotFound` like a missing one.
public struct WispSecretsHandler: PlaceWispV2SecretHandler {
    let service: SecretService

    public init(service: SecretService) {
        self.service = service
    }

    public func create(_ request: XRPCRequest<PlaceWispV2SecretCreate>) async throws -> PlaceWispV2SecretCreate.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        guard Self.isWispSecretName(request.input.name) else {
            throw PlaceWispV2SecretCreate.DeclaredError.invalidRequest(
                "a new secret's name is 1–64 ASCII letters, digits, dots, underscores or hyphens (wisp.place's secretId rule)")
        }
        let supplied = try request.input.token.map { text throws(SecretServiceError) in try SigningToken.supplied(text) }
        let (token, secret) = try await service.create(owner: owner, name: request.input.name, token: supplied)
        request.logger.info("secret created", metadata: ["owner": .string(owner), "secret": .string(secret.name)])
        return .init(createdAt: Timestamp.iso8601(milliseconds: secret.createdAt), name: secret.name, token: token.text)
    }

    public func rotate(_ request: XRPCRequest<PlaceWispV2SecretRotate>) async throws -> PlaceWispV2SecretRotate.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let supplied = try request.input.token.map { text throws(SecretServiceError) in try SigningToken.supplied(text) }
        let (token, secret) = try await service.rotate(owner: owner, name: request.input.name, token: supplied)
        request.logger.info(
            "secret rotated", metadata: ["owner": .string(owner), "secret": .string(secret.name), "version": .stringConvertible(secret.version)])
        return .init(name: secret.name, rotatedAt: Timestamp.iso8601(milliseconds: secret.rotatedAt ?? secret.createdAt), token: token.text)
    }

    public func delete(_ request: XRPCRequest<PlaceWispV2SecretDelete>) async throws -> PlaceWispV2SecretDelete.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        _ = try await service.delete(owner: owner, name: request.input.name)
        request.logger.info("secret deleted", metadata: ["owner": .string(owner), "secret": .string(request.input.name)])
        return XRPCNothing()
    }

    public func list(_ request: XRPCRequest<PlaceWispV2SecretList>) async throws -> PlaceWispV2SecretList.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let page = try await service.list(owner: owner, cursor: request.params.cursor, limit: request.params.limit)
        return .init(
            cursor: page.cursor,
            secrets: page.secrets.map { secret in
                .init(
                    createdAt: Timestamp.iso8601(milliseconds: secret.createdAt),
                    lastRotatedAt: secret.rotatedAt.map { Timestamp.iso8601(milliseconds: $0) }, name: secret.name)
            })
    }

    /// wisp.place's rule for secret names (a `secretId` in a `place.wisp.v2.wh` record): 1–64 of `[A-Za-z0-9._-]`,
    /// and a valid record key (so not `.` or `..`). Secrets named before the rule keep working; new ones follow it.
    static func isWispSecretName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count), name != ".", name != ".." else { return false }
        return bytes.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }
}
