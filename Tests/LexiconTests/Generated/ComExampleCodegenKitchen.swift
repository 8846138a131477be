// GENERATED from fixtures/codegen/lexicons/com/example/codegen/kitchen.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// Every Lexicon type codegen maps, once.
public enum ComExampleCodegenKitchen {
    /// `A`.
    public struct A: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.kitchen#a"

        public var x: Int?

        public init(x: Int? = nil) {
            self.x = x
        }

        enum CodingKeys: String, CodingKey {
            case x
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.x = try container.decodeIfPresent(Int.self, forKey: .x)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(x, forKey: .x)
        }
    }

    /// `B`.
    public struct B: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.kitchen#b"

        public var y: String

        public init(y: String) {
            self.y = y
        }

        enum CodingKeys: String, CodingKey {
            case y
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.y = try container.decode(String.self, forKey: .y)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(y, forKey: .y)
        }
    }

    public static let nsid = "com.example.codegen.kitchen"

    /// A `com.example.codegen.kitchen` record.
    public struct Record: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions and records.
        public static let lexiconType = "com.example.codegen.kitchen"

        public var always: Nullable<String>
        public var answer: Int
        public var closedEmbed: ClosedEmbed?
        public var color: String?
        public var count: Int?
        public var data: Bytes?
        public var `default`: String?
        public var embed: Embed?
        public var embeds: [Embeds]?
        public var extra: JSONValue?
        public var flag: Bool?
        public var greeting: String
        public var image: BlobRef?
        public var inline: Inline?
        public var link: CIDLink?
        public var maybe: Nullable<Int>?
        public var nested: ComExampleCodegenKitchen.Nested?
        public var shade: String?
        public var tags: [String]?
        public var text: String

        public init(always: Nullable<String>, answer: Int = 42, closedEmbed: ClosedEmbed? = nil, color: String? = nil, count: Int? = nil, data: Bytes? = nil, `default`: String? = nil, embed: Embed? = nil, embeds: [Embeds]? = nil, extra: JSONValue? = nil, flag: Bool? = nil, greeting: String = "hello", image: BlobRef? = nil, inline: Inline? = nil, link: CIDLink? = nil, maybe: Nullable<Int>? = nil, nested: ComExampleCodegenKitchen.Nested? = nil, shade: String? = nil, tags: [String]? = nil, text: String) {
            self.always = always
            self.answer = answer
            self.closedEmbed = closedEmbed
            self.color = color
            self.count = count
            self.data = data
            self.`default` = `default`
            self.embed = embed
            self.embeds = embeds
            self.extra = extra
            self.flag = flag
            self.greeting = greeting
            self.image = image
            self.inline = inline
            self.link = link
            self.maybe = maybe
            self.nested = nested
            self.shade = shade
            self.tags = tags
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case lexiconType = "$type"
            case always
            case answer
            case closedEmbed
            case color
            case count
            case data
            case default_ = "default"
            case embed
            case embeds
            case extra
            case flag
            case greeting
            case image
            case inline
            case link
            case maybe
            case nested
            case shade
            case tags
            case text
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.always = try container.decode(Nullable<String>.self, forKey: .always)
            self.answer = try container.decodeIfPresent(Int.self, forKey: .answer) ?? 42
            self.closedEmbed = try container.decodeIfPresent(ClosedEmbed.self, forKey: .closedEmbed)
            self.color = try container.decodeIfPresent(String.self, forKey: .color)
            self.count = try container.decodeIfPresent(Int.self, forKey: .count)
            self.data = try container.decodeIfPresent(Bytes.self, forKey: .data)
            self.`default` = try container.decodeIfPresent(String.self, forKey: .default_)
            self.embed = try container.decodeIfPresent(Embed.self, forKey: .embed)
            self.embeds = try container.decodeIfPresent([Embeds].self, forKey: .embeds)
            self.extra = try container.decodeIfPresent(JSONValue.self, forKey: .extra)
            self.flag = try container.decodeIfPresent(Bool.self, forKey: .flag)
            self.greeting = try container.decodeIfPresent(String.self, forKey: .greeting) ?? "hello"
            self.image = try container.decodeIfPresent(BlobRef.self, forKey: .image)
            self.inline = try container.decodeIfPresent(Inline.self, forKey: .inline)
            self.link = try container.decodeIfPresent(CIDLink.self, forKey: .link)
            self.maybe = container.contains(.maybe) ? try container.decode(Nullable<Int>.self, forKey: .maybe) : nil
            self.nested = try container.decodeIfPresent(ComExampleCodegenKitchen.Nested.self, forKey: .nested)
            self.shade = try container.decodeIfPresent(String.self, forKey: .shade)
            self.tags = try container.decodeIfPresent([String].self, forKey: .tags)
            self.text = try container.decode(String.self, forKey: .text)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("com.example.codegen.kitchen", forKey: .lexiconType)
            try container.encode(always, forKey: .always)
            try container.encode(answer, forKey: .answer)
            try container.encodeIfPresent(closedEmbed, forKey: .closedEmbed)
            try container.encodeIfPresent(color, forKey: .color)
            try container.encodeIfPresent(count, forKey: .count)
            try container.encodeIfPresent(data, forKey: .data)
            try container.encodeIfPresent(`default`, forKey: .default_)
            try container.encodeIfPresent(embed, forKey: .embed)
            try container.encodeIfPresent(embeds, forKey: .embeds)
            try container.encodeIfPresent(extra, forKey: .extra)
            try container.encodeIfPresent(flag, forKey: .flag)
            try container.encode(greeting, forKey: .greeting)
            try container.encodeIfPresent(image, forKey: .image)
            try container.encodeIfPresent(inline, forKey: .inline)
            try container.encodeIfPresent(link, forKey: .link)
            try container.encodeIfPresent(maybe, forKey: .maybe)
            try container.encodeIfPresent(nested, forKey: .nested)
            try container.encodeIfPresent(shade, forKey: .shade)
            try container.encodeIfPresent(tags, forKey: .tags)
            try container.encode(text, forKey: .text)
        }

        /// A closed union of `com.example.codegen.kitchen#a`, `com.example.codegen.kitchen#b`, chosen by `$type`.
        public indirect enum ClosedEmbed: Codable, Sendable, Hashable {
            case a(ComExampleCodegenKitchen.A)
            case b(ComExampleCodegenKitchen.B)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .a: "com.example.codegen.kitchen#a"
                case .b: "com.example.codegen.kitchen#b"
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.kitchen#a": self = .a(try ComExampleCodegenKitchen.A(from: decoder))
                case "com.example.codegen.kitchen#b": self = .b(try ComExampleCodegenKitchen.B(from: decoder))
                default: throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "$type \(type) is not a member of this closed union")
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .a(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.kitchen#a", forKey: .type)
                case .b(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.kitchen#b", forKey: .type)
                }
            }
        }
        /// Suggested values of `color` (others are allowed).
        public enum ColorKnownValues {
            public static let red = "com.example.codegen.tokens#red"
            public static let blue = "com.example.codegen.tokens#blue"
            public static let plain = "plain"
        }
        /// An open union of `com.example.codegen.kitchen#a`, `com.example.codegen.post`, chosen by `$type`.
        public indirect enum Embed: Codable, Sendable, Hashable {
            case a(ComExampleCodegenKitchen.A)
            case post(ComExampleCodegenPost.Record)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .a: "com.example.codegen.kitchen#a"
                case .post: "com.example.codegen.post"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.kitchen#a": self = .a(try ComExampleCodegenKitchen.A(from: decoder))
                case "com.example.codegen.post": self = .post(try ComExampleCodegenPost.Record(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .a(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.kitchen#a", forKey: .type)
                case .post(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.post", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }
        /// An open union of `com.example.codegen.kitchen#a`, `com.example.codegen.kitchen#b`, chosen by `$type`.
        public indirect enum Embeds: Codable, Sendable, Hashable {
            case a(ComExampleCodegenKitchen.A)
            case b(ComExampleCodegenKitchen.B)
            /// A member this lexicon does not list, kept as it came.
            case unknown(JSONValue)

            private enum TypeKey: String, CodingKey { case type = "$type" }

            /// The `$type` this value is encoded with.
            public var lexiconType: String? {
                switch self {
                case .a: "com.example.codegen.kitchen#a"
                case .b: "com.example.codegen.kitchen#b"
                case .unknown(let value): value["$type"]?.stringValue
                }
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TypeKey.self)
                let type = try container.decode(String.self, forKey: .type)
                switch type {
                case "com.example.codegen.kitchen#a": self = .a(try ComExampleCodegenKitchen.A(from: decoder))
                case "com.example.codegen.kitchen#b": self = .b(try ComExampleCodegenKitchen.B(from: decoder))
                default: self = .unknown(try JSONValue(from: decoder))
                }
            }

            public func encode(to encoder: any Encoder) throws {
                switch self {
                case .a(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.kitchen#a", forKey: .type)
                case .b(let value):
                    try value.encode(to: encoder)
                    var container = encoder.container(keyedBy: TypeKey.self)
                    try container.encode("com.example.codegen.kitchen#b", forKey: .type)
                case .unknown(let value):
                    try value.encode(to: encoder)
                }
            }
        }
        /// `Inline`.
        public struct Inline: Codable, Sendable, Hashable {
            public var deep: Int?

            public init(deep: Int? = nil) {
                self.deep = deep
            }

            enum CodingKeys: String, CodingKey {
                case deep
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.deep = try container.decodeIfPresent(Int.self, forKey: .deep)
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(deep, forKey: .deep)
            }
        }    }

    /// `Nested`.
    public struct Nested: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions.
        public static let lexiconType = "com.example.codegen.kitchen#nested"

        public var d: Bool
        public var n: Int

        public init(d: Bool = true, n: Int) {
            self.d = d
            self.n = n
        }

        enum CodingKeys: String, CodingKey {
            case d
            case n
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.d = try container.decodeIfPresent(Bool.self, forKey: .d) ?? true
            self.n = try container.decode(Int.self, forKey: .n)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(d, forKey: .d)
            try container.encode(n, forKey: .n)
        }
    }

    /// A shade.
    public enum ShadeKnownValues {
        public static let light = "light"
        public static let dark = "dark"
    }
}
