import Foundation
import Lexicon
import Logging
import Secrets
import SigilAPI
import Sodium
import WebhookSignature
import XRPC

/// `dev.sigil.signingKey.*`: per-account Ed25519 signing keys for Standard Webhooks `v1a` deliveries. Every
/// method but `listPublic` needs the account's service JWT; `listPublic` is public (it only ever shows public
/// keys). No answer contains a secret key.
public struct SigilSigningKeysHandler: DevSigilSigningKeyHandler {
    let service: SigningKeyService

    /// Times are the service's (its clock, which tests set).
    public init(service: SigningKeyService) {
        self.service = service
    }

    public func create(_ request: XRPCRequest<DevSigilSigningKeyCreate>) async throws -> DevSigilSigningKeyCreate.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        // A webhook record's secretId must be able to name it.
        guard WispSecretsHandler.isWispSecretName(request.input.name) else {
            throw DevSigilSigningKeyCreate.DeclaredError.invalidRequest(
                "a signing key's name is 1–64 ASCII letters, digits, dots, underscores or hyphens (what a webhook's secretId can name)")
        }
        let key = try await service.create(owner: owner, name: request.input.name)
        request.logger.info("signing key created", metadata: ["owner": .string(owner), "key": .string(key.name)])
        return .init(createdAt: Self.time(key.createdAt), name: key.name, publicKey: Self.text(key.publicKey))
    }

    public func delete(_ request: XRPCRequest<DevSigilSigningKeyDelete>) async throws -> DevSigilSigningKeyDelete.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        try await service.delete(owner: owner, name: request.input.name)
        request.logger.info("signing key deleted", metadata: ["owner": .string(owner), "key": .string(request.input.name)])
        return XRPCNothing()
    }

    public func get(_ request: XRPCRequest<DevSigilSigningKeyGet>) async throws -> DevSigilSigningKeyGet.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        return .init(key: view(try await service.get(owner: owner, name: request.params.name)))
    }

    public func list(_ request: XRPCRequest<DevSigilSigningKeyList>) async throws -> DevSigilSigningKeyList.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        return .init(keys: try await service.list(owner: owner).map(view))
    }

    public func rotate(_ request: XRPCRequest<DevSigilSigningKeyRotate>) async throws -> DevSigilSigningKeyRotate.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let key = try await service.rotate(owner: owner, name: request.input.name, overlapSeconds: request.input.overlapSeconds.map(Int64.init))
        request.logger.info(
            "signing key rotated", metadata: ["owner": .string(owner), "key": .string(key.name), "version": .stringConvertible(key.version)])
        return .init(
            name: key.name, previousValidUntil: key.previous.map { Self.time($0.validUntil) }, publicKey: Self.text(key.publicKey),
            rotatedAt: Self.time(key.rotatedAt ?? key.validFrom))
    }

    public func setSchedule(_ request: XRPCRequest<DevSigilSigningKeySetSchedule>) async throws -> DevSigilSigningKeySetSchedule.Output {
        let owner = try SigilSecretsHandler.account(request.principal)
        let input = request.input
        var minute: Int64?
        if let at = input.at {
            guard let parsed = SigningKeySchedule.minuteOfDay(at) else {
                throw DevSigilSigningKeySetSchedule.DeclaredError.invalidRequest(
                    "at must be a UTC time of day as hh:mm (00:00–23:59), not \(at.prefix(16))")
            }
            guard input.intervalDays != nil else {
                throw DevSigilSigningKeySetSchedule.DeclaredError.invalidRequest("at needs intervalDays (without it the schedule is removed)")
            }
            minute = parsed
        }
        let schedule = input.intervalDays.map { SigningKeySchedule(intervalDays: Int64($0), minuteOfDay: minute) }
        let key = try await service.setSchedule(owner: owner, name: input.name, schedule, overlapSeconds: input.overlapSeconds.map(Int64.init))
        request.logger.info(
            "signing key schedule set",
            metadata: [
                "owner": .string(owner), "key": .string(key.name),
                "intervalDays": .string(schedule.map { String($0.intervalDays) } ?? "none"),
            ])
        return .init(key: view(key))
    }

    public func listPublic(_ request: XRPCRequest<DevSigilSigningKeyListPublic>) async throws -> DevSigilSigningKeyListPublic.Output {
        do {
            let keys = try await service.published(owner: request.params.did, name: request.params.name)
            return .init(
                keys: keys.map {
                    .init(publicKey: Self.text($0.publicKey), validFrom: Self.time($0.validFrom), validUntil: $0.validUntil.map(Self.time))
                })
        } catch {
            if case .notFound = error {
                throw DevSigilSigningKeyListPublic.DeclaredError.notFound("no signing key \(request.params.name) for that account")
            }
            throw error
        }
    }

    // MARK: - Mapping

    func view(_ key: StoredSigningKey) -> DevSigilSigningKeyDefs.KeyView {
        let now = service.now()
        let previous = key.livePrevious(at: now)
        let days = key.nextRotationAt.map { Int(max(0, $0 - now) / 86_400_000) }
        return .init(
            at: key.schedule?.minuteOfDay.map { SigningKeySchedule.text(minuteOfDay: $0) }, createdAt: Self.time(key.createdAt),
            daysUntilNextRotation: days, intervalDays: key.schedule.map { Int($0.intervalDays) }, lastMessage: key.lastMessage,
            lastRotatedAt: key.rotatedAt.map(Self.time), lastRotationManual: key.lastRotationManual, lastStatus: key.lastStatus,
            name: key.name, nextPublicKey: key.next.map { Self.text($0.publicKey) }, nextRotationAt: key.nextRotationAt.map(Self.time),
            overlapSeconds: Int(key.overlapSeconds), previousPublicKey: previous.map { Self.text($0.publicKey) },
            previousValidUntil: previous.map { Self.time($0.validUntil) }, publicKey: Self.text(key.publicKey),
            status: previous == nil ? "active" : "overlapping", version: Int(key.version))
    }

    /// `whpk_` + standard base64 (stored public keys are always 32 bytes).
    static func text(_ publicKey: [UInt8]) -> String { (try? WebhookPublicKey(bytes: publicKey))?.text ?? "" }
    static func time(_ milliseconds: Int64) -> String { Timestamp.iso8601(milliseconds: milliseconds) }
}
