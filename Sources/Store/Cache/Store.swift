import Foundation

/// What the sync engine and the data types need from the cache. SQLite (GRDB) implements it for
/// one gateway instance; a PostgreSQL store for several instances can implement it later without
/// touching the engine. Every call is scoped to one account, so users never mix.
public protocol Store: Sendable {
    /// Each committed write that moved a state, for push (RFC 8620 §7).
    var stateChanges: StateChangeFeed { get }

    /// Records the account (its principal URL) on first sight; a no-op afterwards.
    func registerAccount(id: String, principalURL: String) async throws(StoreError)

    /// The account's live collections.
    func collections(accountId: String) async throws(StoreError) -> [StoredCollection]

    /// Hrefs and ETags of a collection's live objects, for an ETag diff.
    func objectVersions(accountId: String, collectionId: String) async throws(StoreError) -> [ObjectVersion]

    /// Hrefs and ETags of the named live objects of a collection (an incremental sync asks only about
    /// what the server reported); unknown hrefs are left out.
    func objectVersions(accountId: String, collectionId: String, hrefs: [String]) async throws(StoreError)
        -> [ObjectVersion]

    /// Live objects by id; unknown ids are left out. With `bodies: .unconvertedOnly` the body is left
    /// empty where converted JSON exists: a /get of thousands of cached cards need not read the vCards.
    func objects(accountId: String, ids: [String], bodies: ObjectBodies) async throws(StoreError) -> [StoredObject]

    /// Live objects by id, as `objects(accountId:ids:bodies:)` reads them, and the state of `dataType`
    /// in the same snapshot: a /get's `state` then describes exactly the objects it returns (RFC 8620
    /// §5.1), and one read serves both.
    func objects(accountId: String, ids: [String], bodies: ObjectBodies, stateOf dataType: DataType)
        async throws(StoreError) -> (state: String, objects: [StoredObject])

    /// Ids of every live object of a data type (for `/get` with `ids: null` and `/query`).
    func objectIds(accountId: String, dataType: DataType) async throws(StoreError) -> [String]

    /// Applies one collection's sync result atomically: upserts the collection and its objects,
    /// removes what is gone, bumps the states of the data types that changed and logs each change.
    func apply(_ update: CollectionUpdate, accountId: String) async throws(StoreError)

    /// Moves an object to another collection under a new href, keeping its id: a JMAP client moved it
    /// (e.g. a card between address books, RFC 9610 §3), and to the client it is the same record,
    /// `updated`. Any other row holding the new href gives way.
    func moveObject(id: String, to collection: StoredCollection, as object: FetchedObject, accountId: String)
        async throws(StoreError)

    /// Saves the user's settings of a collection: a change a client sees (the collection's type state
    /// moves). `isDefault` is exclusive: setting it clears it on the account's other collections of
    /// the same kind, which are changed too.
    func updateSettings(_ settings: CollectionSettings, collectionId: String, accountId: String)
        async throws(StoreError)

    /// Caches converted JMAP objects. An entry whose object's ETag is no longer `etag` is ignored (the
    /// body it was converted from is gone); not a change a client sees.
    func saveConverted(_ objects: [ConvertedObject], accountId: String) async throws(StoreError)

    /// Marks a collection gone from the server (and all its objects) as destroyed.
    func removeCollection(id: String, accountId: String) async throws(StoreError)

    /// The current state string of a data type.
    func state(accountId: String, dataType: DataType) async throws(StoreError) -> String

    /// Keeps the newest `keepingNewest` changes per account and data type; older states then get
    /// `cannotCalculateChanges`. Returns the number of change rows removed.
    @discardableResult
    func pruneChanges(accountId: String?, keepingNewest: Int) async throws(StoreError) -> Int

    /// Changes since `sinceState`, oldest first, coalesced per id (§5.2), at most `maxChanges` ids.
    func changes(
        accountId: String, dataType: DataType, sinceState: String, maxChanges: Int?
    ) async throws(StoreError) -> StoredChanges
}

/// Which stored bodies a read of objects returns.
public enum ObjectBodies: Sendable, Hashable {
    /// Every object's body.
    case all
    /// Only the bodies of objects without converted JSON (the others come back with an empty body).
    case unconvertedOnly
}

extension Store {
    /// Live objects by id, with their bodies; unknown ids are left out.
    public func objects(accountId: String, ids: [String]) async throws(StoreError) -> [StoredObject] {
        try await objects(accountId: accountId, ids: ids, bodies: .all)
    }
}
