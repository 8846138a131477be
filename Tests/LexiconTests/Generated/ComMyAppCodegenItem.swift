// GENERATED from fixtures/codegen/lexicons/com/my-app/codegen/item.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon

/// A record under a hyphenated authority.
public enum ComMyAppCodegenItem {
    public static let nsid = "com.my-app.codegen.item"

    /// A `com.my-app.codegen.item` record.
    public struct Record: Codable, Sendable, Hashable {
        /// The `$type` that names this shape in unions and records.
        public static let lexiconType = "com.my-app.codegen.item"

        public var thread: ComExampleCodegenThread.View?

        public init(thread: ComExampleCodegenThread.View? = nil) {
            self.thread = thread
        }

        enum CodingKeys: String, CodingKey {
            case lexiconType = "$type"
            case thread
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.thread = try container.decodeIfPresent(ComExampleCodegenThread.View.self, forKey: .thread)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("com.my-app.codegen.item", forKey: .lexiconType)
            try container.encodeIfPresent(thread, forKey: .thread)
        }
    }
}
