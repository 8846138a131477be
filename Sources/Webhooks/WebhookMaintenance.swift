import Foundation
import Logging
import Secrets
import ServiceLifecycle

/// The webhooks' housekeeping, as a service: read-backs that failed are tried again when due (surviving restarts:
/// they are stored), and this replica's index is brought in line with the store now and then (another replica
/// may have applied a change this one could not read).
public final class WebhookMaintenance: Service, @unchecked Sendable {
    let refresher: WebhookRefresher
    let registry: WebhookRegistry
    let interval: Duration
    let reconcileEvery: Duration
    let clock: @Sendable () -> Int64
    let logger: Logger

    public init(
        refresher: WebhookRefresher, registry: WebhookRegistry, interval: Duration = .seconds(5), reconcileEvery: Duration = .seconds(60),
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds, logger: Logger
    ) {
        self.refresher = refresher
        self.registry = registry
        self.interval = interval
        self.reconcileEvery = reconcileEvery
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var lastReconcile = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await refresher.retryFailedReadbacks()
            if ContinuousClock.now - lastReconcile >= reconcileEvery {
                lastReconcile = .now
                do {
                    let changed = try await registry.reconcile(now: clock())
                    if changed > 0 { logger.notice("webhooks brought in line with the store", metadata: ["changed": .stringConvertible(changed)]) }
                } catch {
                    logger.error("cannot reconcile webhooks with the store", metadata: ["error": .string("\(error)")])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
