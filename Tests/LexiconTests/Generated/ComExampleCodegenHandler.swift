// GENERATED from the com.example.codegen.* lexicons — do not edit.
// Regenerate with: swift run sigil lexicon gen --lexicons fixtures/codegen/lexicons --output Tests/LexiconTests/Generated
// A test fails when this file and the lexicons disagree.
import XRPC

/// Implements the `com.example.codegen.*` methods; one requirement per method, called only with validated input.
public protocol ComExampleCodegenHandler: Sendable {
    /// A query named like the client's own property.
    func client(_ request: XRPCRequest<ComExampleCodegenClient>) async throws -> ComExampleCodegenClient.Output
    /// A union output and reserved property names.
    func names(_ request: XRPCRequest<ComExampleCodegenNames>) async throws -> ComExampleCodegenNames.Output
    /// Bytes in, bytes out.
    func upload(_ request: XRPCRequest<ComExampleCodegenUpload>) async throws -> ComExampleCodegenUpload.Output
}

extension XRPCMethodTable {
    /// Serves every `com.example.codegen.*` method with `handler`.
    public mutating func register(_ handler: some ComExampleCodegenHandler, auth: XRPCAuthRequirement = .required) throws {
        try register(ComExampleCodegenClient.self, auth: auth) { try await handler.client($0) }
        try register(ComExampleCodegenNames.self, auth: auth) { try await handler.names($0) }
        try register(ComExampleCodegenUpload.self, auth: auth) { try await handler.upload($0) }
    }
}
