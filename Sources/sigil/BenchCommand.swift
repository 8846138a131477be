import ArgumentParser
import Lexicon

/// `sigil bench …`: measurements that belong in README, not in tests. Build with `-c release`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks (build with -c release for meaningful numbers).",
        subcommands: [
            LexiconBench.self, XRPCBench.self, AuthBench.self, RotateBench.self, DeliveryBench.self, LatencyBench.self, NeighbourBench.self,
            ATDataBench.self, ObserveBench.self,
        ]
    )
}

/// Lexicon validation throughput on one core, for a realistic `place.wisp.v2.wh` record.
struct LexiconBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "Validations per second on one core: pre-parsed values and raw JSON bytes."
    )

    @Option(help: "Seconds to run each measurement.")
    var seconds: Double = 3

    /// A webhook record as wisp.place users write them.
    static let sampleRecord = """
        {"$type":"place.wisp.v2.wh","url":"https://hooks.example.com/wisp/deploy?site=blog","scope":{"aturi":"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/place.wisp.fs/blog","backlinks":false},"events":["create","update","delete"],"secretId":"deploy-hook","enabled":true,"createdAt":"2026-11-23T10:20:30.123Z"}
        """

    func run() throws {
        let catalog = try LexiconLocation.bundled.catalog()
        let bytes = Array(Self.sampleRecord.utf8)
        let value = try JSONValue(parsing: bytes)
        guard case .valid = try catalog.validateRecord(value, collection: "place.wisp.v2.wh") else {
            throw ValidationError(path: "", reason: "the sample record is invalid")
        }
        print("record: place.wisp.v2.wh, \(bytes.count) bytes of JSON")

        let preParsed = measure {
            if case .invalid = try! catalog.validateRecord(value, collection: "place.wisp.v2.wh") { fatalError("invalid") }
        }
        print(String(format: "pre-parsed: %.0f validations/s (%.0f ns each)", preParsed, 1e9 / preParsed))

        let fromBytes = measure {
            let parsed = try! JSONValue(parsing: bytes)
            if case .invalid = try! catalog.validateRecord(parsed, collection: "place.wisp.v2.wh") { fatalError("invalid") }
        }
        print(String(format: "from bytes: %.0f validations/s (%.0f ns each, parse included)", fromBytes, 1e9 / fromBytes))

        let parseOnly = measure { _ = try! JSONValue(parsing: bytes) }
        print(String(format: "parse only: %.0f parses/s (%.0f ns each)", parseOnly, 1e9 / parseOnly))
    }

    private func measure(_ body: () -> Void) -> Double { measureRate(seconds: seconds, body) }
}

/// Runs `body` in batches for `seconds` after a short warm-up; returns operations per second.
func measureRate(seconds: Double, batch: Int = 10_000, _ body: () -> Void) -> Double {
    do {
        let clock = ContinuousClock()
        for _ in 0..<batch { body() }
        var operations = 0
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while clock.now < deadline {
            for _ in 0..<batch { body() }
            operations += batch
        }
        let elapsed = (clock.now - start) / .seconds(1)
        return Double(operations) / elapsed
    }
}
