import Testing

@testable import Lexicon

/// Permission sets (`permission-set` lexicons) and the scopes that include them, by the permission spec.
@Suite("Permission sets and scopes")
struct PermissionSetTests {
    static func set(_ permissions: String, id: String = "app.example.authFull") -> String {
        #"{"lexicon": 1, "id": "\#(id)", "defs": {"main": {"type": "permission-set", "title": "Full", "title:lang": {"fr": "Complet"}, "permissions": [\#(permissions)]}}}"#
    }

    static let full = set(
        #"""
            {"type": "permission", "resource": "repo", "collection": ["app.example.post", "app.example.feed.like"], "action": ["create", "delete"]},
            {"type": "permission", "resource": "repo", "collection": ["app.example.profile"]},
            {"type": "permission", "resource": "rpc", "lxm": ["app.example.getFeed"], "aud": "*"},
            {"type": "permission", "resource": "rpc", "lxm": ["app.example.chat.send", "app.example.chat.list"], "inheritAud": true},
            {"type": "permission", "resource": "rpc", "lxm": ["com.other.steal"], "aud": "*"},
            {"type": "permission", "resource": "repo", "collection": ["*"]},
            {"type": "permission", "resource": "rpc", "lxm": ["app.example.x"], "aud": "did:web:api.example.com#svc"},
            {"type": "permission", "resource": "blob", "accept": ["image/*"]},
            {"type": "permission", "resource": "future", "thing": 1}
        """#)

    @Test func aPermissionSetLoadsTyped() throws {
        let catalog = try makeCatalog(Self.full)
        guard case .permissionSet(let set)? = catalog.definition("app.example.authFull")?.kind else {
            Issue.record("not a set")
            return
        }
        #expect(set.title == "Full" && set.titleByLanguage == ["fr": "Complet"])
        #expect(set.permissions.count == 9)
        #expect(set.permissions[0].kind == .repo(collections: ["app.example.post", "app.example.feed.like"], actions: [.create, .delete]))
        #expect(set.permissions[3].kind == .rpc(methods: ["app.example.chat.send", "app.example.chat.list"], audience: .inherited))
        #expect(set.permissions[8].kind == .ignored(resource: "future"))
        // What the spec says a server ignores is a warning at load, each with its rule.
        let rules = catalog.warnings.compactMap(\.rule)
        #expect(rules.filter { $0 == "permission-authority" }.count == 1)
        #expect(rules.contains("permission-set-wildcard") && rules.contains("permission-set-aud"))
        #expect(rules.filter { $0 == "permission-set-resource" }.count == 2)
    }

    @Test func includeExpandsWithTheIncludesAudience() throws {
        let catalog = try makeCatalog(Self.full)
        let grants = try catalog.grants(scope: "include:app.example.authFull?aud=did:web:chat.example.com%23svc_chat")
        #expect(grants.allowsCall("app.example.getFeed", audience: "did:web:anything.example#x"))
        #expect(grants.allowsCall("app.example.chat.send", audience: "did:web:chat.example.com#svc_chat"))
        #expect(!grants.allowsCall("app.example.chat.send", audience: "did:web:evil.example#svc_chat"))
        #expect(!grants.allowsCall("com.other.steal", audience: "did:web:chat.example.com#svc_chat"))
        #expect(!grants.allowsCall("app.example.x", audience: "did:web:api.example.com#svc"))
        #expect(grants.allowsWrite("app.example.post", action: .create))
        #expect(!grants.allowsWrite("app.example.post", action: .update))
        #expect(grants.allowsWrite("app.example.feed.like", action: .delete))
        #expect(grants.allowsWrite("app.example.profile", action: .update))
        #expect(!grants.allowsWrite("com.other.anything", action: .create))
        #expect(grants.dropped.map(\.index) == [4, 5, 6, 7, 8])
        #expect(grants.dropped[0].reason == "com.other.steal is outside the set's namespace authority")
    }

    @Test func inheritAudWithoutAnIncludeAudienceGrantsNothing() throws {
        let grants = try makeCatalog(Self.full).grants(scope: "include:app.example.authFull")
        #expect(!grants.calls.contains { $0.method == "app.example.chat.send" })
        #expect(grants.dropped.contains { $0.index == 3 && $0.reason == "inheritAud, but the include names no aud" })
        #expect(grants.allowsCall("app.example.getFeed", audience: "did:web:x.example#y"))
    }

    @Test func theNamespaceAuthorityRule() {
        let set = "app.example.feed.authPost"
        for allowed in ["app.example.feed.post", "app.example.feed.like.x"] {
            #expect(PermissionAuthority.allows(set: set, toGrant: allowed), "\(allowed)")
        }
        for refused in ["app.example.actor.profile", "app.example.feed", "app.example.feedx.post", "app.example.", "*", "com.example.feed.post"] {
            #expect(!PermissionAuthority.allows(set: set, toGrant: refused), "\(refused)")
        }
    }

    /// What is invalid in a permission set: the loader refuses, naming the permission and the rule.
    static let invalid: [(label: String, permission: String, path: String, rule: String)] = [
        (
            "aud with inheritAud", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"],"aud":"*","inheritAud":true}"#,
            "/defs/main/permissions/0", "must not also declare \"aud\""
        ),
        (
            "neither aud nor inheritAud", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"]}"#, "/defs/main/permissions/0",
            "needs \"aud\""
        ),
        (
            "inheritAud false and no aud", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"],"inheritAud":false}"#,
            "/defs/main/permissions/0", "needs \"aud\""
        ),
        (
            "lxm and aud both *", #"{"type":"permission","resource":"rpc","lxm":["*"],"aud":"*"}"#, "/defs/main/permissions/0",
            "both \"lxm\" and \"aud\" be \"*\""
        ),
        (
            "aud not a service reference", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"],"aud":"did:web:api.example.com"}"#,
            "/defs/main/permissions/0/aud", "DID service reference"
        ),
        (
            "aud not a string", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"],"aud":["*"]}"#, "/defs/main/permissions/0/aud",
            "must be a string"
        ),
        (
            "inheritAud not a boolean", #"{"type":"permission","resource":"rpc","lxm":["app.example.x"],"inheritAud":"yes"}"#,
            "/defs/main/permissions/0/inheritAud", "must be a boolean"
        ),
        ("lxm missing", #"{"type":"permission","resource":"rpc","aud":"*"}"#, "/defs/main/permissions/0", "needs \"lxm\""),
        ("lxm empty", #"{"type":"permission","resource":"rpc","lxm":[],"aud":"*"}"#, "/defs/main/permissions/0/lxm", "non-empty array"),
        ("lxm not an NSID", #"{"type":"permission","resource":"rpc","lxm":["nope"],"aud":"*"}"#, "/defs/main/permissions/0/lxm/0", "valid NSID"),
        ("collection missing", #"{"type":"permission","resource":"repo"}"#, "/defs/main/permissions/0", "needs \"collection\""),
        (
            "action unknown", #"{"type":"permission","resource":"repo","collection":["app.example.p"],"action":["read"]}"#,
            "/defs/main/permissions/0/action", "create, update, delete"
        ),
        (
            "action wrong case", #"{"type":"permission","resource":"repo","collection":["app.example.p"],"action":["Create"]}"#,
            "/defs/main/permissions/0/action", "case-sensitive"
        ),
        (
            "action repeated", #"{"type":"permission","resource":"repo","collection":["app.example.p"],"action":["create","create"]}"#,
            "/defs/main/permissions/0/action", "must not repeat"
        ),
        (
            "not type permission", #"{"type":"perm","resource":"repo","collection":["app.example.p"]}"#, "/defs/main/permissions/0",
            "\"type\": \"permission\""
        ),
        ("no resource", #"{"type":"permission"}"#, "/defs/main/permissions/0", "needs a string \"resource\""),
        ("bad language tag", "", "/defs/main/title:lang/not a tag", "not a valid language tag"),
    ]

    @Test(arguments: invalid.indices)
    func invalidPermissionsAreRefused(_ index: Int) {
        let (label, permission, path, rule) = Self.invalid[index]
        let json =
            permission.isEmpty
            ? #"{"lexicon":1,"id":"app.example.s","defs":{"main":{"type":"permission-set","title:lang":{"not a tag":"x"},"permissions":[]}}}"#
            : Self.set(permission)
        let found = problems(json)
        #expect(found.contains { $0.path == path && $0.message.contains(rule) && $0.severity == .error }, "\(label): \(found.map(\.description))")
    }

    static let scopes: [(text: String, scope: Scope?)] = [
        ("include:app.example.authFull", .include(nsid: "app.example.authFull", audience: nil)),
        (
            "include:app.example.authFull?aud=did:web:api.example.com%23svc",
            .include(nsid: "app.example.authFull", audience: "did:web:api.example.com#svc")
        ),
        ("rpc:app.example.moderation.createReport?aud=*", .rpc(methods: ["app.example.moderation.createReport"], audience: "*")),
        ("rpc?lxm=*&aud=did:web:api.example.com%23svc_appview", .rpc(methods: ["*"], audience: "did:web:api.example.com#svc_appview")),
        ("rpc?lxm=app.example.a&lxm=app.example.b&aud=*", .rpc(methods: ["app.example.a", "app.example.b"], audience: "*")),
        ("repo:app.example.profile?action=create&action=update", .repo(collections: ["app.example.profile"], actions: [.create, .update])),
        ("repo:*", .repo(collections: ["*"], actions: [])),
        ("atproto", .other("atproto")),
        ("blob:*/*", .other("blob:*/*")),
        // Refused, each for a stated reason.
        ("include:app.example.authFull?aud=*", nil),
        ("include:not-an-nsid", nil),
        ("include:app.example.a?aud=did:web:x%23a&aud=did:web:y%23b", nil),
        ("rpc:*?aud=*", nil),
        ("rpc:app.example.a", nil),
        ("rpc:app.example.a?lxm=app.example.b&aud=*", nil),
        ("rpc:app.example.a?aud=*&extra=1", nil),
        ("repo:app.example.p?action=read", nil),
        ("repo:app.example.p?action", nil),
        ("rpc:app.example.a?aud=%ZZ", nil),
        ("rpc:app.example.a aud=*", nil),
        ("", nil),
        (String(repeating: "a", count: 3000), nil),
    ]

    @Test(arguments: scopes.indices)
    func scopeStrings(_ index: Int) {
        let (text, expected) = Self.scopes[index]
        do {
            let scope = try Scope(parsing: text)
            #expect(scope == expected, "\(text)")
        } catch {
            #expect(expected == nil, "\(text): \(error)")
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func directScopesAndIncludesCombine() throws {
        let catalog = try makeCatalog(Self.full)
        let grants = try catalog.grants(
            scope: "atproto rpc:com.other.read?aud=did:web:o.example%23svc repo:com.other.thing?action=create include:app.example.authFull")
        #expect(grants.allowsCall("com.other.read", audience: "did:web:o.example#svc"))
        #expect(!grants.allowsCall("com.other.read", audience: "did:web:p.example#svc"))
        #expect(grants.allowsWrite("com.other.thing", action: .create))
        #expect(grants.allowsWrite("app.example.profile", action: .create))
        #expect(throws: ScopeError("include:app.example.nope names no loaded permission set")) {
            try catalog.grants(scope: "include:app.example.nope")
        }
    }
}
