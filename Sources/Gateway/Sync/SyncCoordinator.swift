import DAV
import Foundation
import Logging
import Store
import Synchronization

/// One synchronizer per account, created on the account's first request, so every request and the
/// background poller share its state.
public final class SyncCoordinator: Sendable {
    let store: any Store
    let httpClient: HTTPClientHandle
    let davConfiguration: DAVClientConfiguration
    public let options: SyncOptions
    let logger: Logger
    /// Behind a lock, so that finding an account's synchronizer (every request does) is no hop.
    private let synchronizers = Mutex<[String: AccountSynchronizer]>([:])

    public init(
        store: any Store, httpClient: HTTPClientHandle, davConfiguration: DAVClientConfiguration, options: SyncOptions,
        logger: Logger
    ) {
        self.store = store
        self.httpClient = httpClient
        self.davConfiguration = davConfiguration
        self.options = options
        self.logger = logger
    }

    /// A DAV client acting with the user's own credentials, on the shared connection pool.
    public func client(for user: GatewayUser) -> DAVClient {
        DAVClient(
            httpClient: httpClient.client, configuration: davConfiguration, credentials: user.credentials,
            logger: logger)
    }

    /// The user's synchronizer, with the credentials of this login.
    public func synchronizer(for user: GatewayUser) async throws -> AccountSynchronizer {
        let client = client(for: user)
        if let existing = synchronizers.withLock({ $0[user.accountId] }) {
            existing.touch(client: client)
            return existing
        }
        return try await makeSynchronizer(for: user, client: client)
    }

    private func makeSynchronizer(for user: GatewayUser, client: DAVClient) async throws -> AccountSynchronizer {
        try await store.registerAccount(id: user.accountId, principalURL: user.principalURL.absoluteString)
        // Another request of the account may have made it while the store was busy.
        return synchronizers.withLock { synchronizers in
            if let existing = synchronizers[user.accountId] {
                existing.touch(client: client)
                return existing
            }
            let synchronizer = AccountSynchronizer(
                accountId: user.accountId, principalURL: user.principalURL, client: client, store: store,
                options: options, logger: logger)
            synchronizers[user.accountId] = synchronizer
            return synchronizer
        }
    }

    /// Trims every account's change log to its newest `keepingNewest` entries per data type.
    func pruneChanges(keepingNewest: Int) async {
        do {
            try await store.pruneChanges(accountId: nil, keepingNewest: keepingNewest)
        } catch {
            logger.warning("pruning the change log failed", metadata: ["error": "\(error)"])
        }
    }

    /// Accounts used within `window`: the ones worth polling.
    public func activeSynchronizers(within window: Duration) async -> [AccountSynchronizer] {
        var active: [AccountSynchronizer] = []
        let now = ContinuousClock.now
        for synchronizer in synchronizers.withLock({ Array($0.values) }) where now - synchronizer.lastActivity < window
        {
            active.append(synchronizer)
        }
        return active
    }
}
