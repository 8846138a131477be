import Lexicon

/// The per-type comparisons of ``BreakingWalk``.
extension BreakingWalk {
    mutating func compareObject(_ a: [String: JSONValue], _ b: [String: JSONValue], at path: String, flow: Flow) {
        let oldProperties = a["properties"]?.objectValue ?? [:]
        let newProperties = b["properties"]?.objectValue ?? [:]
        let oldRequired = Self.names(a["required"])
        let newRequired = Self.names(b["required"])
        let oldNullable = Self.names(a["nullable"])
        let newNullable = Self.names(b["nullable"])
        let propertiesPath = JSONPointer.appending(path, "properties")
        for name in oldProperties.keys.sorted() {
            let propertyPath = JSONPointer.appending(propertiesPath, name)
            guard let newProperty = newProperties[name] else {
                report("property-removed", propertiesPath, "\"\(name)\" is gone", severity: flow.wideningBreaks ? .error : .warning)
                continue
            }
            compareSchemas(oldProperties[name], newProperty, at: propertyPath, flow: flow)
        }
        if flow.narrowingBreaks {
            for name in newRequired.subtracting(oldRequired).sorted() {
                report("required-added", JSONPointer.appending(path, "required"), "\"\(name)\" is now required")
            }
            for name in oldNullable.subtracting(newNullable).sorted() where newProperties[name] != nil {
                report("nullable-removed", JSONPointer.appending(path, "nullable"), "\"\(name)\" is no longer nullable")
            }
        }
        if flow.wideningBreaks {
            for name in oldRequired.subtracting(newRequired).sorted() where newProperties[name] != nil {
                report("required-removed", JSONPointer.appending(path, "required"), "\"\(name)\" is no longer required")
            }
            for name in newNullable.subtracting(oldNullable).sorted() where oldProperties[name] != nil {
                report("nullable-added", JSONPointer.appending(path, "nullable"), "\"\(name)\" may now be null")
            }
        }
    }

    mutating func compareLengths(_ a: [String: JSONValue], _ b: [String: JSONValue], at path: String, flow: Flow, keys: [(max: String, min: String)])
    {
        guard flow.narrowingBreaks else { return }
        for (maxKey, minKey) in keys {
            if let narrowed = Self.narrowedBound(a[maxKey], b[maxKey], isMaximum: true) {
                report("length-narrowed", JSONPointer.appending(path, maxKey), narrowed)
            }
            if let narrowed = Self.narrowedBound(a[minKey], b[minKey], isMaximum: false) {
                report("length-narrowed", JSONPointer.appending(path, minKey), narrowed)
            }
        }
    }

    /// A bound that now refuses values it accepted: added, or moved inwards.
    static func narrowedBound(_ old: JSONValue?, _ new: JSONValue?, isMaximum: Bool) -> String? {
        guard let newValue = new?.integerValue else { return nil }
        guard let oldValue = old?.integerValue else { return "a bound of \(newValue) was added" }
        if isMaximum ? newValue < oldValue : newValue > oldValue { return "changed from \(oldValue) to \(newValue)" }
        return nil
    }

    mutating func compareValueSets(_ a: [String: JSONValue], _ b: [String: JSONValue], at path: String, flow: Flow) {
        if a["const"] != b["const"] {
            report("const-changed", path, "const changed from \(a["const"]?.jsonString ?? "none") to \(b["const"]?.jsonString ?? "none")")
        }
        let oldEnum = a["enum"]?.arrayValue.map(Set.init)
        let newEnum = b["enum"]?.arrayValue.map(Set.init)
        let enumPath = JSONPointer.appending(path, "enum")
        switch (oldEnum, newEnum) {
        case (nil, let new?):
            if flow.narrowingBreaks { report("enum-narrowed", enumPath, "an enum (\(new.count) values) was added") }
        case (_?, nil):
            if flow.wideningBreaks { report("enum-widened", path, "the enum was removed: any value may now arrive") }
        case (let old?, let new?):
            let removed = old.subtracting(new)
            let added = new.subtracting(old)
            if flow.narrowingBreaks, !removed.isEmpty { report("enum-narrowed", enumPath, "no longer allows \(Self.list(removed))") }
            if flow.wideningBreaks, !added.isEmpty { report("enum-widened", enumPath, "now also allows \(Self.list(added))") }
        case (nil, nil):
            break
        }
    }

