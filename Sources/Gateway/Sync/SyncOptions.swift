/// How the gateway keeps its cache in step with the DAV server.
public struct SyncOptions: Sendable, Hashable {
    /// Use RFC 6578 sync-collection where the server offers it. Off: ctag probe + ETag diff only.
    public var useSyncCollection: Bool
    /// Hrefs per addressbook-multiget / calendar-multiget.
    public var multigetBatchSize: Int
    /// Multiget REPORTs in flight at once for one collection.
    public var multigetConcurrency: Int
    /// At least this many resources to fetch, and at least half the collection: one query REPORT
    /// for every member instead of multigets. 0 turns it off.
    public var bulkFetchThreshold: Int
    /// Fetched resources written to the store at a time while a collection's fetch goes on.
    public var applyBatchSize: Int
    /// Collections of one account synced at once.
    public var collectionConcurrency: Int
    /// A request syncs first when the last sync is older than this.
    public var minSyncAge: Duration
    /// How long a listing of the homes (which collections exist) is reused before listing again.
    public var collectionListingInterval: Duration

    public init(
        useSyncCollection: Bool = true, multigetBatchSize: Int = 250, multigetConcurrency: Int = 2,
        bulkFetchThreshold: Int = 200,
        collectionConcurrency: Int = 4, applyBatchSize: Int = 1000, minSyncAge: Duration = .seconds(2),
        collectionListingInterval: Duration = .seconds(30)
    ) {
        self.useSyncCollection = useSyncCollection
        self.multigetBatchSize = multigetBatchSize
        self.multigetConcurrency = multigetConcurrency
        self.collectionConcurrency = collectionConcurrency
        self.bulkFetchThreshold = bulkFetchThreshold
        self.applyBatchSize = applyBatchSize
        self.minSyncAge = minSyncAge
        self.collectionListingInterval = collectionListingInterval
    }
}
