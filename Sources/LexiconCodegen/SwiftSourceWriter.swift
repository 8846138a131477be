import Lexicon

/// Generates typed Swift for a catalog: per lexicon document, its types (``TypeSourceWriter``); per NSID group
/// (the NSID without its last segment) that has methods, a handler protocol for servers (``HandlerSourceWriter``)
/// and a typed client for callers (``ClientSourceWriter``).
public struct SwiftSourceWriter {
    /// The command that regenerates the committed output of the bundled lexicons.
    public static let regenerateCommand = "swift run sigil lexicon gen --output Sources/SigilAPI/Generated"

    let catalog: LexiconCatalog
    let regenerateCommand: String
    let lexiconRoot: String

    /// - Parameters:
    ///   - regenerateCommand: named in every file's header.
    ///   - lexiconRoot: the directory the lexicons came from, as headers name it.
    public init(catalog: LexiconCatalog, regenerateCommand: String = SwiftSourceWriter.regenerateCommand, lexiconRoot: String = "lexicons") {
        self.catalog = catalog
        self.regenerateCommand = regenerateCommand
        self.lexiconRoot = lexiconRoot
    }

    /// A method of a group, as the handler and client writers need it.
    struct GroupMethod {
        let nsid: String
        let method: MethodSchema
        let isProcedure: Bool
        var functionName: String { SwiftNames.identifier(String(nsid.split(separator: ".").last!)) }
    }

    /// File name → Swift source.
    public func files() -> [String: String] {
        var files: [String: String] = [:]
        var groups: [String: [GroupMethod]] = [:]
        let types = TypeSourceWriter(catalog: catalog)
        for nsid in catalog.documents.keys.sorted() {
            let document = catalog.documents[nsid]!
            files["\(types.namespace(nsid)).swift"] = header("\(lexiconRoot)/\(nsid.replacingDots()).json") + types.documentSource(document)
            if let main = document.definitionIndices["main"] {
                switch catalog.definitions[main].kind {
                case .query(let method): groups[group(of: nsid), default: []].append(GroupMethod(nsid: nsid, method: method, isProcedure: false))
                case .procedure(let method): groups[group(of: nsid), default: []].append(GroupMethod(nsid: nsid, method: method, isProcedure: true))
                default: break
                }
            }
        }
        for (group, methods) in groups {
            let sorted = methods.sorted { $0.nsid < $1.nsid }
            // `<Group>Handler` and `<Group>Client`, unless a lexicon of the group is itself named `handler` or `client`.
            let base = SwiftNames.typeName(nsid: group)
            let documents = Set(types.namespaces.values)
            let handler = documents.contains(base + "Handler") ? base + "MethodsHandler" : base + "Handler"
            let client = documents.contains(base + "Client") ? base + "MethodsClient" : base + "Client"
            files["\(handler).swift"] =
                header("the \(group).* lexicons") + HandlerSourceWriter(types: types).source(group: group, name: handler, methods: sorted)
            files["\(client).swift"] =
                header("the \(group).* lexicons") + ClientSourceWriter(types: types).source(group: group, name: client, methods: sorted)
        }
        return files
    }

    private func group(of nsid: String) -> String {
        String(nsid.split(separator: ".").dropLast().joined(separator: "."))
    }

    private func header(_ source: String) -> String {
        """
        // GENERATED from \(source) — do not edit.
        // Regenerate with: \(regenerateCommand)
        // A test fails when this file and the lexicons disagree.

        """
    }
}

/// Text helpers shared by the writers.
enum SwiftText {
    static func docComment(_ text: String, indent: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(indent)/// \($0)\n" }.joined()
    }

    static func literal(_ string: String) -> String {
        JSONValue.string(string).jsonString
    }
}

extension String {
    func replacingDots() -> String {
        split(separator: ".").joined(separator: "/")
    }
}