    mutating func compareBlob(_ a: [String: JSONValue], _ b: [String: JSONValue], at path: String, flow: Flow) {
        guard flow.narrowingBreaks else { return }
        let oldAccept = a["accept"]?.arrayValue?.compactMap(\.stringValue).compactMap(MIMEPattern.init)
        let newAccept = b["accept"]?.arrayValue?.compactMap(\.stringValue).compactMap(MIMEPattern.init)
        if let newAccept {
            // Every old pattern must still be covered by some new one.
            let lost = (oldAccept ?? [MIMEPattern("*/*")!]).filter { old in !newAccept.contains { $0.covers(old) } }
            if !lost.isEmpty {
                report(
                    "blob-accept-narrowed", JSONPointer.appending(path, "accept"), "no longer accepts \(lost.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
        if let narrowed = Self.narrowedBound(a["maxSize"], b["maxSize"], isMaximum: true) {
            report("blob-size-narrowed", JSONPointer.appending(path, "maxSize"), narrowed)
        }
    }

    mutating func compareUnion(_ a: [String: JSONValue], _ b: [String: JSONValue], at path: String, flow: Flow) {
        let wasClosed = a["closed"]?.boolValue ?? false
        let isClosed = b["closed"]?.boolValue ?? false
        if !wasClosed && isClosed && flow.narrowingBreaks { report("union-closed", JSONPointer.appending(path, "closed"), "the union is now closed") }
        if wasClosed && !isClosed && flow.wideningBreaks {
            report("union-opened", JSONPointer.appending(path, "closed"), "the union is now open: any $type may arrive")
        }
        let oldRefs = Set(a["refs"]?.arrayValue?.compactMap(\.stringValue) ?? []).map { normalize($0, in: currentDocument) }
        let newRefs = Set(b["refs"]?.arrayValue?.compactMap(\.stringValue) ?? []).map { normalize($0, in: currentDocument) }
        let removed = Set(oldRefs).subtracting(newRefs)
        let added = Set(newRefs).subtracting(oldRefs)
        let refsPath = JSONPointer.appending(path, "refs")
        if !removed.isEmpty, flow.narrowingBreaks {
            report("union-member-removed", refsPath, "no longer includes \(Self.list(removed))", severity: isClosed ? .error : .warning)
        }
        if !added.isEmpty, isClosed, wasClosed, flow.wideningBreaks {
            report("union-member-added", refsPath, "now also includes \(Self.list(added)); readers do not know them")
        }
    }

    /// A permission set's grants, compared through `include:` with a stand-in audience.
    mutating func comparePermissions(uri: String, at path: String) {
        let scope = "include:\(uri)?aud=did:web:audience.invalid%23svc"
        guard let before = try? old.grants(scope: scope), let after = try? new.grants(scope: scope) else { return }
        let calls = before.calls.subtracting(after.calls)
        let writes = before.writes.subtracting(after.writes)
        if !calls.isEmpty {
            report(
                "permission-removed", JSONPointer.appending(path, "permissions"),
                "no longer grants calls to \(calls.map(\.method).sorted().joined(separator: ", "))")
        }
        if !writes.isEmpty {
            report(
                "permission-removed", JSONPointer.appending(path, "permissions"),
                "no longer grants \(writes.sorted().map { "\($0.action.rawValue) \($0.collection)" }.joined(separator: ", "))")
        }
    }

    private func normalize(_ ref: String, in nsid: String) -> String {
        let full = ref.hasPrefix("#") ? nsid + ref : ref
        return full.hasSuffix("#main") ? String(full.dropLast(5)) : full
    }

    static func names(_ value: JSONValue?) -> Set<String> {
        Set(value?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    static func list(_ values: Set<JSONValue>) -> String {
        values.map(\.jsonString).sorted().joined(separator: ", ")
    }

    static func list(_ values: Set<String>) -> String {
        values.sorted().joined(separator: ", ")
    }
}
