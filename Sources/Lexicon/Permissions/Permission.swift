/// One `permission` of a `permission-set` lexicon, as the permission spec defines it for sets.
///
/// Only `repo` and `rpc` permissions mean anything inside a set; the loader keeps others as
/// ``Permission/Kind/ignored(resource:)`` (the spec says to ignore them), warning about each.
public struct Permission: Sendable, Hashable {
    /// What the permission grants.
    public enum Kind: Sendable, Hashable {
        /// Writes to records of these collections; `actions` empty means all three.
        case repo(collections: [String], actions: Set<RepoAction>)
        /// Calls to these methods (`lxm`), at an audience.
        case rpc(methods: [String], audience: Audience)
        /// A resource that has no meaning in a permission set (`blob`, `account`, `identity`, or unknown).
        case ignored(resource: String)
    }

    /// A record write action.
    public enum RepoAction: String, Sendable, Hashable, CaseIterable, Comparable {
        case create, update, delete

        public static func < (a: RepoAction, b: RepoAction) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// Which service an `rpc` permission may call.
    public enum Audience: Sendable, Hashable, CustomStringConvertible {
        /// `aud: "*"`: any service.
        case any
        /// `inheritAud: true`: the `aud` of the `include:` scope that brings the set in.
        case inherited
        /// A DID service reference (`did:web:api.example.com#svc`). The spec forbids these inside sets;
        /// the loader warns and expansion drops the permission.
        case service(String)

        public var description: String {
            switch self {
            case .any: "*"
            case .inherited: "(inherited)"
            case .service(let reference): reference
            }
        }
    }

    public let kind: Kind
    /// The permission's position in the set's `permissions` array.
    public let index: Int

    public init(kind: Kind, index: Int) {
        self.kind = kind
        self.index = index
    }
}

/// A `permission-set` definition.
public struct PermissionSetSchema: Sendable {
    public let title: String?
    /// Translations of the title, by language tag.
    public let titleByLanguage: [String: String]
    public let detail: String?
    /// Translations of the detail, by language tag.
    public let detailByLanguage: [String: String]
    /// The permissions in declaration order (ignored resources included, marked so).
    public let permissions: [Permission]
}

/// The namespace-authority rule of permission sets: a set may address NSIDs in its own group and below it,
/// never siblings or parents. `app.example.feed.authPost` may grant `app.example.feed.post` or
/// `app.example.feed.like.x`, but not `app.example.actor.profile`.
public enum PermissionAuthority {
    /// Whether the set `setNSID` may grant `nsid`: `nsid` starts with the set's NSID up to and including its
    /// last dot, and is longer than that. A wildcard is never under any authority.
    public static func allows(set setNSID: String, toGrant nsid: String) -> Bool {
        guard nsid != "*", let lastDot = setNSID.lastIndex(of: ".") else { return false }
        let group = setNSID[...lastDot]
        return nsid.count > group.count && nsid.hasPrefix(group)
    }
}

/// DID service references, the `aud` of `rpc` scopes: `did:…#fragment`.
public enum ServiceReference {
    /// Whether `value` is a DID followed by a non-empty `#fragment`.
    public static func isValid(_ value: String) -> Bool {
        guard let hash = value.firstIndex(of: "#") else { return false }
        let fragment = value[value.index(after: hash)...]
        guard !fragment.isEmpty, fragment.utf8.count <= 256,
            fragment.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E
            })
        else { return false }
        return DID.isValid(String(value[..<hash]))
    }
}
