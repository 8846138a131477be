// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "sigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sigil", targets: ["sigil"]),
        // Fuzz targets: `.ci/fuzz` builds this with libFuzzer; the ordinary build replays files through a target.
        .executable(name: "sigil-fuzz", targets: ["sigil-fuzz"]),
        .library(name: "Lexicon", targets: ["Lexicon"]),
        // For webhook receivers: verify Sigil's signatures (depends only on Foundation and libsodium).
        .library(name: "WebhookSignature", targets: ["WebhookSignature"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` for the library products' DocC catalogs (CI builds them).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // Lexicon engine: schema model, loader/catalog, validator, string formats. Foundation only.
        .target(name: "Lexicon"),
        // The repo's lexicons/ embedded as source, so an installed binary needs no checkout.
        .target(name: "BundledLexicons"),
        // For lexicon authors: lint rules, breaking-change checks, the conformance runner (examples, JUnit).
        .target(name: "LexiconAuthoring", dependencies: ["Lexicon"]),
        // Lexicon → Swift source: the embedded lexicon bundle (and, later, typed handlers).
        .target(name: "LexiconCodegen", dependencies: ["Lexicon"]),
        // What generated method types conform to (XRPCMethod, XRPCNothing, declared errors): shared by server and client.
        .target(name: "XRPCMethods"),
        // XRPC client over AsyncHTTPClient: typed calls, declared errors as Swift errors, service auth, atproto-proxy.
        .target(
            name: "XRPCClient",
            dependencies: [
                "AsyncPrimitives",
                "XRPCMethods", "Lexicon", "Secp256k1", "Identity",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        // XRPC server: routing by NSID, the request pipeline, params coercion, XRPC errors.
        .target(
            name: "XRPC",
            dependencies: [
                "Lexicon", "XRPCMethods",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // libsecp256k1 (Debian libsecp256k1-dev); only the Secp256k1 module imports it.
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        // ECDSA over secp256k1 (ES256K): the Swift door to CSecp256k1.
        .target(name: "Secp256k1", dependencies: ["CSecp256k1"]),
        // libsodium (Debian libsodium-dev); only the Sodium module imports it.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // The only Swift door to libsodium: random bytes, AEAD, HMAC, constant-time compare.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        // Webhook signing secrets: token format, sealing, master keys, the service, and the store protocols
        // (secrets, nonces, the delivery queue) that the backends below implement.
        .target(
            name: "Secrets",
            dependencies: [
                "Sodium", "WebhookSignature",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The store protocols of the delivery queue and log, and `Stores`: what a backend hands over, its parts typed.
        .target(
            name: "Storage",
            dependencies: ["Secrets", "Identity", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The SQLite backend (GRDB): every store protocol, its schema and migrations in one place.
        .target(
            name: "SQLiteStore",
            dependencies: [
                "Secrets", "Storage", "Identity", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The PostgreSQL backend (PostgresNIO), for replicas: every store protocol, its schema and migrations.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Secrets", "Storage", "Identity",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Webhook signatures (wisp's X-Webhook-Signature and Standard Webhooks): signing and verification, no server dependencies.
        .target(name: "WebhookSignature", dependencies: ["Sodium"]),
        // Reading a Jetstream: events, message assembly within limits, the reconnecting consumer and its sink protocol.
        .target(
            name: "Jetstream",
            dependencies: [
                "Lexicon",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Webhook deliveries: Jetstream source, registry and matcher, durable queue workers, SSRF guard.
        .target(
            name: "Webhooks",
            dependencies: [
                "AsyncPrimitives", "Jetstream",
                "Secrets", "Storage", "Sodium", "WebhookSignature", "Lexicon", "Identity", "NetworkPolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Small concurrency building blocks: a one-shot value to wait for, one overall deadline for an operation.
        .target(name: "AsyncPrimitives"),
        // Which addresses outbound requests to user-given hosts may reach (SSRF guard).
        .target(
            name: "NetworkPolicy",
            dependencies: [
                "AsyncPrimitives",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // DIDs, DID documents and resolution, Multikey, inter-service JWT verification.
        .target(
            name: "Identity",
            dependencies: [
                "AsyncPrimitives",
                "Lexicon", "Secp256k1", "NetworkPolicy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The application: service auth wired to XRPC, the development identity, HTTP assembly.
        .target(
            name: "SigilService",
            dependencies: [
                "AsyncPrimitives", "XRPC", "XRPCMethods", "Identity", "Lexicon", "Secp256k1", "SigilAPI", "Secrets", "Storage", "Webhooks",
                "WebhookSignature",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test harness: runs `sigil` as a child process. Used only by test targets.
        .target(
            name: "SigilTestSupport",
            dependencies: [
                "NetworkPolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Test harness: the store implementations every store-backed test runs against. Used only by test targets.
        .target(name: "StoreTestSupport", dependencies: ["Secrets", "Storage", "SQLiteStore", "PostgresStore", "SigilTestSupport"]),
        // Swift generated from the bundled lexicons by `sigil lexicon gen`: typed I/O and handler protocols.
        .target(name: "SigilAPI", dependencies: ["XRPC", "XRPCMethods", "XRPCClient", "Lexicon"]),
        // The atproto data layer: DAG-CBOR, CIDs, the Merkle Search Tree (Foundation, Lexicon's JSON, swift-crypto).
        .target(name: "ATData", dependencies: ["Lexicon", .product(name: "Crypto", package: "swift-crypto")]),
        // The account holder's side: sign in at the PDS, reach a deployed Sigil with the PDS's service auth.
        .target(
            name: "OwnerClient",
            dependencies: [
                "Identity", "Lexicon", "NetworkPolicy", "XRPCClient", "XRPCMethods",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Lexicons on the network: verified resolution (DNS, DID, signed CAR proofs), pinned pulls, safe publishing.
        .target(
            name: "LexiconNetwork",
            dependencies: [
                "ATData", "AsyncPrimitives", "Identity", "Lexicon", "LexiconAuthoring", "NetworkPolicy", "OwnerClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // The conformance observatory: the network's records against their lexicons, counted, stored, served as pages.
        .target(
            name: "Observatory",
            dependencies: [
                "Jetstream", "Lexicon", "LexiconNetwork", "AsyncPrimitives", "PostgresStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "sigil",
            dependencies: [
                "OwnerClient",
                "LexiconNetwork",
                "ATData",
                "Jetstream",
                "Observatory",
                "XRPCMethods",
                "Lexicon",
                "BundledLexicons",
                "LexiconAuthoring",
                "LexiconCodegen",
                "XRPC",
                "SigilAPI",
                "Identity",
                "SigilService",
                "Secrets",
                "Storage",
                "SQLiteStore",
                "PostgresStore",
                "Sodium",
                "WebhookSignature",
                "Webhooks",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Fuzz targets for every parser and verifier (JSON, lexicons, values, params, JWT, webhooks, Jetstream).
        .target(
            name: "SigilFuzz",
            dependencies: [
                "Lexicon", "XRPC", "Identity", "Secp256k1", "WebhookSignature", "Webhooks", "Storage", "ATData", "Jetstream",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "sigil-fuzz", dependencies: ["SigilFuzz", "Lexicon"]),
        .testTarget(
            name: "LexiconTests",
            dependencies: [
                "Lexicon", "BundledLexicons", "LexiconAuthoring", "LexiconCodegen", "XRPC", "XRPCMethods", "XRPCClient", "SigilTestSupport",
            ]
        ),
        .testTarget(
            name: "IdentityTests",
            dependencies: [
                "AsyncPrimitives", "Identity", "Secp256k1", "NetworkPolicy", "Lexicon", "SigilService", "XRPC", "SigilTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SecretsTests",
            dependencies: [
                "Secrets", "Storage", "SQLiteStore", "PostgresStore", "Webhooks", "Sodium", "SigilTestSupport", "StoreTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SigilServiceTests",
            dependencies: [
                "SigilService", "Secrets", "Storage", "SQLiteStore", "PostgresStore", "StoreTestSupport", "Sodium", "XRPC", "SigilAPI", "Lexicon",
                "Identity", "WebhookSignature",
                "XRPCClient", "XRPCMethods", "Secp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SigilTestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "WebhookSignatureTests", dependencies: ["WebhookSignature", "Sodium", "SigilTestSupport"]),
        // Replays every fuzz target over its seeds and the crashes fuzzing found (fixtures/fuzz/regressions/).
        .testTarget(name: "FuzzRegressionTests", dependencies: ["SigilFuzz", "SigilTestSupport"]),
        .testTarget(
            name: "ATDataTests",
            dependencies: ["ATData", "Lexicon", "SigilTestSupport", "Identity", "Secp256k1", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "LexiconNetworkTests",
            dependencies: [
                "LexiconNetwork", "ATData", "Identity", "Lexicon", "NetworkPolicy", "OwnerClient", "Secp256k1", "SigilTestSupport", "Observatory",
                "Jetstream",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "Webhooks", "WebhookSignature", "Secrets", "Storage", "SQLiteStore", "AsyncPrimitives", "PostgresStore", "Identity", "Lexicon",
                "BundledLexicons", "SigilTestSupport", "StoreTestSupport", "Secp256k1",
                "NetworkPolicy", "SigilService", "XRPC", "SigilAPI", "Sodium", "SigilFuzz", "OwnerClient", "Jetstream",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "XRPCTests",
            dependencies: [
                "XRPC", "Lexicon", "LexiconCodegen", "SigilAPI", "BundledLexicons",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "SigilTestSupport",
            ]
        ),
    ]
)
