import Foundation
import HTTPTypes
import Identity
import Secrets
import WebhookSignature
import XRPC

/// XRPC authentication by atproto inter-service JWT: `Authorization: Bearer <token>`, scoped by `lxm`.
///
/// No `Authorization` header is "no credentials" (the pipeline answers `AuthenticationRequired` where a
/// method needs them); anything else that is not a valid token for this call is a `401` with the
/// verifier's error name. Messages never contain the token.
public struct ServiceAuthenticator: XRPCAuthenticator {
    let verifier: ServiceJWTVerifier
    /// Methods authenticated by a secret's own current token instead (`Authorization: Bearer whsec_…`).
    let secretTokens: SecretTokenAuthenticator?
    let tokenMethods: Set<String>

    /// - Parameters:
    ///   - secrets: Where `tokenMethods`' bearer tokens are looked up (by keyed fingerprint).
    ///   - tokenMethods: NSIDs that take a secret's current token and nothing else (a service JWT there is a 401).
    public init(verifier: ServiceJWTVerifier, secrets: SecretService? = nil, tokenMethods: Set<String> = []) {
        self.verifier = verifier
        self.secretTokens = secrets.map(SecretTokenAuthenticator.init(secrets:))
        self.tokenMethods = tokenMethods
    }

    public func authenticate(headers: HTTPFields, nsid: String, client: String?) async throws(XRPCError) -> XRPCPrincipal? {
        guard let header = headers[.authorization] else { return nil }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw .authenticationRequired(
                tokenMethods.contains(nsid)
                    ? "Authorization must use the Bearer scheme with the secret's current token"
                    : "Authorization must use the Bearer scheme with a service JWT")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if tokenMethods.contains(nsid) {
            guard let secretTokens else { throw .authenticationRequired("this method is not available") }
            return try await secretTokens.authenticate(bearer: token)
        }
        do {
            return XRPCPrincipal(did: try await verifier.verify(token, lxm: nsid, client: client))
        } catch  where error.retryAfter != nil {
            // Not a verdict on the token: this address has its share of first-time resolutions running.
            throw XRPCError(
                status: .tooManyRequests, name: "RateLimitExceeded", message: error.message, headers: [.retryAfter: String(error.retryAfter ?? 1)])
        } catch  where error.isUnavailable {
            // The token may be fine; the replay cache is not: never a 401 the caller would act on.
            throw XRPCError(status: .serviceUnavailable, name: "InternalServerError", message: error.message, headers: [.retryAfter: "1"])
        } catch {
            throw .authenticationRequired(error.message, name: error.name)
        }
    }
}

/// Authentication by a secret's own current token (`dev.sigil.secret.rotateWithToken`).
public struct SecretTokenAuthenticator: Sendable {
    let secrets: SecretService

    public init(secrets: SecretService) {
        self.secrets = secrets
    }

    /// The owner of the secret whose current, unexpired token `token` is, as a principal that stands for that
    /// secret only. Every way to be wrong (not a token, a made-up one, one that differs by a character, a
    /// previous, expired or deleted one) gets the same 401; a store outage is a 503.
    public func authenticate(bearer token: String) async throws(XRPCError) -> XRPCPrincipal {
        // Anything shaped like a token gets the one answer below, however it is wrong; only another kind of
        // credential (a service JWT is longer than a registered token may be) is told what this method takes.
        guard token.hasPrefix(SigningToken.prefix) || RegisteredToken.isValid(token) else {
            throw .authenticationRequired("this method takes the secret's current token (Bearer whsec_… or the token registered), not a service JWT")
        }
        do {
            let secret = try await secrets.secret(presenting: token)
            return XRPCPrincipal(did: secret.owner, credential: .bearerToken(subject: secret.name))
        } catch {
            if case .unavailable = error {
                throw XRPCError(status: .serviceUnavailable, name: "InternalServerError", message: "storage unavailable", headers: [.retryAfter: "1"])
            }
            throw .authenticationRequired("the bearer is not the current token of an active secret")
        }
    }
}
