// GENERATED from fixtures/codegen/lexicons/com/example/codegen/thread.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Types of the lexicon `com.example.codegen.thread`.
public enum ComExampleCodegenThread {
    /// `Node`.
    public struct Node: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.thread#node"

        @Indirect public var next: ComExampleCodegenThread.Node?
        public var value: Int?

        public init(next: ComExampleCodegenThread.Node? = nil, value: Int? = nil) {
            self.next = next
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case next
            case value
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.next = try container.decodeIfPresent(ComExampleCodegenThread.Node.self, forKey: .next)
            self.value = try container.decodeIfPresent(Int.self, forKey: .value)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(next, forKey: .next)
            try container.encodeIfPresent(value, forKey: .value)
        }
    }

    /// `NotFound`.
    public struct NotFound: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.thread#notFound"

        public var notFound: Bool

        public init(notFound: Bool) {
            self.notFound = notFound
        }

        enum CodingKeys: String, CodingKey {
            case notFound
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.notFound = try container.decode(Bool.self, forKey: .notFound)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(notFound, forKey: .notFound)
        }
    }

    /// `Ping`.
    public struct Ping: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.thread#ping"

        @Indirect public var pong: ComExampleCodegenThread.Pong?

        public init(pong: ComExampleCodegenThread.Pong? = nil) {
            self.pong = pong
        }

        enum CodingKeys: String, CodingKey {
            case pong
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.pong = try container.decodeIfPresent(ComExampleCodegenThread.Pong.self, forKey: .pong)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(pong, forKey: .pong)
        }
    }

    /// `Pong`.
    public struct Pong: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.thread#pong"

        public var partial: Partial?
        @Indirect public var ping: ComExampleCodegenThread.Ping?

        public init(partial: Partial? = nil, ping: ComExampleCodegenThread.Ping? = nil) {
            self.partial = partial
            self.ping = ping
        }

        enum CodingKeys: String, CodingKey {
            case partial
            case ping
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.partial = try container.decodeIfPresent(Partial.self, forKey: .partial)
            self.ping = try container.decodeIfPresent(ComExampleCodegenThread.Ping.self, forKey: .ping)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(partial, forKey: .partial)
            try container.encodeIfPresent(ping, forKey: .ping)
        }

        /// An open union of `com.unloaded.thing`, `com.example.codegen.thread#node`, chosen by `$type`.
        public indirect enum Partial: Codable, Sendable, Hashable {
            case thing(JSONValue)
            case node(ComExampleCodegenThread.Node)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .thing: "com.unloaded.thing"
                case .node: "com.example.codegen.thread#node"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.unloaded.thing": self = .thing(try JSONValue(from: decoder))
                case "com.example.codegen.thread#node": self = .node(try ComExampleCodegenThread.Node(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .thing(let value):
                    var object = value.objectValue ?? [:]
                    object["$type"] = .string("com.unloaded.thing")
                    try JSONValue.object(object).encode(to: encoder)
                case .node(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.thread#node", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }    }

    /// `View`.
    public struct View: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.thread#view"

        public var parent: Parent?
        public var replies: [Replies]?
        @Indirect public var root: ComExampleCodegenThread.View?
        public var uri: String

        public init(parent: Parent? = nil, replies: [Replies]? = nil, root: ComExampleCodegenThread.View? = nil, uri: String) {
            self.parent = parent
            self.replies = replies
            self.root = root
            self.uri = uri
        }

        enum CodingKeys: String, CodingKey {
            case parent
            case replies
            case root
            case uri
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.parent = try container.decodeIfPresent(Parent.self, forKey: .parent)
            self.replies = try container.decodeIfPresent([Replies].self, forKey: .replies)
            self.root = try container.decodeIfPresent(ComExampleCodegenThread.View.self, forKey: .root)
            self.uri = try container.decode(String.self, forKey: .uri)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(parent, forKey: .parent)
            try container.encodeIfPresent(replies, forKey: .replies)
            try container.encodeIfPresent(root, forKey: .root)
            try container.encode(uri, forKey: .uri)
        }

        /// An open union of `com.example.codegen.thread#view`, `com.example.codegen.thread#notFound`, chosen by `$type`.
        public indirect enum Parent: Codable, Sendable, Hashable {
            case view(ComExampleCodegenThread.View)
            case notFound(ComExampleCodegenThread.NotFound)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .view: "com.example.codegen.thread#view"
                case .notFound: "com.example.codegen.thread#notFound"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.thread#view": self = .view(try ComExampleCodegenThread.View(from: decoder))
                case "com.example.codegen.thread#notFound": self = .notFound(try ComExampleCodegenThread.NotFound(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .view(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.thread#view", forKey: .type)
                case .notFound(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.thread#notFound", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }
        /// An open union of `com.example.codegen.thread#view`, `com.example.codegen.thread#notFound`, chosen by `$type`.
        public indirect enum Replies: Codable, Sendable, Hashable {
            case view(ComExampleCodegenThread.View)
            case notFound(ComExampleCodegenThread.NotFound)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .view: "com.example.codegen.thread#view"
                case .notFound: "com.example.codegen.thread#notFound"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.thread#view": self = .view(try ComExampleCodegenThread.View(from: decoder))
                case "com.example.codegen.thread#notFound": self = .notFound(try ComExampleCodegenThread.NotFound(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .view(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.thread#view", forKey: .type)
                case .notFound(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.thread#notFound", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }    }
}
