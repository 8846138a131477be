import Lexicon

/// `sigil lexicon breaking OLD NEW`: the changes between two versions of a set of lexicons that break data
/// already written or callers already deployed, each under a stable rule id (``BreakingChanges/rules``).
///
/// Direction matters. Data flows *in* through inputs and params (a narrower schema refuses what callers send),
/// *out* through outputs and subscription messages (a wider schema surprises readers), and both ways in records
/// and shared definitions (existing records must stay valid, and readers must understand new ones). A change is
/// reported only where it breaks someone.
public struct BreakingChanges: Sendable {
    /// Every rule, in the order they are documented.
    public static let rules: [LexiconRule] = [
        LexiconRule(id: "lexicon-removed", severity: .error, summary: "a lexicon document is gone"),
        LexiconRule(id: "def-removed", severity: .error, summary: "a definition is gone (refs and callers to it break)"),
        LexiconRule(id: "type-changed", severity: .error, summary: "a definition or field changed its type"),
        LexiconRule(id: "record-key-changed", severity: .error, summary: "a record's key type changed"),
        LexiconRule(id: "encoding-changed", severity: .error, summary: "a method's input or output encoding changed"),
        LexiconRule(id: "input-added", severity: .error, summary: "a procedure now requires a body it did not take"),
        LexiconRule(id: "input-removed", severity: .error, summary: "a procedure no longer takes the body callers send"),
        LexiconRule(id: "output-removed", severity: .error, summary: "a method no longer returns the body callers read"),
        LexiconRule(id: "property-removed", severity: .error, summary: "a property readers rely on is gone (a warning where data only flows in)"),
        LexiconRule(id: "required-added", severity: .error, summary: "a property became required: existing data and callers lack it"),
        LexiconRule(id: "required-removed", severity: .error, summary: "a property readers rely on may now be absent"),
        LexiconRule(id: "nullable-removed", severity: .error, summary: "null is no longer accepted where it was"),
        LexiconRule(id: "nullable-added", severity: .error, summary: "readers may now receive null"),
        LexiconRule(
            id: "length-narrowed", severity: .error,
            summary: "a maxLength/maxGraphemes shrank or a minLength/minGraphemes grew (strings, bytes, arrays)"),
        LexiconRule(id: "range-narrowed", severity: .error, summary: "an integer's minimum grew or maximum shrank"),
        LexiconRule(id: "format-changed", severity: .error, summary: "a string gained or changed its format"),
        LexiconRule(id: "format-removed", severity: .error, summary: "a string readers parse by format lost it"),
        LexiconRule(id: "enum-narrowed", severity: .error, summary: "an enum lost values, or a field gained an enum"),
        LexiconRule(id: "enum-widened", severity: .error, summary: "an enum gained values (or was removed) where readers switch over it"),
        LexiconRule(id: "const-changed", severity: .error, summary: "a const was added, removed or changed"),
        LexiconRule(id: "blob-accept-narrowed", severity: .error, summary: "a blob accepts fewer MIME types"),
        LexiconRule(id: "blob-size-narrowed", severity: .error, summary: "a blob's maxSize shrank or was added"),
        LexiconRule(id: "union-closed", severity: .error, summary: "an open union became closed"),
        LexiconRule(id: "union-opened", severity: .error, summary: "a closed union became open: readers may get any type"),
        LexiconRule(
            id: "union-member-removed", severity: .error,
            summary: "a closed union lost a member (a warning for open unions: the type is then unchecked)"),
        LexiconRule(id: "union-member-added", severity: .error, summary: "a closed union gained a member readers do not know"),
        LexiconRule(id: "schema-added", severity: .error, summary: "a body, params or message that took anything now has a schema"),
        LexiconRule(id: "schema-removed", severity: .error, summary: "a body or message readers relied on lost its schema"),
        LexiconRule(id: "ref-changed", severity: .warning, summary: "a ref points at another definition"),
        LexiconRule(id: "permission-removed", severity: .error, summary: "a permission set grants less than before (apps relying on it break)"),
    ]

    public init() {}

