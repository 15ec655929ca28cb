import Foundation
import Logging
import ServiceLifecycle

/// Polls recently active accounts in the background, so changes made directly on the DAV server
/// reach the cache (and later push) without a client asking. Bounded concurrency across accounts,
/// jitter so many gateways do not poll in step, and per-account backoff after failures.
public struct SyncPoller: Service {
    let coordinator: SyncCoordinator
    let interval: Duration
    let maxConcurrentAccounts: Int
    /// Accounts unused for longer than this are left alone until their next request.
    let activityWindow: Duration
    /// Changes kept per account and data type (older states get `cannotCalculateChanges`).
    let changeLogSize: Int
    let logger: Logger

    public init(
        coordinator: SyncCoordinator, interval: Duration, maxConcurrentAccounts: Int = 4,
        activityWindow: Duration? = nil,
        changeLogSize: Int = 10_000, logger: Logger
    ) {
        self.coordinator = coordinator
        self.interval = interval
        self.changeLogSize = changeLogSize
        self.maxConcurrentAccounts = maxConcurrentAccounts
        self.activityWindow = activityWindow ?? interval * 10
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            let jitter = Double.random(in: 0.9...1.1)
            // Graceful shutdown does not cancel tasks; without this a SIGTERM would wait out the sleep.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval * jitter) }
            guard !Task.isCancelledOrShuttingDown else { break }
            await pollOnce()
            await coordinator.pruneChanges(keepingNewest: changeLogSize)
        }
    }

    /// One round over the active accounts, at most `maxConcurrentAccounts` at a time.
    func pollOnce() async {
        let accounts = await coordinator.activeSynchronizers(within: activityWindow)
        await withTaskGroup(of: Void.self) { group in
            var iterator = accounts.makeIterator()
            func next() -> AccountSynchronizer? { iterator.next() }
            for _ in 0..<maxConcurrentAccounts {
                guard let account = next() else { break }
                group.addTask { await poll(account) }
            }
            while await group.next() != nil {
                if let account = next() { group.addTask { await poll(account) } }
            }
        }
    }

    private func poll(_ account: AccountSynchronizer) async {
        if let until = await account.pollBackoffUntil, ContinuousClock.now < until { return }
        do {
            _ = try await account.sync()
        } catch {
            logger.warning(
                "background sync failed", metadata: ["account": "\(account.accountId)", "error": "\(error)"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
