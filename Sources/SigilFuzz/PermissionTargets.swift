import Lexicon

enum PermissionTargets {
    static let seeds: [[UInt8]] = [
        "include:com.example.fuzz.auth?aud=did:web:api.example.com%23svc", "include:com.example.fuzz.auth",
        "rpc:com.example.a?aud=*", "rpc?lxm=*&aud=did:web:x.example%23y", "repo:com.example.p?action=create&action=delete",
        "repo:*", "atproto transition:generic", "blob:*/*", "include:com.example.nope",
    ].map { Array($0.utf8) }

    /// A scope value from outside: parses or is refused with a reason, never crashes; what parses expands,
    /// and a direct `rpc:`/`repo:` scope grants exactly what it names.
    static func scope(_ lexicons: FuzzLexicons) -> FuzzTarget {
        FuzzTarget(
            name: "scope", summary: "scope strings: no crash; direct rpc/repo scopes grant exactly what they name; includes expand",
            seeds: { seeds }
        ) { input in
            let text = String(decoding: input, as: UTF8.self)
            let grants: PermissionGrants
            do throws(ScopeError) {
                grants = try lexicons.catalog.grants(scope: text)
            } catch {
                if error.reason.isEmpty { fuzzFailure("scope", "refused without a reason", input: input) }
                return
            }
            let parts = text.split(separator: " ").compactMap { try? Scope(parsing: String($0)) }
            guard parts.count == text.split(separator: " ").count else { fuzzFailure("scope", "expanded a scope that does not parse", input: input) }
            for part in parts {
                switch part {
                case .rpc(let methods, let audience):
                    for method in methods where !grants.calls.contains(where: { $0.method == method && $0.audience == audience }) {
                        fuzzFailure("scope", "rpc scope does not grant \(method)", input: input)
                    }
                case .repo(let collections, let actions):
                    for collection in collections {
                        for action in actions.isEmpty ? Set(Permission.RepoAction.allCases) : actions
                        where !grants.allowsWrite(collection, action: action) {
                            fuzzFailure("scope", "repo scope does not grant \(action) \(collection)", input: input)
                        }
                    }
                case .include, .other:
                    break
                }
            }
            let included = parts.compactMap { if case .include(let nsid, _) = $0 { nsid } else { nil } }
            let direct = Set(
                parts.flatMap { part -> [String] in
                    switch part {
                    case .rpc(let methods, _): methods
                    case .repo(let collections, _): collections
                    default: []
                    }
                })
            for call in grants.calls
            where !direct.contains(call.method) && !included.contains(where: { PermissionAuthority.allows(set: $0, toGrant: call.method) }) {
                fuzzFailure("scope", "granted \(call.method), which no scope names and no included set may grant", input: input)
            }
        }
    }
}
