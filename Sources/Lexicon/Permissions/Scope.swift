import Foundation

/// One OAuth scope string of the permission spec that concerns methods and records:
/// `include:<nsid>[?aud=<did#svc>]`, `rpc:<lxm>?aud=<aud>`, `repo:<collection>[?action=…]`.
///
/// Syntax: `resource[:positional][?key=value&…]`, case-sensitive printable ASCII; values may be
/// percent-encoded; an array is repeated keys; a parameter given positionally may not also be a key.
/// Scopes of other resources (`atproto`, `blob:…`, `account:…`, `identity:…`, `transition:…`) are kept as
/// ``other(_:)``: they grant no method or record write.
public enum Scope: Sendable, Hashable {
    case include(nsid: String, audience: String?)
    case rpc(methods: [String], audience: String)
    case repo(collections: [String], actions: Set<Permission.RepoAction>)
    case other(String)

    /// The longest scope string read (scopes arrive from outside).
    public static let maxLength = 2048

    /// Parses one scope string; the error names what is wrong.
    public init(parsing text: String) throws(ScopeError) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength else { throw ScopeError("a scope is 1 to \(Self.maxLength) bytes") }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw ScopeError("a scope is printable ASCII without spaces") }
        let (resource, positional, parameters) = try Self.split(text)
        func values(_ key: String, positionalAllowed: Bool) throws(ScopeError) -> [String] {
            let given = parameters.filter { $0.key == key }.map(\.value)
            if let positional, positionalAllowed {
                guard given.isEmpty else { throw ScopeError("\(key) is given both positionally and as ?\(key)=") }
                return [positional]
            }
            return given
        }
        func onlyKeys(_ allowed: Set<String>) throws(ScopeError) {
            if let unknown = parameters.first(where: { !allowed.contains($0.key) }) {
                throw ScopeError("\(resource) scopes have no parameter \"\(unknown.key)\"")
            }
        }
        switch resource {
        case "include":
            try onlyKeys(["aud"])
            guard let nsid = positional, NSID.isValid(nsid) else { throw ScopeError("include needs a permission set NSID: include:<nsid>") }
            let audiences = parameters.map(\.value)
            guard audiences.count <= 1 else { throw ScopeError("include takes at most one aud") }
            if let audience = audiences.first, !ServiceReference.isValid(audience) {
                throw ScopeError("include's aud must be a DID service reference like did:web:api.example.com#svc")
            }
            self = .include(nsid: nsid, audience: audiences.first)
        case "rpc":
            try onlyKeys(["lxm", "aud"])
            let methods = try values("lxm", positionalAllowed: true)
            guard !methods.isEmpty else { throw ScopeError("rpc needs at least one lxm") }
            for method in methods where method != "*" && !NSID.isValid(method) { throw ScopeError("rpc lxm \"\(method)\" is not an NSID or *") }
            let audiences = parameters.filter { $0.key == "aud" }.map(\.value)
            guard audiences.count == 1, let audience = audiences.first else { throw ScopeError("rpc needs exactly one aud") }
            guard audience == "*" || ServiceReference.isValid(audience) else { throw ScopeError("rpc aud must be * or a DID service reference") }
            guard !(audience == "*" && methods.contains("*")) else { throw ScopeError("rpc can not have both lxm and aud be *") }
            self = .rpc(methods: methods, audience: audience)
        case "repo":
            try onlyKeys(["collection", "action"])
            let collections = try values("collection", positionalAllowed: true)
            guard !collections.isEmpty else { throw ScopeError("repo needs at least one collection") }
            for collection in collections where collection != "*" && !NSID.isValid(collection) {
                throw ScopeError("repo collection \"\(collection)\" is not an NSID or *")
            }
            var actions: Set<Permission.RepoAction> = []
            for raw in parameters.filter({ $0.key == "action" }).map(\.value) {
                guard let action = Permission.RepoAction(rawValue: raw) else {
                    throw ScopeError("repo action \"\(raw)\" is not create, update or delete")
                }
                actions.insert(action)
            }
            self = .repo(collections: collections, actions: actions)
        default:
            self = .other(text)
        }
    }

    private static func split(_ text: String) throws(ScopeError) -> (String, String?, [(key: String, value: String)]) {
        let (head, query) = text.firstIndex(of: "?").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, nil)
        let colon = head.firstIndex(of: ":")
        let resource = colon.map { String(head[..<$0]) } ?? head
        guard !resource.isEmpty else { throw ScopeError("a scope starts with its resource name") }
        var positional: String?
        if let colon {
            guard let decoded = String(head[head.index(after: colon)...]).removingPercentEncoding, !decoded.isEmpty else {
                throw ScopeError("the value after \"\(resource):\" is empty or badly percent-encoded")
            }
            positional = decoded
        }
        var parameters: [(key: String, value: String)] = []
        if let query {
            for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let value = String(parts[1]).removingPercentEncoding, !value.isEmpty else {
                    throw ScopeError("\"\(pair)\" is not key=value")
                }
                parameters.append((String(parts[0]), value))
            }
        }
        return (resource, positional, parameters)
    }
}

/// A scope string that cannot be read, and why.
public struct ScopeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