    /// Every breaking change from `old` to `new`.
    public func compare(old: LexiconCatalog, new: LexiconCatalog) -> [LexiconProblem] {
        var walk = BreakingWalk(old: old, new: new)
        for nsid in old.documents.keys.sorted() {
            let before = old.documents[nsid]!
            guard let after = new.documents[nsid] else {
                walk.report("lexicon-removed", file: before.source, "", "\(nsid) is gone")
                continue
            }
            walk.compareDocuments(before, after)
        }
        return walk.findings
    }
}

/// Where a schema's data flows, which decides whether narrowing or widening breaks anyone.
enum Flow {
    case into, outOf, both

    var narrowingBreaks: Bool { self != .outOf }
    var wideningBreaks: Bool { self != .into }
}

struct BreakingWalk {
    let old: LexiconCatalog
    let new: LexiconCatalog
    var findings: [LexiconProblem] = []
    /// The document being compared: its file (for findings) and NSID (for local refs).
    var file = ""
    var currentDocument = ""

    init(old: LexiconCatalog, new: LexiconCatalog) {
        self.old = old
        self.new = new
    }

    mutating func report(_ rule: String, file: String? = nil, _ path: String, _ message: String, severity: LexiconProblem.Severity? = nil) {
        let severity = severity ?? BreakingChanges.rules.first { $0.id == rule }?.severity ?? .error
        findings.append(LexiconProblem(file: file ?? self.file, path: path, message: message, severity: severity, rule: rule))
    }

    mutating func compareDocuments(_ before: LexiconDocument, _ after: LexiconDocument) {
        file = after.source
        currentDocument = after.id.rawValue
        let oldDefs = before.json["defs"]?.objectValue ?? [:]
        let newDefs = after.json["defs"]?.objectValue ?? [:]
        for name in oldDefs.keys.sorted() {
            let path = JSONPointer.appending("/defs", name)
            let uri = name == "main" ? before.id.rawValue : "\(before.id)#\(name)"
            guard let newDef = newDefs[name] else {
                report("def-removed", path, "\(uri) is gone")
                continue
            }
            compareDefinition(oldDefs[name]!, newDef, at: path, uri: uri)
        }
    }

    private mutating func compareDefinition(_ a: JSONValue, _ b: JSONValue, at path: String, uri: String) {
        let typeA = a["type"]?.stringValue ?? ""
        let typeB = b["type"]?.stringValue ?? ""
        guard typeA == typeB else {
            report("type-changed", JSONPointer.appending(path, "type"), "\(uri) changed from \(typeA) to \(typeB)")
            return
        }
        switch typeA {
        case "record":
            if a["key"] != b["key"] {
                report(
                    "record-key-changed", JSONPointer.appending(path, "key"),
                    "\(uri)'s key changed from \(a["key"]?.stringValue ?? "?") to \(b["key"]?.stringValue ?? "?")")
            }
            compareSchemas(a["record"], b["record"], at: JSONPointer.appending(path, "record"), flow: .both)
        case "query", "procedure":
            compareSchemas(a["parameters"], b["parameters"], at: JSONPointer.appending(path, "parameters"), flow: .into)
            compareBody(a["input"], b["input"], at: JSONPointer.appending(path, "input"), isInput: true)
            compareBody(a["output"], b["output"], at: JSONPointer.appending(path, "output"), isInput: false)
        case "subscription":
            compareSchemas(a["parameters"], b["parameters"], at: JSONPointer.appending(path, "parameters"), flow: .into)
            compareSchemas(
                a["message"]?["schema"], b["message"]?["schema"], at: JSONPointer.appending(JSONPointer.appending(path, "message"), "schema"),
                flow: .outOf)
        case "permission-set":
            comparePermissions(uri: uri, at: path)
        case "token":
            break
        default:
            compareSchemas(a, b, at: path, flow: .both)
        }
    }

