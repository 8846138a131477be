import Foundation
import NetworkPolicy

/// A DNS stand-in for the SSRF guard: fixed answers per name (a missing name is NXDOMAIN, a nil answer a
/// lookup that timed out), and a record of every name asked.
public final class StandInDNS: HostResolver, @unchecked Sendable {
    private let lock = NSLock()
    private let answers: [String: [[UInt8]]?]
    private var asked: [String] = []

    public init(_ answers: [String: [[UInt8]]?]) { self.answers = answers }

    public var lookups: [String] { lock.withLock { asked } }

    public func addresses(of host: String) async -> [[UInt8]]? {
        lock.withLock { asked.append(host) }
        guard let answer = answers[host] else { return [] }  // NXDOMAIN
        return answer  // nil: timed out
    }
}
