import DAV
import Foundation
import Logging
import Store
import Synchronization

/// Keeps one account's cache in step with its DAV server. An actor, so concurrent requests for the
/// same account share one sync instead of each starting their own.
public actor AccountSynchronizer {
    public nonisolated let accountId: String
    let principalURL: URL
    let store: any Store
    let options: SyncOptions
    let logger: Logger
    /// What every request reads or writes before it knows whether a sync is due: behind a lock
    /// rather than the actor, so a request against a fresh cache makes no hop here.
    private struct Activity {
        /// Replaced on every login, so background polls use the user's current credentials (in memory only).
        var client: DAVClient
        /// Last time a client used the account; the poller only polls recently active accounts.
        var lastUsed = ContinuousClock.now
        /// When each kind of collection was last synced: a contacts request need not wait for calendars.
        var lastSync: [StoredCollection.Kind: ContinuousClock.Instant] = [:]
        /// The kinds the sync under way covers.
        var syncing: Set<StoredCollection.Kind> = []
        /// Open push channels (EventSource, WebSocket): while there are any, the account counts as active.
        var pushChannels = 0
    }

    private nonisolated let activity: Mutex<Activity>
    private var client: DAVClient { activity.withLock { $0.client } }
    /// The principal and its homes, discovered on the first sync.
    private var principal: DAVPrincipal?
    private var running: (kinds: Set<StoredCollection.Kind>, task: Task<SyncReport, any Error>)?
    /// Last time a client used the account.
    /// Now while a push channel is open (its client waits for changes found on the DAV server, RFC 8620
    /// §7), else the last time a client used the account.
    public nonisolated var lastActivity: ContinuousClock.Instant {
        activity.withLock { $0.pushChannels > 0 ? .now : $0.lastUsed }
    }

    public nonisolated func pushChannelOpened() { activity.withLock { $0.pushChannels += 1 } }

    public nonisolated func pushChannelClosed() {
        activity.withLock { activity in
            activity.pushChannels -= 1
            activity.lastUsed = .now
        }
    }
    /// Background polls are skipped until then after failures (exponential backoff).
    private(set) var pollBackoffUntil: ContinuousClock.Instant?
    private var consecutiveFailures = 0
    private let inlineData = InlineDataSupport()
    /// The last listing of the homes, reused for `collectionListingInterval`.
    private var listing: (collections: [StoredCollection], at: ContinuousClock.Instant)?

    init(
        accountId: String, principalURL: URL, client: DAVClient, store: any Store, options: SyncOptions, logger: Logger
    ) {
        self.accountId = accountId
        self.principalURL = principalURL
        self.activity = Mutex(Activity(client: client))
        self.store = store
        self.options = options
        self.logger = logger
    }

    nonisolated func touch(client: DAVClient) {
        activity.withLock { activity in
            activity.client = client
            activity.lastUsed = .now
        }
    }

    /// Syncs the collections of `kinds` now, or joins the sync already running when it covers them.
    public func sync(
        kinds: Set<StoredCollection.Kind> = Set(StoredCollection.Kind.allCases),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        while let running {
            if running.kinds.isSuperset(of: kinds) { return try await running.task.value }
            // A sync of other kinds is under way: let it finish rather than sync the same server twice
            // at once.
            _ = try? await running.task.value
        }
        let task = Task { try await self.runSync(kinds: kinds, progress: progress) }
        running = (kinds, task)
        activity.withLock { $0.syncing = kinds }
        defer {
            running = nil
            activity.withLock { $0.syncing = [] }
        }
        do {
            let report = try await task.value
            let now = ContinuousClock.now
            activity.withLock { activity in
                for kind in kinds { activity.lastSync[kind] = now }
            }
            consecutiveFailures = 0
            pollBackoffUntil = nil
            return report
        } catch {
            consecutiveFailures += 1
            let delay = Duration.seconds(min(300, 1 << min(consecutiveFailures, 8)))
            pollBackoffUntil = .now + delay
            throw error
        }
    }

    /// Syncs the collections of `kinds` first when they were synced longer than `minSyncAge` ago. A
    /// DAV server that cannot be reached does not fail the read: the cache answers, and the problem is
    /// logged.
    public nonisolated func syncIfStale(kinds: Set<StoredCollection.Kind> = Set(StoredCollection.Kind.allCases))
        async throws
    {
        let minSyncAge = options.minSyncAge
        let due = activity.withLock { activity in
            activity.lastUsed = .now
            return !activity.syncing.isDisjoint(with: kinds)
                || kinds.contains { kind in activity.lastSync[kind].map { .now - $0 >= minSyncAge } ?? true }
        }
        if due { try await syncStale(kinds: kinds) }
    }

    private func syncStale(kinds: Set<StoredCollection.Kind>) async throws {
        let now = ContinuousClock.now
        let lastSync = activity.withLock { $0.lastSync }
        let stale = kinds.filter { kind in lastSync[kind].map { now - $0 >= options.minSyncAge } ?? true }
        do {
            if !stale.isEmpty {
                _ = try await sync(kinds: stale)
            } else if let running, !running.kinds.isDisjoint(with: kinds) {
                // Fresh, but a sync of these collections is under way: its result is fresher still.
                _ = try await running.task.value
            }
        } catch let error as DAVError {
            switch error {
            case .connectionFailed, .timeout, .serverError:
                logger.warning("DAV server unavailable, answering from the cache", metadata: ["error": "\(error)"])
            default:
                throw error
            }
        }
    }

    private func runSync(
        kinds: Set<StoredCollection.Kind>, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> SyncReport {
        let started = ContinuousClock.now
        var report = SyncReport()
        let listed = try await listCollections().filter { kinds.contains($0.kind) }
        let cached = try await store.collections(accountId: accountId).filter { kinds.contains($0.kind) }
        let cachedByHref = Dictionary(cached.map { ($0.href, $0) }, uniquingKeysWith: { first, _ in first })
        let collectionSync = CollectionSynchronizer(
            client: client, store: store, accountId: accountId, options: options, inlineData: inlineData,
            logger: logger)

        // Collections sync side by side: an incremental sync then costs about the slowest collection's
        // report, not the sum of all of them.
        var results = [SyncReport.CollectionResult?](repeating: nil, count: listed.count)
        try await withThrowingTaskGroup(of: (Int, SyncReport.CollectionResult?).self) { group in
            var next = listed.indices.makeIterator()
            func startNext() {
                guard let index = next.next() else { return }
                let collection = listed[index]
                let cached = cachedByHref[collection.href]
                let name = collection.displayName ?? collection.href
                let count = listed.count
                group.addTask {
                    do {
                        let result = try await collectionSync.sync(collection, cached: cached) { fetched, total in
                            progress(
                                SyncProgress(
                                    collection: name, collectionIndex: index, collectionCount: count,
                                    fetched: fetched, total: total))
                        }
                        return (index, result)
                    } catch DAVError.notFound {
                        // Deleted since the listing: not an error, the collection is simply gone.
                        return (index, nil)
                    }
                }
            }
            for _ in 0..<max(1, options.collectionConcurrency) { startNext() }
            while let (index, result) = try await group.next() {
                results[index] = result
                startNext()
            }
        }
        report.collections = results.compactMap { $0 }
        var vanished = Set<String>()
        for (index, result) in results.enumerated() where result == nil { vanished.insert(listed[index].href) }
        if !vanished.isEmpty { listing = nil }
        // A collection removed (or renamed to another href) on the server is gone from the cache too.
        let listedHrefs = Set(listed.map(\.href)).subtracting(vanished)
        for gone in cached where !listedHrefs.contains(gone.href) {
            try await store.removeCollection(id: gone.id, accountId: accountId)
            report.collectionsRemoved += 1
        }
        // Defaults need choosing only when a kind has none yet, or the set of collections changed.
        let hasDefault = Set(cached.filter(\.settings.isDefault).map(\.kind))
        if !Set(listed.map(\.kind)).isSubset(of: hasDefault) || report.collectionsRemoved > 0
            || listed.contains(where: { cachedByHref[$0.href] == nil })
        {
            try await chooseDefaults(kinds: kinds)
        }
        report.duration = .now - started
        logger.debug(
            "synced", metadata: ["account": "\(accountId)", "fetched": "\(report.fetched)", "ms": "\(report.duration)"])
        return report
    }

    /// Every kind of collection has one default (RFC 9610 §2, calendars §4): when the user has chosen
    /// none, the first by href becomes it and is kept, so a collection created later does not quietly
    /// take its place.
    private func chooseDefaults(kinds: Set<StoredCollection.Kind>) async throws {
        let collections = try await store.collections(accountId: accountId)
        for kind in StoredCollection.Kind.allCases where kinds.contains(kind) {
            let ofKind = collections.filter { $0.kind == kind }
            guard !ofKind.contains(where: \.settings.isDefault), let first = ofKind.min(by: { $0.href < $1.href })
            else { continue }
            var settings = first.settings
            settings.isDefault = true
            try await store.updateSettings(settings, collectionId: first.id, accountId: accountId)
        }
    }

    /// The address books and calendars in the principal's homes. Listed again at most once per
    /// `collectionListingInterval`: collections come and go far less often than their contents change,
    /// and an incremental sync should cost little more than its sync-collection reports.
    private func listCollections() async throws -> [StoredCollection] {
        if let listing, ContinuousClock.now - listing.at < options.collectionListingInterval {
            return listing.collections
        }
        let collections = try await listCollectionsNow()
        listing = (collections, .now)
        return collections
    }

    /// The principal's address book and calendar homes, where new collections are made.
    public func discoveredPrincipal() async throws -> DAVPrincipal {
        if let principal { return principal }
        let discovered = try await DAVDiscovery(client: client, baseURL: principalURL).principal(at: principalURL)
        principal = discovered
        return discovered
    }

    /// A collection was made or deleted through the gateway: the next sync lists the homes again.
    public func collectionsChanged() {
        listing = nil
    }

    private func listCollectionsNow() async throws -> [StoredCollection] {
        let discovery = DAVDiscovery(client: client, baseURL: principalURL)
        let principal = try await discoveredPrincipal()
        var homes: [URL] = []
        for home in principal.addressbookHomes + principal.calendarHomes where !homes.contains(home) {
            homes.append(home)
        }
        var collections: [StoredCollection] = []
        for home in homes {
            for collection in try await discovery.collections(inHome: home, properties: DAVCollection.listingProperties)
            {
                let href = DAVHref.normalize(collection.url.absoluteString, relativeTo: home)
                guard !collections.contains(where: { $0.href == href }) else { continue }
                collections.append(StoredCollection(collection, href: href))
            }
        }
        return collections
    }
}
