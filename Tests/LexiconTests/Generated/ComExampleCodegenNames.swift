// GENERATED from fixtures/codegen/lexicons/com/example/codegen/names.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// A union output and reserved property names.
public enum ComExampleCodegenNames: XRPCMethod {
    /// An object with no properties at all.
    public struct Empty: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.names#empty"


        public init() {
        }

        enum CodingKeys: CodingKey {
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
        }
    }

    /// `InputDef`.
    public struct InputDef: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.names#input"

        public var i: Int?

        public init(i: Int? = nil) {
            self.i = i
        }

        enum CodingKeys: String, CodingKey {
            case i
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.i = try container.decodeIfPresent(Int.self, forKey: .i)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(i, forKey: .i)
        }
    }

    public static let nsid = "com.example.codegen.names"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// Input body (application/json).
    public struct Input: Codable, Sendable, Hashable {
        public var codingKeys: Int?
        public var `default`: Bool
        public var foo_bar: Int?
        public var foo_bar_: Int?
        public var kind: String?
        public var lexiconType_: String?
        public var self_: SelfValue?
        public var string: StringValue?
        public var type: TypeValue?

        public init(codingKeys: Int? = nil, `default`: Bool = false, foo_bar: Int? = nil, foo_bar_: Int? = nil, kind: String? = nil, lexiconType_: String? = nil, self_: SelfValue? = nil, string: StringValue? = nil, type: TypeValue? = nil) {
            self.codingKeys = codingKeys
            self.`default` = `default`
            self.foo_bar = foo_bar
            self.foo_bar_ = foo_bar_
            self.kind = kind
            self.lexiconType_ = lexiconType_
            self.self_ = self_
            self.string = string
            self.type = type
        }

        enum CodingKeys: String, CodingKey {
            case codingKeys
            case default_ = "default"
            case foo_bar = "foo-bar"
            case foo_bar_ = "foo_bar"
            case kind
            case lexiconType_ = "lexiconType"
            case self_ = "self"
            case string
            case type
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.codingKeys = try container.decodeIfPresent(Int.self, forKey: .codingKeys)
            self.`default` = try container.decodeIfPresent(Bool.self, forKey: .default_) ?? false
            self.foo_bar = try container.decodeIfPresent(Int.self, forKey: .foo_bar)
            self.foo_bar_ = try container.decodeIfPresent(Int.self, forKey: .foo_bar_)
            self.kind = try container.decodeIfPresent(String.self, forKey: .kind)
            self.lexiconType_ = try container.decodeIfPresent(String.self, forKey: .lexiconType_)
            self.self_ = try container.decodeIfPresent(SelfValue.self, forKey: .self_)
            self.string = try container.decodeIfPresent(StringValue.self, forKey: .string)
            self.type = try container.decodeIfPresent(TypeValue.self, forKey: .type)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(codingKeys, forKey: .codingKeys)
            try container.encode(`default`, forKey: .default_)
            try container.encodeIfPresent(foo_bar, forKey: .foo_bar)
            try container.encodeIfPresent(foo_bar_, forKey: .foo_bar_)
            try container.encodeIfPresent(kind, forKey: .kind)
            try container.encodeIfPresent(lexiconType_, forKey: .lexiconType_)
            try container.encodeIfPresent(self_, forKey: .self_)
            try container.encodeIfPresent(string, forKey: .string)
            try container.encodeIfPresent(type, forKey: .type)
        }

        /// Suggested values of `kind` (others are allowed).
        public enum KindKnownValues {
            public static let empty = ""
            public static let a_b = "a-b"
            public static let a_b_ = "a_b"
            public static let nsid = "com.example.codegen.names#nsid"
        }
        /// An open union of `com.example.codegen.names#record`, `com.example.codegen.names#input`, chosen by `$type`.
        public indirect enum SelfValue: Codable, Sendable, Hashable {
            case record(ComExampleCodegenNames.RecordDef)
            case input(ComExampleCodegenNames.InputDef)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .record: "com.example.codegen.names#record"
                case .input: "com.example.codegen.names#input"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.names#record": self = .record(try ComExampleCodegenNames.RecordDef(from: decoder))
                case "com.example.codegen.names#input": self = .input(try ComExampleCodegenNames.InputDef(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .record(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.names#record", forKey: .type)
                case .input(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.names#input", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }
        /// `StringValue`.
        public struct StringValue: Codable, Sendable, Hashable {
            public var s: String?

            public init(s: String? = nil) {
                self.s = s
            }

            enum CodingKeys: String, CodingKey {
                case s
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.s = try container.decodeIfPresent(String.self, forKey: .s)
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(s, forKey: .s)
            }
        }
        /// `TypeValue`.
        public struct TypeValue: Codable, Sendable, Hashable {
            public var a: Int?

            public init(a: Int? = nil) {
                self.a = a
            }

            enum CodingKeys: String, CodingKey {
                case a
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.a = try container.decodeIfPresent(Int.self, forKey: .a)
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(a, forKey: .a)
            }
        }    }

    /// A closed union of `com.example.codegen.names#record`, `com.example.codegen.names#input`, chosen by `$type`.
    public indirect enum Output: Codable, Sendable, Hashable {
        case record(ComExampleCodegenNames.RecordDef)
        case input(ComExampleCodegenNames.InputDef)

        private enum TypeKey: String, CodingKey { case type = "$type" }

        /// The `$type` this value is encoded with.
        public var lexiconType: String? {
            switch self {
            case .record: "com.example.codegen.names#record"
            case .input: "com.example.codegen.names#input"
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: TypeKey.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "com.example.codegen.names#record": self = .record(try ComExampleCodegenNames.RecordDef(from: decoder))
            case "com.example.codegen.names#input": self = .input(try ComExampleCodegenNames.InputDef(from: decoder))
            default: throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "$type \(type) is not a member of this closed union")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .record(let value):
                try value.encode(to: encoder)
                var container = encoder.container(keyedBy: TypeKey.self)
                try container.encode("com.example.codegen.names#record", forKey: .type)
            case .input(let value):
                try value.encode(to: encoder)
                var container = encoder.container(keyedBy: TypeKey.self)
                try container.encode("com.example.codegen.names#input", forKey: .type)
            }
        }
    }

    /// Errors this method declares: thrown by a handler they answer 400 with their name; a client throws them back.
    public struct DeclaredError: XRPCMethodError {
        public let errorName: String
        public let errorMessage: String?

        public static let declaredNames: [String] = []

        public init(errorName: String, errorMessage: String?) {
            self.errorName = errorName
            self.errorMessage = errorMessage
        }
    }

    /// A token named like a generated constant.
    public static let nsidToken = "com.example.codegen.names#nsid"

    /// `RecordDef`.
    public struct RecordDef: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.names#record"

        public var r: Int?

        public init(r: Int? = nil) {
            self.r = r
        }

        enum CodingKeys: String, CodingKey {
            case r
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.r = try container.decodeIfPresent(Int.self, forKey: .r)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(r, forKey: .r)
        }
    }
}
