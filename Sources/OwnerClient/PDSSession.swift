import AsyncHTTPClient
import Foundation
import Identity
import Lexicon
import NIOCore
import NIOHTTP1

/// A signed-in session at the account's PDS, as `sigil account login` keeps it.
public struct PDSSession: Codable, Sendable, Equatable {
    public var did: String
    public var handle: String?
    public var pds: String
    public var accessJwt: String
    public var refreshJwt: String

    public init(did: String, handle: String?, pds: String, accessJwt: String, refreshJwt: String) {
        self.did = did
        self.handle = handle
        self.pds = pds
        self.accessJwt = accessJwt
        self.refreshJwt = refreshJwt
    }

    /// When the access token expires (its `exp`, Unix seconds), if it says.
    public var accessExpiry: Int64? { Self.expiry(ofJWT: accessJwt) }

    static func expiry(ofJWT token: String) -> Int64? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]).flatMap({ try? JSONValue(parsing: $0) }) else { return nil }
        return payload["exp"]?.integerValue
    }
}

/// Why the PDS refused or failed a call: its XRPC error name and message, or what went wrong on the way.
public struct PDSError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int?
    public let error: String?
    public let message: String

    /// The session can no longer be used (expired or revoked refresh token): sign in again.
    public var sessionEnded: Bool { ["ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown"].contains(error ?? "") }

    public var description: String {
        [status.map { "HTTP \($0)" }, error, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": ")
    }
}

/// The three PDS methods the owner's command line needs: `com.atproto.server.createSession`,
/// `.refreshSession` and `.getServiceAuth`. One deadline per call over head and body; answers at most 64 KiB.
public struct PDSClient: Sendable {
    public let pds: String
    let http: HTTPClient
    let timeout: Duration

    public init(pds: String, http: HTTPClient = .shared, timeout: Duration = .seconds(15)) {
        self.pds = pds.hasSuffix("/") ? String(pds.dropLast()) : pds
        self.http = http
        self.timeout = timeout
    }

    /// Signs in with an app password; `identifier` is the handle or DID.
    public func createSession(identifier: String, password: String, handle: String?) async throws(PDSError) -> PDSSession {
        let answer = try await call(
            "com.atproto.server.createSession", method: .POST, bearer: nil,
            body: ["identifier": .string(identifier), "password": .string(password)])
        return try session(answer, handle: handle)
    }

    /// A new access token (and refresh token) for `session`.
    public func refresh(_ session: PDSSession) async throws(PDSError) -> PDSSession {
        let answer = try await call("com.atproto.server.refreshSession", method: .POST, bearer: session.refreshJwt, body: nil)
        return try self.session(answer, handle: session.handle)
    }

    /// Ends `session` at the PDS (its refresh token stops working).
    public func deleteSession(_ session: PDSSession) async throws(PDSError) {
        _ = try await call("com.atproto.server.deleteSession", method: .POST, bearer: session.refreshJwt, body: nil, expectBody: false)
    }

    /// A service JWT for `audience`, scoped to `lxm`, valid for `seconds`.
    public func serviceAuth(_ session: PDSSession, audience: String, lxm: String, seconds: Int64 = 60) async throws(PDSError) -> String {
        let exp = Int64(Date().timeIntervalSince1970) + seconds
        let query = "?aud=\(Self.escape(audience))&lxm=\(Self.escape(lxm))&exp=\(exp)"
        let answer = try await call("com.atproto.server.getServiceAuth" + query, method: .GET, bearer: session.accessJwt, body: nil)
        guard let token = answer["token"]?.stringValue else { throw PDSError(status: nil, error: nil, message: "getServiceAuth answered no token") }
        return token
    }

    /// Writes `record` at `collection/rkey` in the session's repo (`com.atproto.repo.putRecord`); the new record's CID.
    public func putRecord(_ session: PDSSession, collection: String, rkey: String, record: JSONValue) async throws(PDSError) -> String {
        let input: JSONValue = ["repo": .string(session.did), "collection": .string(collection), "rkey": .string(rkey), "record": record]
        let answer = try await call("com.atproto.repo.putRecord", method: .POST, bearer: session.accessJwt, body: input)
        guard let cid = answer["cid"]?.stringValue else { throw PDSError(status: nil, error: nil, message: "putRecord answered no cid") }
        return cid
    }

    func session(_ answer: JSONValue, handle: String?) throws(PDSError) -> PDSSession {
        guard let did = answer["did"]?.stringValue, let access = answer["accessJwt"]?.stringValue, let refresh = answer["refreshJwt"]?.stringValue
        else { throw PDSError(status: nil, error: nil, message: "the PDS answered no session (did, accessJwt, refreshJwt)") }
        return PDSSession(did: did, handle: answer["handle"]?.stringValue ?? handle, pds: pds, accessJwt: access, refreshJwt: refresh)
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    func call(_ path: String, method: HTTPMethod, bearer: String?, body: JSONValue?, expectBody: Bool = true) async throws(PDSError) -> JSONValue {
        var request = HTTPClientRequest(url: "\(pds)/xrpc/\(path)")
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, deadline: .now() + .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 64 << 10)
        } catch {
            throw PDSError(status: nil, error: nil, message: "the PDS \(pds) did not answer: \(error)")
        }
        let json = try? JSONValue(parsing: Array(buffer: bytes))
        guard (200..<300).contains(status) else {
            throw PDSError(status: status, error: json?["error"]?.stringValue, message: json?["message"]?.stringValue ?? "")
        }
        guard let json else {
            if !expectBody { return .null }
            throw PDSError(status: status, error: nil, message: "the PDS answered something that is not JSON")
        }
        return json
    }
}
