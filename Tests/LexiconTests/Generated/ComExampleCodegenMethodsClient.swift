// GENERATED from the com.example.codegen.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import XRPCClient
import XRPCMethods

/// Calls the `com.example.codegen.*` methods of a service; declared errors are thrown as each method's `DeclaredError`.
public struct ComExampleCodegenMethodsClient: Sendable {
    public let client: XRPCClient

    public init(_ client: XRPCClient) {
        self.client = client
    }

    /// A query named like the client's own property.
    public func client_() async throws -> ComExampleCodegenClient.Output {
        try await client.call(ComExampleCodegenClient.self, parameters: XRPCNothing(), input: XRPCNothing())
    }

    /// A union output and reserved property names.
    public func names(_ input: ComExampleCodegenNames.Input) async throws -> ComExampleCodegenNames.Output {
        try await client.call(ComExampleCodegenNames.self, parameters: XRPCNothing(), input: input)
    }

    /// Bytes in, bytes out.
    public func upload(_ input: ComExampleCodegenUpload.Input) async throws -> ComExampleCodegenUpload.Output {
        try await client.call(ComExampleCodegenUpload.self, parameters: XRPCNothing(), input: input)
    }
}

extension XRPCClient {
    /// The `com.example.codegen.*` methods.
    public var comExampleCodegen: ComExampleCodegenMethodsClient { ComExampleCodegenMethodsClient(self) }
}
