import HTTPTypes
import Identity
import XRPC

/// XRPC authentication by atproto inter-service JWT: `Authorization: Bearer <token>`, scoped by `lxm`.
///
/// No `Authorization` header is "no credentials" (the pipeline answers `AuthenticationRequired` where a
/// method needs them); anything else that is not a valid token for this call is a `401` with the
/// verifier's error name. Messages never contain the token.
public struct ServiceAuthenticator: XRPCAuthenticator {
    let verifier: ServiceJWTVerifier

    public init(verifier: ServiceJWTVerifier) {
        self.verifier = verifier
    }

    public func authenticate(headers: HTTPFields, nsid: String) async throws(XRPCError) -> XRPCPrincipal? {
        guard let header = headers[.authorization] else { return nil }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw .authenticationRequired("Authorization must use the Bearer scheme with a service JWT")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        do {
            return XRPCPrincipal(did: try await verifier.verify(token, lxm: nsid))
        } catch where error.isUnavailable {
            // The token may be fine; the replay cache is not: never a 401 the caller would act on.
            throw XRPCError(status: .serviceUnavailable, name: "InternalServerError", message: error.message, headers: [.retryAfter: "1"])
        } catch {
            throw .authenticationRequired(error.message, name: error.name)
        }
    }
}

import Foundation
