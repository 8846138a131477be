// GENERATED from fixtures/codegen/lexicons/com/example/codegen/client.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// A query named like the client's own property.
public enum ComExampleCodegenClient: XRPCMethod {
    public static let nsid = "com.example.codegen.client"
    public static let kind = XRPCMethodKind.query

    public typealias Parameters = XRPCNothing

    public typealias Input = XRPCNothing

    /// Output body (application/json).
    public struct Output: Codable, Sendable, Hashable {
        public var ok: Bool?

        public init(ok: Bool? = nil) {
            self.ok = ok
        }

        enum CodingKeys: String, CodingKey {
            case ok
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.ok = try container.decodeIfPresent(Bool.self, forKey: .ok)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(ok, forKey: .ok)
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
}
