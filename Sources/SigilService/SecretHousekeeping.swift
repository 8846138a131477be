import Foundation
import Logging
import Secrets
import ServiceLifecycle

/// The secrets' housekeeping, as a service: a previous token whose overlap ended is dropped from its row even
/// if nobody touches the secret again (a passed expiry is recorded the same way), and audit events older than
/// the retention are deleted.
public struct SecretHousekeeping: Service {
    let secrets: SecretService
    /// Audit events are kept this long.
    let auditRetention: Duration
    let interval: Duration
    let logger: Logger

    public init(secrets: SecretService, auditRetention: Duration, interval: Duration = .seconds(60), logger: Logger) {
        self.secrets = secrets
        self.auditRetention = auditRetention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await runOnce(now: SystemClock.milliseconds())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One round: settle what time changed, prune old audit events.
    public func runOnce(now: Int64) async {
        do {
            let settled = try await secrets.settleEnded()
            if settled > 0 { logger.info("secrets settled (ended overlaps, expiries)", metadata: ["count": .stringConvertible(settled)]) }
            let cutoff = now - auditRetention.components.seconds * 1000
            let pruned = try await secrets.pruneAudit(before: cutoff)
            if pruned > 0 { logger.info("old audit events pruned", metadata: ["count": .stringConvertible(pruned)]) }
        } catch {
            logger.error("secret housekeeping failed", metadata: ["error": .string("\(error)")])
        }
    }
}
