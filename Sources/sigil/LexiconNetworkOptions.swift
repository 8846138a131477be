import ArgumentParser
import Foundation
import Identity
import LexiconNetwork
import NetworkPolicy

/// Where the network commands (`resolve`, `pull`, `publish`, `check-dns`) look things up.
struct LexiconNetworkOptions: ParsableArguments {
    @Option(help: "The DNS server for _lexicon TXT records, HOST:PORT (SIGIL_DNS_SERVER; default the system's first nameserver).")
    var dnsServer: String?
    @Option(help: "The PLC directory (SIGIL_PLC_URL; default https://plc.directory).") var plcUrl: String?
    @Option(help: "Seconds for one PDS call, head and body (default 10).") var timeout: Int = 10
    @Flag(help: .hidden) var insecureLoopback = false

    /// Runs `body` with a resolver; its pinned HTTP clients are shut down after.
    func withResolver<T>(_ body: (LexiconResolver) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 300 seconds") }
        let dns: DNSTXTResolver
        do {
            dns = try DNSTXTResolver(server: dnsServer ?? environment["SIGIL_DNS_SERVER"].flatMap { $0.isEmpty ? nil : $0 })
        } catch {
            throw ValidationError(error.description)
        }
        var limits = LexiconResolver.Limits()
        limits.deadline = .seconds(timeout)
        return try await LexiconResolver.withResolver(
            dns: dns, plcURL: plcUrl ?? environment["SIGIL_PLC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://plc.directory",
            insecureLoopback: insecureLoopback, limits: limits, body)
    }
}
