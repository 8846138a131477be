import Identity
import NetworkPolicy

extension LexiconResolver {
    /// Runs `body` with a resolver of its own: DNS through `dns`, `did:plc` documents from `plcURL`, every other
    /// host through a fresh ``DestinationGuard`` (loopback only with `insecureLoopback`), DID documents re-fetched
    /// whenever a signature asks for it. The guard's pinned HTTP clients are shut down after, whatever happens.
    public static func withResolver<T>(
        dns: DNSTXTResolver, plcURL: String, insecureLoopback: Bool, limits: Limits = Limits(), _ body: (LexiconResolver) async throws -> T
    ) async throws -> T {
        let destinations = DestinationGuard(insecureLoopback: insecureLoopback)
        let fetcher = HTTPDIDFetcher(client: .shared, plcURL: plcURL, destinations: destinations, deadline: limits.didDeadline)
        let resolver = LexiconResolver(
            dns: dns, identities: DIDResolver(fetcher: fetcher, minimumRefreshInterval: .zero), destinations: destinations, limits: limits)
        do {
            let result = try await body(resolver)
            await destinations.shutdown()
            return result
        } catch {
            await destinations.shutdown()
            throw error
        }
    }
}
