import Foundation
import Logging
import Metrics
import Secrets
import ServiceLifecycle

/// Makes scheduled signing-key rotations on time. Every replica runs one; the database elects: each rotation
/// locks its key's row and re-checks that it is still due, so exactly one replica rotates it. The schedule is
/// stored, so a restart (or a replica that was down) picks it up; after an outage a missed rotation happens once.
public struct SigningKeyScheduler: Service {
    let keys: SigningKeyService
    let logger: Logger
    /// Longest sleep between looks (another replica may set an earlier schedule meanwhile).
    let maxWait: Duration

    public init(keys: SigningKeyService, logger: Logger, maxWait: Duration = .seconds(30)) {
        self.keys = keys
        self.logger = logger
        self.maxWait = maxWait
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // A key still due right after a look could not be written (a failing store): back off, 1 s doubling
            // to maxWait, rather than retrying every 50 ms.
            var backoff: Duration = .seconds(1)
            while !Task.isCancelled {
                await self.tick()
                let wait = await self.wait()
                if wait <= .milliseconds(50) {
                    try? await Task.sleep(for: min(backoff, self.maxWait))
                    backoff = min(backoff * 2, self.maxWait)
                } else {
                    backoff = .seconds(1)
                    try? await Task.sleep(for: wait)
                }
            }
        }
    }

    /// One look: rotates whatever is due now.
    public func tick() async {
        let rotated = await keys.rotateDue()
        if rotated > 0 {
            Counter(label: "signing_key_rotations_total", dimensions: [("by", "schedule")]).increment(by: rotated)
            logger.notice("scheduled signing-key rotations made", metadata: ["count": .stringConvertible(rotated)])
        }
    }

    /// Until the earliest scheduled rotation (or end of an overlap), at most ``maxWait`` and at least 50 ms.
    func wait() async -> Duration {
        guard let next = try? await keys.store.nextSigningKeyRotation() else { return maxWait }
        let milliseconds = max(50, next - keys.now())
        return min(maxWait, .milliseconds(milliseconds))
    }
}
