import BundledLexicons
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lexicon
import LexiconCodegen
import SigilAPI
import Testing
import XRPC

/// A wisp secrets handler that keeps names in memory; enough to drive the generated types end to end.
struct FakeSecrets: PlaceWispV2SecretHandler {
    func create(_ request: XRPCRequest<PlaceWispV2SecretCreate>) async throws -> PlaceWispV2SecretCreate.Output {
        if request.input.name == "taken" { throw PlaceWispV2SecretCreate.DeclaredError.alreadyExists("secret \"taken\" exists") }
        return .init(createdAt: "2026-11-23T10:00:00.000Z", name: request.input.name, token: "whsec_fake")
    }

    func delete(_ request: XRPCRequest<PlaceWispV2SecretDelete>) async throws -> PlaceWispV2SecretDelete.Output {
        XRPCNothing()
    }

    func list(_ request: XRPCRequest<PlaceWispV2SecretList>) async throws -> PlaceWispV2SecretList.Output {
        .init(secrets: (0..<request.params.limit).map { .init(createdAt: "2026-11-23T10:00:00.000Z", name: "s\($0)") })
    }

    func rotate(_ request: XRPCRequest<PlaceWispV2SecretRotate>) async throws -> PlaceWispV2SecretRotate.Output {
        // Deliberately invalid output when asked, to prove the pipeline checks typed handlers too.
        .init(name: request.input.name, rotatedAt: request.input.name == "bad-output" ? "now" : "2026-11-23T10:00:00.000Z", token: "whsec_new")
    }
}

@Suite("Generated handlers")
struct GeneratedHandlerTests {
    static func service() throws -> XRPCService {
        var methods = XRPCMethodTable(catalog: try LexiconCatalog.load(directory: Repo.path("lexicons")))
        try methods.register(FakeSecrets(), auth: .optional)
        return XRPCService(methods: methods, configuration: XRPCConfiguration(version: "test"))
    }

    @Test func typedRoundTrip() async throws {
        try await testApplication(Self.service()).test(.router) { client in
            let created = try await client.execute(
                uri: "/xrpc/place.wisp.v2.secret.create", method: .post, headers: json, body: body(#"{"name":"hook"}"#))
            #expect(created.json == ["name": "hook", "token": "whsec_fake", "createdAt": "2026-11-23T10:00:00.000Z"])
            let listed = try await client.execute(uri: "/xrpc/place.wisp.v2.secret.list?limit=2", method: .get)
            #expect(listed.json?["secrets"]?.arrayValue?.count == 2)
            // The lexicon default (50) reaches the typed, non-optional parameter.
            let defaulted = try await client.execute(uri: "/xrpc/place.wisp.v2.secret.list", method: .get)
            #expect(defaulted.json?["secrets"]?.arrayValue?.count == 50)
            let deleted = try await client.execute(
                uri: "/xrpc/place.wisp.v2.secret.delete", method: .post, headers: json, body: body(#"{"name":"hook"}"#))
            #expect(deleted.status == .ok && deleted.body.readableBytes == 0)
        }
    }

    @Test func typedErrorsAndValidation() async throws {
        try await testApplication(Self.service()).test(.router) { client in
            expectXRPCError(
                try await client.execute(uri: "/xrpc/place.wisp.v2.secret.create", method: .post, headers: json, body: body(#"{"name":"taken"}"#)),
                .badRequest, "AlreadyExists", #"secret "taken" exists"#)
            expectXRPCError(
                try await client.execute(uri: "/xrpc/place.wisp.v2.secret.rotate", method: .post, headers: json, body: body(#"{"name":"a/b"}"#)),
                .badRequest, "InvalidRequest", "Input/name must be a valid record-key")
            expectXRPCError(
                try await client.execute(
                    uri: "/xrpc/place.wisp.v2.secret.rotate", method: .post, headers: json, body: body(#"{"name":"bad-output"}"#)),
                .internalServerError, "InternalServerError")
        }
    }

    /// The committed generated code must be exactly what `sigil lexicon gen` writes from lexicons/ today.
    @Test func generatedCodeMatchesLexicons() throws {
        let catalog = try LexiconCatalog.load(directory: Repo.path("lexicons"))
        let expected = SwiftSourceWriter(catalog: catalog).files()
        let directory = Repo.path("Sources/SigilAPI/Generated")
        let committed = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".swift") }
        #expect(Set(committed) == Set(expected.keys), "run \(SwiftSourceWriter.regenerateCommand)")
        for (name, source) in expected {
            let onDisk = try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
            #expect(onDisk == source, "\(name) drifted from lexicons/: run \(SwiftSourceWriter.regenerateCommand)")
        }
    }
}
