import DAV
import Foundation
import Logging
import Store

/// One synchronizer per account, created on the account's first request, so every request and the
/// background poller share its state.
public actor SyncCoordinator {
    let store: any Store
    let httpClient: HTTPClientHandle
    let davConfiguration: DAVClientConfiguration
    public nonisolated let options: SyncOptions
    let logger: Logger
    private var synchronizers: [String: AccountSynchronizer] = [:]

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
    public nonisolated func client(for user: GatewayUser) -> DAVClient {
        DAVClient(
            httpClient: httpClient.client, configuration: davConfiguration, credentials: user.credentials,
            logger: logger)
    }

    /// The user's synchronizer, with the credentials of this login.
    public func synchronizer(for user: GatewayUser) async throws -> AccountSynchronizer {
        let client = client(for: user)
        if let existing = synchronizers[user.accountId] {
            await existing.touch(client: client)
            return existing
        }
        try await store.registerAccount(id: user.accountId, principalURL: user.principalURL.absoluteString)
        let synchronizer = AccountSynchronizer(
            accountId: user.accountId, principalURL: user.principalURL, client: client, store: store, options: options,
            logger: logger)
        synchronizers[user.accountId] = synchronizer
        return synchronizer
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
        for synchronizer in synchronizers.values where now - (await synchronizer.lastActivity) < window {
            active.append(synchronizer)
        }
        return active
    }
}
