import AsyncHTTPClient
import Foundation
import Identity
import NIOCore
import NetworkPolicy

/// An account as its owner signs in to it: the DID, the handle given (if one was), and the PDS its DID document names.
public struct ResolvedAccount: Sendable, Equatable {
    public let did: String
    public let handle: String?
    public let pds: String
}

/// Why an account could not be resolved; the message names the step.
public struct AccountResolutionError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// Handle → DID (the `_atproto.<handle>` TXT record `did=…`, else `https://<handle>/.well-known/atproto-did`),
/// DID → document (the PLC directory for `did:plc`, `/.well-known/did.json` for `did:web`) → the `#atproto_pds`
/// endpoint. Every HTTP call has one deadline over head and body, and a size limit.
public struct AccountResolver: Sendable {
    let dns: DNSTXTResolver
    let documents: any DIDDocumentFetcher
    let http: HTTPClient
    /// `http://` for the well-known handle document (tests on loopback).
    let insecureHTTP: Bool

    public init(dns: DNSTXTResolver, documents: any DIDDocumentFetcher, http: HTTPClient = .shared, insecureHTTP: Bool = false) {
        self.dns = dns
        self.documents = documents
        self.http = http
        self.insecureHTTP = insecureHTTP
    }

    /// Resolves a handle or a DID.
    public func resolve(_ identifier: String) async throws(AccountResolutionError) -> ResolvedAccount {
        let handle = identifier.hasPrefix("did:") ? nil : Self.normalized(identifier)
        let did: String
        if let handle {
            guard Self.isHandle(handle) else { throw AccountResolutionError(description: "\(identifier) is neither a handle nor a DID") }
            did = try await self.did(ofHandle: handle)
        } else {
            guard identifier.hasPrefix("did:plc:") || identifier.hasPrefix("did:web:") else {
                throw AccountResolutionError(description: "\(identifier): only did:plc and did:web accounts are supported")
            }
            did = identifier
        }
        let document: DIDDocument
        do {
            document = try await documents.fetch(did)
        } catch {
            throw AccountResolutionError(description: "cannot resolve \(did): \(error)")
        }
        guard let pds = document.services["atproto_pds"], pds.hasPrefix("https://") || (insecureHTTP && pds.hasPrefix("http://")) else {
            throw AccountResolutionError(description: "the DID document of \(did) names no PDS (#atproto_pds)")
        }
        return ResolvedAccount(did: did, handle: handle, pds: pds.hasSuffix("/") ? String(pds.dropLast()) : pds)
    }

    static func normalized(_ handle: String) -> String {
        (handle.hasPrefix("@") ? String(handle.dropFirst()) : handle).lowercased()
    }

    /// The atproto handle syntax: at least two labels of letters, digits and hyphens, at most 253 characters.
    static func isHandle(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.count >= 2
            && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
            }
    }

    func did(ofHandle handle: String) async throws(AccountResolutionError) -> String {
        var dnsProblem: String?
        do {
            let values = Set(try await dns.txt("_atproto.\(handle)").filter { $0.hasPrefix("did=") }.map { String($0.dropFirst(4)) })
            if values.count > 1 { throw AccountResolutionError(description: "_atproto.\(handle) has several TXT records naming different DIDs") }
            if let did = values.first {
                guard did.hasPrefix("did:") else { throw AccountResolutionError(description: "_atproto.\(handle) does not name a DID") }
                return did
            }
        } catch let error as AccountResolutionError {
            throw error
        } catch {
            dnsProblem = "\(error)"
        }
        // No TXT record (or DNS failed): the well-known document.
        var request = HTTPClientRequest(url: "\(insecureHTTP ? "http" : "https")://\(handle)/.well-known/atproto-did")
        request.method = .GET
        do {
            let response = try await http.execute(request, deadline: .now() + .seconds(10))
            guard response.status == .ok else {
                throw AccountResolutionError(
                    description:
                        "cannot resolve the handle \(handle): no _atproto TXT record\(dnsProblem.map { " (\($0))" } ?? ""), and its /.well-known/atproto-did answered \(response.status.code)"
                )
            }
            let body = try await response.body.collect(upTo: 2_048)
            let did = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
            guard did.hasPrefix("did:") else { throw AccountResolutionError(description: "\(handle)'s /.well-known/atproto-did is not a DID") }
            return did
        } catch let error as AccountResolutionError {
            throw error
        } catch {
            throw AccountResolutionError(
                description:
                    "cannot resolve the handle \(handle): no _atproto TXT record\(dnsProblem.map { " (\($0))" } ?? ""), and https://\(handle)/.well-known/atproto-did failed: \(error)"
            )
        }
    }
}
