/// One named definition of a lexicon document, e.g. `main` of `place.wisp.v2.secret.rotate`.
public final class LexiconDefinition: Sendable {
    /// The normalized reference to this definition: `nsid` for `main`, `nsid#name` otherwise.
    public let uri: String
    /// The NSID of the document that declares it.
    public let nsid: NSID
    /// The definition's name inside its document (`main`, `scope`, …).
    public let name: String
    public let description: String?
    public let kind: Kind

    init(uri: String, nsid: NSID, name: String, description: String?, kind: Kind) {
        self.uri = uri
        self.nsid = nsid
        self.name = name
        self.description = description
        self.kind = kind
    }

    /// What a definition describes.
    public enum Kind: Sendable {
        /// A record type stored in repositories.
        case record(RecordSchema)
        /// An XRPC query (HTTP GET).
        case query(MethodSchema)
        /// An XRPC procedure (HTTP POST).
        case procedure(MethodSchema)
        /// An event stream.
        case subscription(SubscriptionSchema)
        /// A bundle of auth permissions.
        case permissionSet(PermissionSetSchema)
        /// A named symbol with no data representation.
        case token
        /// A reusable value schema (object, string, array, …).
        case field(FieldSchema)
        /// A placeholder for a definition that a loaded lexicon refers to but no loaded lexicon defines
        /// (a partial catalog). Never found by name; validation that reaches it fails, naming it.
        case unresolved
    }

    /// The Lexicon `type` of this definition.
    public var typeName: String {
        switch kind {
        case .record: "record"
        case .query: "query"
        case .procedure: "procedure"
        case .subscription: "subscription"
        case .permissionSet: "permission-set"
        case .token: "token"
        case .field(let schema): schema.typeName
        case .unresolved: "unresolved"
        }
    }
}

/// A `record` definition.
public struct RecordSchema: Sendable {
    public let key: RecordKeyType
    public let object: ObjectSchema
}

/// A `query` or `procedure` definition.
public struct MethodSchema: Sendable {
    /// Query parameters (`params`); properties are booleans, integers, strings or arrays of them.
    public let parameters: ObjectSchema?
    /// Request body; only procedures have one.
    public let input: BodySchema?
    public let output: BodySchema?
    /// Declared custom error names, in lexicon order.
    public let errors: [ErrorDeclaration]
}

/// A request or response body.
public struct BodySchema: Sendable {
    /// MIME type, e.g. `application/json`; `*/*` accepts any.
    public let encoding: String
    /// For JSON bodies, the schema: an object, a ref or a union.
    public let schema: FieldSchema?
    public let description: String?
}

/// A custom error a method may return.
public struct ErrorDeclaration: Sendable, Hashable {
    public let name: String
    public let description: String?
}

/// A `subscription` definition.
public struct SubscriptionSchema: Sendable {
    public let parameters: ObjectSchema?
    /// The message schema: a union of refs.
    public let message: FieldSchema?
    public let errors: [ErrorDeclaration]
    /// The WebSocket subprotocol the stream speaks, when declared.
    public let subprotocol: String?
}
