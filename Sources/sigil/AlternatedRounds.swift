import Foundation

/// Runs `rounds` of (baseline, this) one after the other, prints each round's requests per second, p99 and ratio,
/// then the ratios: the form every `--baseline`/`--against` benchmark reports in (only same-run ratios compare on
/// a machine whose speed drifts).
func alternatedRounds(
    _ rounds: Int, baseline baselineName: String, this thisName: String, unit: String,
    baseline: (_ echo: Bool) async throws -> XRPCBench.Result, this: (_ echo: Bool) async throws -> XRPCBench.Result
) async throws {
    var ratios: [Double] = []
    for round in 1...rounds {
        let base = try await baseline(round == 1)
        let ours = try await this(round == 1)
        let ratio = base.requestsPerSecond > 0 ? ours.requestsPerSecond / base.requestsPerSecond : .infinity
        ratios.append(ratio)
        print(
            String(
                format: "round %d: %@ %.0f %@ (p99 %@); %@ %.0f %@ (p99 %@); %@ ÷ %@ = %.2f",
                round, baselineName, base.requestsPerSecond, unit, base.p99, thisName, ours.requestsPerSecond, unit, ours.p99,
                thisName, baselineName, ratio))
    }
    print("ratios: " + ratios.map { String(format: "%.2f", $0) }.joined(separator: ", "))
}
