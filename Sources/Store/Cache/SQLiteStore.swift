import Foundation
import GRDB

/// The cache of one gateway instance: a SQLite file in WAL mode, read concurrently and written
/// by one transaction at a time (GRDB's `DatabasePool`).
///
/// State strings are `<epoch>-<modseq>` (see `StateToken`); the initial state of a type nothing
/// was written to is `<epoch>-0`. The change log grows until `pruneChanges` bounds it.
public final class SQLiteStore: Store {
    private let writer: any DatabaseWriter
    /// Random per database file, part of every state string.
    private let epoch: String
    public let stateChanges = StateChangeFeed()
    /// Reads of up to this many objects by id are done on the calling thread (`read(few:_:)`).
    private static let smallRead = 50

    /// Opens (creating it and its directory if needed) the cache file at `path`.
    public convenience init(path: String) throws(StoreError) {
        let pool: DatabasePool
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: Self.configuration)
        } catch {
            throw Self.storeError(error)
        }
        try self.init(migrating: pool)
    }

    /// A cache that lives in memory only, for tests of the modules above.
    public static func inMemory() throws(StoreError) -> SQLiteStore {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration)
        } catch {
            throw storeError(error)
        }
        return try SQLiteStore(migrating: queue)
    }

    private init(migrating writer: any DatabaseWriter) throws(StoreError) {
        do {
            try StoreSchema.migrator.migrate(writer)
            let epoch = try writer.read { db in try String.fetchOne(db, sql: "SELECT epoch FROM store_info") }
            guard let epoch else { throw StoreError.storage("store_info holds no epoch") }
            self.writer = writer
            self.epoch = epoch
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Closes the database; any later call fails with `.storage`.
    public func close() throws(StoreError) {
        do {
            try writer.close()
        } catch {
            throw Self.storeError(error)
        }
    }

    // MARK: - Store

    public func registerAccount(id: String, principalURL: String) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO account (id, principal_url, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                arguments: [id, principalURL, Date()]
            )
        }
    }

    public func collections(accountId: String) async throws(StoreError) -> [StoredCollection] {
        // An account has a handful of collections, and every sync reads them.
        try await read(few: true) { db in
            let statement = try db.cachedStatement(
                sql: "SELECT * FROM collection WHERE account_id = ? AND destroyed = 0 ORDER BY href")
            return try CollectionRecord.fetchAll(statement, arguments: [accountId]).map(\.stored)
        }
    }

    public func objectVersions(accountId: String, collectionId: String) async throws(StoreError) -> [ObjectVersion] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, href, etag FROM object
                    WHERE account_id = ? AND collection_id = ? AND destroyed = 0 ORDER BY href
                    """,
                arguments: [accountId, collectionId]
            ).map { ObjectVersion(id: $0[0], href: $0[1], etag: $0[2]) }
        }
    }

    public func objectVersions(
        accountId: String, collectionId: String, hrefs: [String]
    ) async throws(StoreError) -> [ObjectVersion] {
        guard !hrefs.isEmpty else { return [] }
        return try await read(few: hrefs.count <= Self.smallRead) { db in
            var versions: [ObjectVersion] = []
            // Chunks stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: hrefs.count, by: 500) {
                let chunk = Array(hrefs[start..<min(hrefs.count, start + 500)])
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                // Cached per connection: an incremental sync asks the same shape (one or a few hrefs) each time.
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT id, href, etag FROM object
                        WHERE account_id = ? AND collection_id = ? AND destroyed = 0 AND href IN (\(placeholders))
                        """)
                versions += try Row.fetchAll(
                    statement, arguments: StatementArguments([accountId, collectionId] + chunk)
                )
                .map { ObjectVersion(id: $0[0], href: $0[1], etag: $0[2]) }
            }
            return versions
        }
    }

    /// Returned in the order of `ids`, each at most once.
    public func objects(accountId: String, ids: [String], bodies: ObjectBodies) async throws(StoreError)
        -> [StoredObject]
    {
        let unique = Self.unique(ids)
        guard !unique.isEmpty else { return [] }
        return try await read(few: unique.count <= Self.smallRead) { db in
            try Self.objects(db, accountId: accountId, ids: unique, bodies: bodies)
        }
    }

    public func objects(accountId: String, ids: [String], bodies: ObjectBodies, stateOf dataType: DataType)
        async throws(StoreError) -> (state: String, objects: [StoredObject])
    {
        let unique = Self.unique(ids)
        let epoch = epoch
        return try await read(few: unique.count <= Self.smallRead) { db in
            let state = try TypeState.fetch(db, accountId: accountId, dataType: dataType)
            let objects = unique.isEmpty ? [] : try Self.objects(db, accountId: accountId, ids: unique, bodies: bodies)
            return (StateToken(epoch: epoch, modseq: state.modseq).string, objects)
        }
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The objects of `ids` (no repeats), in that order.
    private static func objects(_ db: Database, accountId: String, ids: [String], bodies: ObjectBodies) throws
        -> [StoredObject]
    {
        let body =
            switch bodies {
            case .all: "body"
            case .unconvertedOnly: "CASE WHEN json IS NULL THEN body ELSE x'' END"
            }
        var found: [String: StoredObject] = [:]
        // Chunks stay far below SQLite's limit on bound parameters.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            // Cached per connection: a small /get asks the same shape again and again.
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, collection_id, href, etag, uid, \(body), json FROM object
                    WHERE account_id = ? AND destroyed = 0 AND id IN (\(placeholders))
                    """)
            // Columns read by position, not through Codable: a 10,000-card /get reads every row.
            let rows = try Row.fetchCursor(statement, arguments: StatementArguments([accountId] + chunk))
            while let row = try rows.next() {
                let object = StoredObject(
                    id: row[0], collectionId: row[1], href: row[2], etag: row[3], uid: row[4], body: row[5],
                    json: row[6])
                found[object.id] = object
            }
        }
        return ids.compactMap { found[$0] }
    }

    /// Sorted by id, so that repeated calls agree.
    public func objectIds(accountId: String, dataType: DataType) async throws(StoreError) -> [String] {
        try await read { db in
            if dataType.isCollectionType {
                return try String.fetchAll(
                    db,
                    sql: "SELECT id FROM collection WHERE account_id = ? AND kind = ? AND destroyed = 0 ORDER BY id",
                    arguments: [accountId, dataType.collectionKind.rawValue]
                )
            }
            return try String.fetchAll(
                db,
                sql: """
                    SELECT object.id FROM object
                    JOIN collection
                        ON collection.account_id = object.account_id AND collection.id = object.collection_id
                    WHERE object.account_id = ? AND collection.kind = ? AND object.destroyed = 0
                    ORDER BY object.id
                    """,
                arguments: [accountId, dataType.collectionKind.rawValue]
            )
        }
    }

    /// The account must have been registered (`.notFound` otherwise).
    public func apply(_ update: CollectionUpdate, accountId: String) async throws(StoreError) {
        try await write { db in
            var writer = CacheWriter(db, accountId: accountId)
            try writer.apply(update)
            try published(writer.finish(), accountId: accountId, db)
        }
    }

    public func moveObject(
        id: String, to collection: StoredCollection, as object: FetchedObject, accountId: String
    ) async throws(StoreError) {
        try await write { db in
            var writer = CacheWriter(db, accountId: accountId)
            try writer.moveObject(id: id, to: collection, as: object)
            try published(writer.finish(), accountId: accountId, db)
        }
    }

    public func updateSettings(
        _ settings: CollectionSettings, collectionId: String, accountId: String
    ) async throws(StoreError) {
        try await write { db in
            var writer = CacheWriter(db, accountId: accountId)
            try writer.updateSettings(settings, collectionId: collectionId)
            try published(writer.finish(), accountId: accountId, db)
        }
    }

    public func saveConverted(_ objects: [ConvertedObject], accountId: String) async throws(StoreError) {
        guard !objects.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE object SET json = ? WHERE account_id = ? AND id = ? AND etag IS ? AND destroyed = 0")
            for object in objects {
                try statement.execute(arguments: [object.json, accountId, object.id, object.etag])
            }
        }
    }

    /// `.notFound` for an id the account never had; a no-op for one already destroyed.
    public func removeCollection(id: String, accountId: String) async throws(StoreError) {
        try await write { db in
            var writer = CacheWriter(db, accountId: accountId)
            try writer.removeCollection(id: id)
            try published(writer.finish(), accountId: accountId, db)
        }
    }

    public func state(accountId: String, dataType: DataType) async throws(StoreError) -> String {
        let epoch = epoch
        return try await read(few: true) { db in
            let state = try TypeState.fetch(db, accountId: accountId, dataType: dataType)
            return StateToken(epoch: epoch, modseq: state.modseq).string
        }
    }

    public func changes(
        accountId: String, dataType: DataType, sinceState: String, maxChanges: Int?
    ) async throws(StoreError) -> StoredChanges {
        let epoch = epoch
        return try await read { db in
            try ChangeLog.changes(
                db, accountId: accountId, dataType: dataType, sinceState: sinceState, maxChanges: maxChanges,
                epoch: epoch
            )
        }
    }

    // MARK: - Retention

    /// Bounds the change log: keeps the newest `keepingNewest` changes of every data type (of one
    /// account, or of every account when `accountId` is nil), so states older than that get
    /// `cannotCalculateChanges`, and purges the destroyed rows whose destroy was pruned. Returns
    /// the number of changes deleted. Run it periodically; each call is one write transaction.
    @discardableResult
    public func pruneChanges(accountId: String? = nil, keepingNewest: Int) async throws(StoreError) -> Int {
        try await write { db in
            try ChangeRetention.prune(db, accountId: accountId, keepingNewest: keepingNewest)
        }
    }

    // MARK: - Support

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "jmap-gateway.store"
        // The cache is derived data the DAV server can always rebuild, so a commit need not wait for
        // the disk: WAL with synchronous=NORMAL stays consistent and loses at most the newest commits
        // on a power cut (the next sync refetches them).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return configuration
    }

    private func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await writer.read(value)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A read of a few rows by key (`few`) runs on the calling thread: the hop to GRDB's reader queue
    /// and back (two thread wake-ups, ≈ 0.2 ms each on an idle machine) costs more than the read.
    /// WAL readers never wait for the writer, so this blocks on no other work. Larger reads hop.
    private func read<T: Sendable>(few: Bool, _ value: @escaping @Sendable (Database) throws -> T)
        async throws(StoreError) -> T
    {
        few ? try readHere(value) : try await read(value)
    }

    /// Not async, so that GRDB's blocking `read` is the one called.
    private func readHere<T: Sendable>(_ value: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(value)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// One write transaction: everything in `updates` commits, or nothing does.
    /// Publishes the states a write moved once its transaction has committed, in commit order (the
    /// callback runs on the writer's queue).
    private func published(_ modseqs: [DataType: Int64], accountId: String, _ db: Database) {
        guard !modseqs.isEmpty else { return }
        let change = StoreStateChange(
            accountId: accountId,
            states: modseqs.mapValues { StateToken(epoch: epoch, modseq: $0).string })
        let feed = stateChanges
        db.afterNextTransaction { _ in feed.publish(change) }
    }

    private func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await writer.write(updates)
        } catch {
            throw Self.storeError(error)
        }
    }

    private static func storeError(_ error: any Error) -> StoreError {
        (error as? StoreError) ?? .storage(String(describing: error))
    }
}
