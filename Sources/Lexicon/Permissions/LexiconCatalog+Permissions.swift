/// What a set of scopes grants: method calls and record writes, with what was left out and why.
public struct PermissionGrants: Sendable, Hashable {
    /// A method call one may make.
    public struct Call: Sendable, Hashable, Comparable {
        /// An NSID, or `*` (any method; only a direct `rpc:` scope grants this).
        public let method: String
        /// `*`, or the DID service reference the call must be addressed to.
        public let audience: String

        public static func < (a: Call, b: Call) -> Bool { (a.method, a.audience) < (b.method, b.audience) }
    }

    /// A record write one may make.
    public struct Write: Sendable, Hashable, Comparable {
        /// An NSID, or `*` (only a direct `repo:` scope grants this).
        public let collection: String
        public let action: Permission.RepoAction

        public static func < (a: Write, b: Write) -> Bool { (a.collection, a.action) < (b.collection, b.action) }
    }

    /// A permission of an included set that grants nothing, and the rule that dropped it.
    public struct Dropped: Sendable, Hashable {
        public let set: String
        /// Index in the set's `permissions` array.
        public let index: Int
        public let reason: String
    }

    public var calls: Set<Call> = []
    public var writes: Set<Write> = []
    public var dropped: [Dropped] = []

    public init() {}

    /// Whether a call to `method` addressed to `audience` (a DID service reference) is granted.
    public func allowsCall(_ method: String, audience: String) -> Bool {
        calls.contains { ($0.method == method || $0.method == "*") && ($0.audience == "*" || $0.audience == audience) }
    }

    /// Whether `action` on records of `collection` is granted.
    public func allowsWrite(_ collection: String, action: Permission.RepoAction) -> Bool {
        writes.contains { ($0.collection == collection || $0.collection == "*") && $0.action == action }
    }
}

extension LexiconCatalog {
    /// What `scopes` grant, expanding each `include:` through the loaded permission set it names, as the
    /// permission spec describes: `inheritAud` permissions take the include's `aud` (and are dropped without one);
    /// permissions that name a wildcard, a DID audience, an NSID outside the set's namespace authority or a
    /// resource sets cannot hold are dropped, each recorded in ``PermissionGrants/dropped``.
    ///
    /// Throws when an `include:` names no loaded permission set.
    public func grants(_ scopes: [Scope]) throws(ScopeError) -> PermissionGrants {
        var grants = PermissionGrants()
        for scope in scopes {
            switch scope {
            case .rpc(let methods, let audience):
                for method in methods { grants.calls.insert(.init(method: method, audience: audience)) }
            case .repo(let collections, let actions):
                for collection in collections {
                    for action in actions.isEmpty ? Set(Permission.RepoAction.allCases) : actions {
                        grants.writes.insert(.init(collection: collection, action: action))
                    }
                }
            case .include(let nsid, let audience):
                guard let definition = definition(nsid), case .permissionSet(let set) = definition.kind else {
                    throw ScopeError("include:\(nsid) names no loaded permission set")
                }
                for permission in set.permissions {
                    func drop(_ reason: String) { grants.dropped.append(.init(set: nsid, index: permission.index, reason: reason)) }
                    func outsideAuthority(_ names: [String]) -> String? {
                        names.first { !PermissionAuthority.allows(set: nsid, toGrant: $0) }
                    }
                    switch permission.kind {
                    case .ignored(let resource):
                        drop("\(resource) permissions are not supported in a permission set")
                    case .repo(let collections, let actions):
                        if let name = outsideAuthority(collections) {
                            drop("\(name) is outside the set's namespace authority")
                            continue
                        }
                        for collection in collections {
                            for action in actions.isEmpty ? Set(Permission.RepoAction.allCases) : actions {
                                grants.writes.insert(.init(collection: collection, action: action))
                            }
                        }
                    case .rpc(let methods, let permissionAudience):
                        if let name = outsideAuthority(methods) {
                            drop("\(name) is outside the set's namespace authority")
                            continue
                        }
                        let resolved: String
                        switch permissionAudience {
                        case .any: resolved = "*"
                        case .service:
                            drop("a DID audience is not allowed inside a permission set")
                            continue
                        case .inherited:
                            guard let audience else {
                                drop("inheritAud, but the include names no aud")
                                continue
                            }
                            resolved = audience
                        }
                        for method in methods { grants.calls.insert(.init(method: method, audience: resolved)) }
                    }
                }
            case .other:
                continue
            }
        }
        return grants
    }

    /// Parses space-separated scope strings (an OAuth `scope` value) and expands them.
    public func grants(scope: String) throws(ScopeError) -> PermissionGrants {
        var scopes: [Scope] = []
        for part in scope.split(separator: " ") { scopes.append(try Scope(parsing: String(part))) }
        return try grants(scopes)
    }
}
