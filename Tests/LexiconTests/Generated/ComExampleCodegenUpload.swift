// GENERATED from fixtures/codegen/lexicons/com/example/codegen/upload.json — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import Lexicon
import XRPCMethods

/// Bytes in, bytes out.
public enum ComExampleCodegenUpload: XRPCMethod {
    public static let nsid = "com.example.codegen.upload"
    public static let kind = XRPCMethodKind.procedure

    public typealias Parameters = XRPCNothing

    /// */* body, passed through as bytes.
    public typealias Input = XRPCRawBody

    /// application/octet-stream body, passed through as bytes.
    public typealias Output = XRPCRawBody

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
