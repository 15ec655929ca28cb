/// What one account sync did, for logs, the CLI summary and the benchmark.
public struct SyncReport: Sendable, Hashable {
    /// How each collection was brought up to date.
    public enum Method: String, Sendable, Hashable {
        /// RFC 6578 sync-collection from a stored token (or an initial one).
        case syncCollection
        /// getctag unchanged: nothing fetched.
        case ctagUnchanged
        /// PROPFIND Depth 1 and a comparison of ETags with the cache.
        case etagDiff
    }

    public struct CollectionResult: Sendable, Hashable {
        public var href: String
        public var displayName: String?
        public var method: Method
        /// Members listed by the server in this sync (the full count for an ETag diff or initial sync).
        public var listed: Int
        /// Resources fetched (bodies read), whether inline, by query or by multiget.
        public var fetched: Int
        public var removed: Int
        /// True when a stored sync token was refused and the ETag diff stood in.
        public var tokenRefused: Bool
        /// Of `fetched`, those that came in one query REPORT for every member.
        public var fetchedByQuery: Int = 0
    }

    public var collections: [CollectionResult] = []
    public var collectionsRemoved: Int = 0
    public var duration: Duration = .zero

    public var fetched: Int { collections.reduce(0) { $0 + $1.fetched } }
    public var removed: Int { collections.reduce(0) { $0 + $1.removed } }
}

/// Progress while syncing, for the CLI's progress bar.
public struct SyncProgress: Sendable, Hashable {
    public var collection: String
    public var collectionIndex: Int
    public var collectionCount: Int
    /// Resources fetched so far in this collection, of `total` to fetch.
    public var fetched: Int
    public var total: Int
}
