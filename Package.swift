// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "sigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sigil", targets: ["sigil"]),
        .library(name: "Lexicon", targets: ["Lexicon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Lexicon engine: schema model, loader/catalog, validator, string formats. Foundation only.
        .target(name: "Lexicon"),
        // The repo's lexicons/ embedded as source, so an installed binary needs no checkout.
        .target(name: "BundledLexicons"),
        // Lexicon → Swift source: the embedded lexicon bundle (and, later, typed handlers).
        .target(name: "LexiconCodegen", dependencies: ["Lexicon"]),
        .executableTarget(
            name: "sigil",
            dependencies: [
                "Lexicon",
                "BundledLexicons",
                "LexiconCodegen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LexiconTests",
            dependencies: ["Lexicon", "BundledLexicons", "LexiconCodegen"]
        ),
    ]
)
