import AsyncHTTPClient
import Foundation
import Identity
import Lexicon
import NIOConcurrencyHelpers
import NIOCore
import XRPCClient
import XRPCMethods

/// Why an owner's call could not be made (not a declared error of the method: those are thrown as they are).
public struct OwnerConnectionError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// A deployed Sigil, reached as the signed-in account: each call with a service JWT its PDS mints
/// (`com.atproto.server.getServiceAuth`, `aud` = the service's DID with `#sigil`, `lxm` = the method, valid a
/// minute), or through the PDS (`atproto-proxy`). An expired access token is refreshed (and the session file
/// rewritten) before a call, or once when the PDS says it expired.
public final class OwnerConnection: Sendable {
    public let service: String
    /// The service's DID, read from its `/.well-known/did.json`.
    public let serviceDID: String
    public let viaPDS: Bool
    let file: SessionFile
    let http: HTTPClient
    private let session: NIOLockedValueBox<PDSSession>

    init(service: String, serviceDID: String, viaPDS: Bool, file: SessionFile, http: HTTPClient, session: PDSSession) {
        self.service = service
        self.serviceDID = serviceDID
        self.viaPDS = viaPDS
        self.file = file
        self.http = http
        self.session = NIOLockedValueBox(session)
    }

    /// The signed-in session and the service's DID; throws when signed out or the service cannot be read.
    ///
    /// The DID is `serviceDID` when given (the caller vouches for it). Otherwise the service's own
    /// `/.well-known/did.json` names it, and that claim is checked, since a host could claim another service's DID
    /// to collect service JWTs meant for it: a `did:web` must be the service's own host (and port), a `did:plc`'s
    /// document (from `documents`) must name the service as its `#sigil` endpoint.
    public static func open(
        service: String, file: SessionFile, viaPDS: Bool, serviceDID explicit: String? = nil, documents: (any DIDDocumentFetcher)? = nil,
        http: HTTPClient = .shared
    ) async throws(OwnerConnectionError) -> OwnerConnection {
        let stored: PDSSession?
        do {
            stored = try file.read()
        } catch {
            throw OwnerConnectionError(description: "cannot read the session in \(file.path): \(error)")
        }
        guard let stored else { throw OwnerConnectionError(description: "not signed in: run sigil account login <handle or DID> first") }
        let base = service.hasSuffix("/") ? String(service.dropLast()) : service
        if let explicit {
            guard explicit.hasPrefix("did:") else { throw OwnerConnectionError(description: "--service-did \(explicit) is not a DID") }
            return OwnerConnection(service: base, serviceDID: explicit, viaPDS: viaPDS, file: file, http: http, session: stored)
        }
        var request = HTTPClientRequest(url: base + "/.well-known/did.json")
        request.method = .GET
        let did: String
        do {
            let response = try await http.execute(request, deadline: .now() + .seconds(10))
            let body = try await response.body.collect(upTo: 64 << 10)
            guard response.status == .ok, let id = (try? JSONValue(parsing: Array(buffer: body)))?["id"]?.stringValue, id.hasPrefix("did:") else {
                throw OwnerConnectionError(description: "\(base)/.well-known/did.json answered \(response.status.code) without a DID document")
            }
            did = id
        } catch let error as OwnerConnectionError {
            throw error
        } catch {
            throw OwnerConnectionError(description: "cannot reach the service \(base): \(error)")
        }
        try await verify(claimed: did, service: base, documents: documents)
        return OwnerConnection(service: base, serviceDID: did, viaPDS: viaPDS, file: file, http: http, session: stored)
    }

