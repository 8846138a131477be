import Lexicon

/// Handlers by NSID, checked against the catalog as they are registered.
public struct XRPCMethodTable: Sendable {
    /// One served method.
    struct Entry: Sendable {
        let nsid: String
        let isProcedure: Bool
        let schema: MethodSchema
        var handler: XRPCHandler?
        var auth: XRPCAuthRequirement
        /// The declared input and output encodings, parsed once.
        let inputEncoding: DeclaredEncoding?
        let outputEncoding: DeclaredEncoding?

        init(nsid: String, isProcedure: Bool, schema: MethodSchema) {
            self.nsid = nsid
            self.isProcedure = isProcedure
            self.schema = schema
            handler = nil
            auth = .required
            inputEncoding = schema.input.map { DeclaredEncoding($0.encoding) }
            outputEncoding = schema.output.map { DeclaredEncoding($0.encoding) }
        }
    }

    public let catalog: LexiconCatalog
    private(set) var entries: [String: Entry] = [:]

    /// Every query and procedure in `catalog`, none implemented yet (each answers 501 until registered).
    public init(catalog: LexiconCatalog) {
        self.catalog = catalog
        for definition in catalog.definitions {
            switch definition.kind {
            case .query(let schema):
                entries[definition.uri] = Entry(nsid: definition.uri, isProcedure: false, schema: schema)
            case .procedure(let schema):
                entries[definition.uri] = Entry(nsid: definition.uri, isProcedure: true, schema: schema)
            default:
                break
            }
        }
    }

    /// Serves `nsid` with `handler`. Fails if the catalog has no such query or procedure.
    public mutating func register(_ nsid: String, auth: XRPCAuthRequirement, handler: @escaping XRPCHandler) throws(SchemaLookupError) {
        guard entries[nsid] != nil else {
            throw catalog.definition(nsid) == nil ? .unknownDefinition(nsid) : .notAMethod(nsid)
        }
        entries[nsid]!.handler = handler
        entries[nsid]!.auth = auth
    }

    /// Sets the authentication `nsid` requires (after a whole family was registered with one requirement).
    /// Fails if the catalog has no such query or procedure.
    public mutating func setAuth(_ auth: XRPCAuthRequirement, for nsid: String) throws(SchemaLookupError) {
        guard entries[nsid] != nil else {
            throw catalog.definition(nsid) == nil ? .unknownDefinition(nsid) : .notAMethod(nsid)
        }
        entries[nsid]!.auth = auth
    }

    /// Every query and procedure of the catalog, served or not.
    var nsids: [String] { entries.keys.sorted() }

    /// NSIDs that have a handler.
    public var implemented: [String] {
        entries.values.filter { $0.handler != nil }.map(\.nsid).sorted()
    }

    subscript(nsid: String) -> Entry? {
        entries[nsid]
    }
}