    private mutating func compareBody(_ a: JSONValue?, _ b: JSONValue?, at path: String, isInput: Bool) {
        switch (a, b) {
        case (nil, nil): return
        case (nil, _?):
            if isInput { report("input-added", path, "the procedure now takes a body; existing callers send none") }
            return
        case (_?, nil):
            report(
                isInput ? "input-removed" : "output-removed", path,
                isInput ? "the procedure no longer takes a body" : "the method no longer returns a body")
            return
        case (let a?, let b?):
            if a["encoding"] != b["encoding"] {
                report(
                    "encoding-changed", JSONPointer.appending(path, "encoding"),
                    "encoding changed from \(a["encoding"]?.stringValue ?? "?") to \(b["encoding"]?.stringValue ?? "?")")
            }
            compareSchemas(a["schema"], b["schema"], at: JSONPointer.appending(path, "schema"), flow: isInput ? .into : .outOf)
        }
    }

    /// Compares two schemas at the same place; `path` points into the new document.
    mutating func compareSchemas(_ a: JSONValue?, _ b: JSONValue?, at path: String, flow: Flow) {
        switch (a?.objectValue, b?.objectValue) {
        case (nil, nil):
            return
        case (nil, let added?):
            // New parameters only break callers if some are required; a new body schema constrains what was free.
            if added["type"]?.stringValue == "params" {
                for name in Self.names(added["required"]).sorted() where flow.narrowingBreaks {
                    report("required-added", JSONPointer.appending(path, "required"), "\"\(name)\" is now required")
                }
            } else if flow.narrowingBreaks {
                report("schema-added", path, "a schema now constrains what was free")
            }
            return
        case (let removed?, nil):
            if removed["type"]?.stringValue != "params", flow.wideningBreaks {
                report("schema-removed", path, "the schema readers relied on is gone")
            }
            return
        case (_?, _?):
            break
        }
        guard let a = a?.objectValue, let b = b?.objectValue else { return }
        let typeA = a["type"]?.stringValue ?? ""
        let typeB = b["type"]?.stringValue ?? ""
        guard typeA == typeB else {
            report("type-changed", JSONPointer.appending(path, "type"), "changed from \(typeA) to \(typeB)")
            return
        }
        switch typeA {
        case "string":
            compareLengths(a, b, at: path, flow: flow, keys: [("maxLength", "minLength"), ("maxGraphemes", "minGraphemes")])
            compareValueSets(a, b, at: path, flow: flow)
            switch (a["format"]?.stringValue, b["format"]?.stringValue) {
            case (let old?, nil):
                if flow.wideningBreaks { report("format-removed", path, "the format \(old) was removed") }
            case (nil, let new?):
                if flow.narrowingBreaks { report("format-changed", JSONPointer.appending(path, "format"), "a format (\(new)) was added") }
            case (let old?, let new?) where old != new:
                // Another format breaks both ways: writers' old values, readers' parsing.
                report("format-changed", JSONPointer.appending(path, "format"), "the format changed from \(old) to \(new)")
            default:
                break
            }
        case "integer":
            if flow.narrowingBreaks {
                if let narrowed = Self.narrowedBound(a["minimum"], b["minimum"], isMaximum: false) {
                    report("range-narrowed", JSONPointer.appending(path, "minimum"), narrowed)
                }
                if let narrowed = Self.narrowedBound(a["maximum"], b["maximum"], isMaximum: true) {
                    report("range-narrowed", JSONPointer.appending(path, "maximum"), narrowed)
                }
            }
            compareValueSets(a, b, at: path, flow: flow)
        case "boolean":
            if a["const"] != b["const"] {
                report("const-changed", path, "const changed from \(a["const"]?.jsonString ?? "none") to \(b["const"]?.jsonString ?? "none")")
            }
        case "bytes":
            compareLengths(a, b, at: path, flow: flow, keys: [("maxLength", "minLength")])
        case "array":
            compareLengths(a, b, at: path, flow: flow, keys: [("maxLength", "minLength")])
            compareSchemas(a["items"], b["items"], at: JSONPointer.appending(path, "items"), flow: flow)
        case "blob":
            compareBlob(a, b, at: path, flow: flow)
        case "object", "params":
            compareObject(a, b, at: path, flow: flow)
        case "ref":
            if a["ref"] != b["ref"] {
                report(
                    "ref-changed", JSONPointer.appending(path, "ref"),
                    "the ref changed from \(a["ref"]?.stringValue ?? "?") to \(b["ref"]?.stringValue ?? "?")")
            }
        case "union":
            compareUnion(a, b, at: path, flow: flow)
        default:
            break
        }
    }
}
