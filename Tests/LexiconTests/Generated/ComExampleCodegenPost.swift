// GENERATED from fixtures/codegen/lexicons/com/example/codegen/post.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// A post.
public enum ComExampleCodegenPost {
    public static let nsid = "com.example.codegen.post"

    /// A `com.example.codegen.post` record.
    public struct Record: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions and records.
        public static let lexiconType = "com.example.codegen.post"

        public var body: String

        public init(body: String) {
            self.body = body
        }

        enum CodingKeys: String, CodingKey {
            case lexiconType = "$type"
            case body
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.body = try container.decode(String.self, forKey: .body)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("com.example.codegen.post", forKey: .lexiconType)
            try container.encode(body, forKey: .body)
        }
    }
}
