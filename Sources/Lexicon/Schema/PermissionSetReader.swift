/// Reading `permission-set` definitions, by the permission spec (and, where it is silent, the Go implementation).
///
/// Errors: what the spec and indigo both call invalid (`aud` together with `inheritAud`, neither of them,
/// `lxm` and `aud` both `*`, malformed NSIDs and actions). Warnings: what the spec says a server must
/// ignore rather than refuse (resources other than `repo` and `rpc`, wildcards and DID audiences inside a set,
/// NSIDs outside the set's namespace authority); ``LexiconCatalog/grants(_:)`` drops those permissions.
extension SchemaReader {
    mutating func permissionSet(_ object: [String: JSONValue], at path: String) -> PermissionSetSchema? {
        checkKeys(object, allowed: ["title", "title:lang", "detail", "detail:lang", "permissions"], at: path, type: "permission-set")
        let title = string(object, "title", at: path)
        let detail = string(object, "detail", at: path)
        let titles = languageMap(object, "title:lang", at: path)
        let details = languageMap(object, "detail:lang", at: path)
        guard let list = object["permissions"] else {
            problem(path, "a permission-set needs \"permissions\"")
            return nil
        }
        let listPath = JSONPointer.appending(path, "permissions")
        guard let items = list.arrayValue else {
            problem(listPath, "\"permissions\" must be an array")
            return nil
        }
        var permissions: [Permission] = []
        for (i, item) in items.enumerated() {
            if let kind = permission(item, at: JSONPointer.appending(listPath, i)) { permissions.append(Permission(kind: kind, index: i)) }
        }
        return PermissionSetSchema(title: title, titleByLanguage: titles, detail: detail, detailByLanguage: details, permissions: permissions)
    }

    private mutating func languageMap(_ object: [String: JSONValue], _ key: String, at path: String) -> [String: String] {
        guard let value = object[key] else { return [:] }
        let mapPath = JSONPointer.appending(path, key)
        guard let map = value.objectValue else {
            problem(mapPath, "\"\(key)\" must be an object of language tag → string")
            return [:]
        }
        var result: [String: String] = [:]
        for (language, text) in map {
            if !LanguageTag.isValid(language) { problem(JSONPointer.appending(mapPath, language), "\"\(language)\" is not a valid language tag") }
            guard let text = text.stringValue else {
                problem(JSONPointer.appending(mapPath, language), "must be a string")
                continue
            }
            result[language] = text
        }
        return result
    }

    private mutating func permission(_ item: JSONValue, at path: String) -> Permission.Kind? {
        guard let permission = item.objectValue else {
            problem(path, "a permission must be an object")
            return nil
        }
        if permission["type"]?.stringValue != "permission" { problem(path, "a permission needs \"type\": \"permission\"") }
        guard let resource = permission["resource"]?.stringValue else {
            problem(path, "a permission needs a string \"resource\"")
            return nil
        }
        switch resource {
        case "repo":
            checkKeys(permission, allowed: ["resource", "collection", "action"], at: path, type: "repo permission")
            guard let collections = nsidList(permission["collection"], name: "collection", at: path) else { return nil }
            var actions: Set<Permission.RepoAction> = []
            if let value = permission["action"] {
                let actionPath = JSONPointer.appending(path, "action")
                let names = value.arrayValue?.compactMap(\.stringValue) ?? []
                let parsed = names.compactMap(Permission.RepoAction.init(rawValue:))
                if value.arrayValue == nil || parsed.count != value.arrayValue!.count {
                    problem(actionPath, "\"action\" must be an array of create, update, delete (case-sensitive)")
                    return nil
                }
                actions = Set(parsed)
                if actions.count != parsed.count { problem(actionPath, "\"action\" must not repeat a value") }
            }
            return .repo(collections: collections, actions: actions)
        case "rpc":
            checkKeys(permission, allowed: ["resource", "lxm", "aud", "inheritAud"], at: path, type: "rpc permission")
            guard let methods = nsidList(permission["lxm"], name: "lxm", at: path) else { return nil }
            let inherit: Bool
            switch permission["inheritAud"] {
            case nil: inherit = false
            case .bool(let value)?: inherit = value
            case let other?:
                problem(JSONPointer.appending(path, "inheritAud"), "\"inheritAud\" must be a boolean, not \(other.typeName)")
                return nil
            }
            let audPath = JSONPointer.appending(path, "aud")
            switch (permission["aud"], inherit) {
            case (nil, false):
                problem(path, "an rpc permission needs \"aud\" (\"*\" inside a permission set) unless \"inheritAud\" is true")
                return nil
            case (nil, true):
                return .rpc(methods: methods, audience: .inherited)
            case (_?, true):
                problem(path, "an rpc permission with \"inheritAud\": true must not also declare \"aud\"")
                return nil
            case (.string("*")?, false):
                if methods.contains("*") {
                    problem(path, "an rpc permission can not have both \"lxm\" and \"aud\" be \"*\"")
                    return nil
                }
                return .rpc(methods: methods, audience: .any)
            case (.string(let reference)?, false):
                guard ServiceReference.isValid(reference) else {
                    problem(audPath, "\"aud\" must be \"*\" or a DID service reference like did:web:api.example.com#svc")
                    return nil
                }
                warn(
                    audPath, "a DID audience is not allowed inside a permission set (use \"*\" or \"inheritAud\"); the permission is ignored",
                    rule: "permission-set-aud")
                return .rpc(methods: methods, audience: .service(reference))
            case (let other?, false):
                problem(audPath, "\"aud\" must be a string, not \(other.typeName)")
                return nil
            }
        case "blob", "account", "identity":
            warn(
                JSONPointer.appending(path, "resource"), "\(resource) permissions are not supported in a permission set and are ignored",
                rule: "permission-set-resource")
            return .ignored(resource: resource)
        default:
            warn(JSONPointer.appending(path, "resource"), "unknown permission resource \"\(resource)\", ignored", rule: "permission-set-resource")
            return .ignored(resource: resource)
        }
    }

    /// A required, non-empty array of NSIDs (or `*`, which a set may not use: a warning). Also warns about NSIDs
    /// outside this set's namespace authority.
    private mutating func nsidList(_ value: JSONValue?, name: String, at path: String) -> [String]? {
        let listPath = JSONPointer.appending(path, name)
        guard let value else {
            problem(path, "a \(name == "lxm" ? "rpc" : "repo") permission needs \"\(name)\": a non-empty array of NSIDs")
            return nil
        }
        guard let items = value.arrayValue, !items.isEmpty else {
            problem(listPath, "must be a non-empty array of NSIDs")
            return nil
        }
        var result: [String] = []
        var failed = false
        for (i, item) in items.enumerated() {
            let itemPath = JSONPointer.appending(listPath, i)
            guard let raw = item.stringValue, raw == "*" || NSID.isValid(raw) else {
                problem(itemPath, "must be a valid NSID")
                failed = true
                continue
            }
            if raw == "*" {
                warn(itemPath, "wildcards are not supported inside a permission set; the permission is ignored", rule: "permission-set-wildcard")
            } else if !PermissionAuthority.allows(set: nsid.rawValue, toGrant: raw) {
                warn(
                    itemPath, "\(raw) is outside the namespace authority of \(nsid) (its group and below); the permission is ignored",
                    rule: "permission-authority")
            }
            result.append(raw)
        }
        return failed ? nil : result
    }
}