    /// Refuses a DID the service claims but does not own.
    static func verify(claimed did: String, service: String, documents: (any DIDDocumentFetcher)?) async throws(OwnerConnectionError) {
        let advice = "; if you trust it, give its DID with --service-did (SIGIL_SERVICE_DID)"
        guard let url = URLComponents(string: service), let host = url.host?.lowercased() else {
            throw OwnerConnectionError(description: "\(service) is not a URL")
        }
        let authority = host + (url.port.map { ":\($0)" } ?? "")
        if did.hasPrefix("did:web:") {
            let named = String(did.dropFirst("did:web:".count)).replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%3a", with: ":")
                .lowercased()
            guard named == authority else {
                throw OwnerConnectionError(description: "\(service) claims to be \(did), which names another host\(advice)")
            }
            return
        }
        guard did.hasPrefix("did:plc:"), let documents else {
            throw OwnerConnectionError(description: "\(service) claims to be \(did), which cannot be checked here\(advice)")
        }
        let document: DIDDocument
        do {
            document = try await documents.fetch(did)
        } catch {
            throw OwnerConnectionError(description: "cannot resolve \(did), the DID \(service) claims: \(error)")
        }
        let endpoint = document.services["sigil"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        guard endpoint == service else {
            throw OwnerConnectionError(description: "\(service) claims to be \(did), whose document names another #sigil endpoint\(advice)")
        }
    }

    /// The session as it is now (refreshed ones included).
    public var current: PDSSession { session.withLockedValue { $0 } }

    /// Calls `method` as the signed-in account.
    public func call<Method: XRPCMethod>(_ method: Method.Type, parameters: Method.Parameters, input: Method.Input) async throws -> Method.Output {
        if let expiry = current.accessExpiry, expiry <= Int64(Date().timeIntervalSince1970) + 30 { try await refresh() }
        // The PDS says the access token expired or is no longer valid: refresh once (a refused refresh says the
        // session ended) and call again.
        let refreshable: Set<String> = ["ExpiredToken", "InvalidToken"]
        do {
            return try await client().call(method, parameters: parameters, input: input)
        } catch let error as XRPCClientError {
            guard viaPDS, case .response(_, let name, _) = error, refreshable.contains(name ?? "") else { throw error }
        } catch let error as PDSError where refreshable.contains(error.error ?? "") {
        }
        try await refresh()
        return try await client().call(method, parameters: parameters, input: input)
    }

    func client() -> XRPCClient {
        let session = current
        let audience = "\(serviceDID)#sigil"
        if viaPDS {
            return XRPCClient(service: session.pds, httpClient: http, authorization: .bearer(session.accessJwt), proxy: audience)
        }
        let pds = PDSClient(pds: session.pds, http: http)
        return XRPCClient(
            service: service, httpClient: http,
            authorization: .perCall { nsid in try await pds.serviceAuth(session, audience: audience, lxm: nsid) })
    }

    /// Refreshes the session at the PDS and stores it; a refused refresh means signing in again.
    public func refresh() async throws {
        let old = current
        let fresh: PDSSession
        do {
            fresh = try await PDSClient(pds: old.pds, http: http).refresh(old)
        } catch {
            if error.sessionEnded {
                throw OwnerConnectionError(
                    description: "the session of \(old.handle ?? old.did) at \(old.pds) has ended (\(error)): sign in again with sigil account login")
            }
            throw OwnerConnectionError(description: "cannot refresh the session at \(old.pds): \(error)")
        }
        // Stored first: the refresh token just used is spent, and the new one must not be lost with this process.
        do {
            try file.write(fresh)
        } catch {
            throw OwnerConnectionError(description: "cannot store the refreshed session in \(file.path): \(error)")
        }
        session.withLockedValue { $0 = fresh }
    }
}

extension OwnerConnection {
    /// A call without parameters.
    public func call<Method: XRPCMethod>(_ method: Method.Type, input: Method.Input) async throws -> Method.Output
    where Method.Parameters == XRPCNothing {
        try await call(method, parameters: XRPCNothing(), input: input)
    }

    /// A call without input.
    public func call<Method: XRPCMethod>(_ method: Method.Type, parameters: Method.Parameters) async throws -> Method.Output
    where Method.Input == XRPCNothing {
        try await call(method, parameters: parameters, input: XRPCNothing())
    }
}
