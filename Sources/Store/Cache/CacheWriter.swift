import Foundation
import GRDB

/// Writes what a sync found into the cache, inside one write transaction, logging each change a
/// JMAP client can see. Call `finish()` before the transaction commits.
///
/// The hot path (one statement per object) uses cached prepared statements, so a 10,000-card
/// initial sync is a few tens of thousands of statement executions and one commit.
struct CacheWriter {
    private let db: Database
    private let accountId: String
    private var recorder: ChangeRecorder

    init(_ db: Database, accountId: String) {
        self.db = db
        self.accountId = accountId
        self.recorder = ChangeRecorder(accountId: accountId)
    }

    /// Writes the advanced states back.
    /// Saves the change log's counters; returns the data types whose state moved, at their new modseq.
    @discardableResult
    func finish() throws -> [DataType: Int64] {
        try recorder.save(in: db)
    }

    // MARK: - Sync results

    mutating func apply(_ update: CollectionUpdate) throws {
        try requireAccount()
        let collection = try upsertCollection(update.collection)
        let memberType = collection.kind.memberDataType

        // Removals first: an href both removed and upserted (never sent by a sane server) ends up
        // present, which is what the fetched body says.
        var removed = Set<String>()
        for href in update.removed where removed.insert(href).inserted {
            // Unknown hrefs are ignored: servers report tombstones of items this cache never saw.
            guard let row = try objectRow(href: href), !row.destroyed, row.collectionId == collection.id else {
                continue
            }
            try destroyObject(id: row.id, dataType: memberType)
        }

        // The last resource sent for an href wins.
        var lastIndex: [String: Int] = [:]
        for (index, object) in update.upserted.enumerated() {
            lastIndex[object.href] = index
        }
        for (index, object) in update.upserted.enumerated() where lastIndex[object.href] == index {
            try upsertObject(object, into: collection)
        }

        if update.isComplete {
            var present = Set(update.unchanged)
            present.formUnion(lastIndex.keys)
            for (id, href) in try liveObjects(collectionId: collection.id) where !present.contains(href) {
                try destroyObject(id: id, dataType: memberType)
            }
        }
    }

    mutating func moveObject(id: String, to incoming: StoredCollection, as object: FetchedObject) throws {
        try requireAccount()
        let collection = try upsertCollection(incoming)
        let dataType = collection.kind.memberDataType
        if let row = try objectRow(href: object.href), row.id != id {
            // A tombstone, or the copy a sync saw before the old href was deleted: the moved record wins.
            if !row.destroyed { try destroyObject(id: row.id, dataType: dataType) }
            try db.execute(sql: "DELETE FROM object WHERE account_id = ? AND id = ?", arguments: [accountId, row.id])
        }
        let modseq = try recorder.record(.updated, id: id, dataType: dataType, in: db)
        try db.execute(
            sql: """
                UPDATE object SET collection_id = ?, href = ?, etag = ?, uid = ?, body = ?, json = ?, modseq = ?
                WHERE account_id = ? AND id = ? AND destroyed = 0
                """,
            arguments: [
                collection.id, object.href, object.etag, object.uid, object.body, object.json, modseq, accountId, id,
            ])
        guard db.changesCount == 1 else { throw StoreError.notFound("object \(id)") }
    }

    mutating func removeCollection(id: String) throws {
        guard var record = try CollectionRecord.fetchOne(db, key: ["account_id": accountId, "id": id]) else {
            throw StoreError.notFound("collection \(id)")
        }
        guard !record.destroyed else { return }
        for (objectId, _) in try liveObjects(collectionId: id) {
            try destroyObject(id: objectId, dataType: record.kind.memberDataType)
        }
        record.destroyed = true
        // Should the href come back, its sync starts from scratch.
        record.ctag = nil
        record.syncToken = nil
        record.modseq = try recorder.record(.destroyed, id: id, dataType: record.kind.dataType, in: db)
        try record.update(db)
    }

    mutating func updateSettings(_ settings: CollectionSettings, collectionId: String) throws {
        guard var record = try CollectionRecord.fetchOne(db, key: ["account_id": accountId, "id": collectionId]),
            !record.destroyed
        else {
            throw StoreError.notFound("collection \(collectionId)")
        }
        if settings.isDefault {
            let others = try CollectionRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM collection
                    WHERE account_id = ? AND kind = ? AND is_default = 1 AND id != ? AND destroyed = 0
                    """,
                arguments: [accountId, record.kind.rawValue, collectionId])
            for var other in others {
                other.isDefault = false
                other.modseq = try recorder.record(.updated, id: other.id, dataType: other.kind.dataType, in: db)
                try other.update(db)
            }
        }
        guard record.settings != settings else { return }
        record.settings = settings
        record.modseq = try recorder.record(.updated, id: record.id, dataType: record.kind.dataType, in: db)
        try record.update(db)
    }

    // MARK: - Collections

    private mutating func upsertCollection(_ incoming: StoredCollection) throws -> CollectionRecord {
        let statement = try db.cachedStatement(sql: "SELECT * FROM collection WHERE account_id = ? AND href = ?")
        let existing = try CollectionRecord.fetchOne(statement, arguments: [accountId, incoming.href])
        guard var record = existing else {
            let id = try unusedId(.init(collection: incoming.kind), href: incoming.href, table: "collection")
            var record = CollectionRecord(
                accountId: accountId, id: id, href: incoming.href, kind: incoming.kind, supportsSyncCollection: false,
                privileges: [], destroyed: false, modseq: 0
            )
            record.take(incoming)
            record.modseq = try recorder.record(.created, id: id, dataType: incoming.kind.dataType, in: db)
            try record.insert(db)
            return record
        }

        guard record.kind == incoming.kind else {
            throw StoreError.storage(
                "collection \(incoming.href) is cached as \(record.kind.rawValue), "
                    + "now reported as \(incoming.kind.rawValue)"
            )
        }
        let change: ChangeKind? =
            if record.destroyed {
                .created
            } else if record.hasVisibleDifferences(from: incoming) {
                .updated
            } else {
                nil
            }
        let before = record
        record.take(incoming)
        record.destroyed = false
        if let change {
            record.modseq = try recorder.record(change, id: record.id, dataType: record.kind.dataType, in: db)
        }
        // A ctag or sync token alone is stored without a change: clients cannot see it.
        if record != before {
            try record.update(db)
        }
        return record
    }

    // MARK: - Objects

    /// What an upsert needs to know of an existing row: not its body unless it is compared.
    private struct ObjectRow {
        var id: String
        var collectionId: String
        var etag: String?
        var body: Data
        var destroyed: Bool
    }

    private func objectRow(href: String) throws -> ObjectRow? {
        let statement = try db.cachedStatement(
            sql: "SELECT id, collection_id, etag, body, destroyed FROM object WHERE account_id = ? AND href = ?"
        )
        guard let row = try Row.fetchOne(statement, arguments: [accountId, href]) else { return nil }
        return ObjectRow(id: row[0], collectionId: row[1], etag: row[2], body: row[3], destroyed: row[4])
    }

    private mutating func upsertObject(_ object: FetchedObject, into collection: CollectionRecord) throws {
        let dataType = collection.kind.memberDataType
        guard let row = try objectRow(href: object.href) else {
            let id = try unusedId(.init(member: collection.kind), href: object.href, table: "object")
            let modseq = try recorder.record(.created, id: id, dataType: dataType, in: db)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO object (account_id, id, collection_id, href, etag, uid, body, json, modseq, destroyed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    """
            )
            try insert.execute(
                arguments: [
                    accountId, id, collection.id, object.href, object.etag, object.uid, object.body, object.json,
                    modseq,
                ]
            )
            return
        }

        let change: ChangeKind
        if row.destroyed {
            // The href came back: same id, created again.
            change = .created
        } else if row.collectionId != collection.id || row.etag != object.etag || row.body != object.body {
            change = .updated
        } else {
            return
        }
        let modseq = try recorder.record(change, id: row.id, dataType: dataType, in: db)
        let update = try db.cachedStatement(
            sql: """
                UPDATE object SET collection_id = ?, etag = ?, uid = ?, body = ?, json = ?, modseq = ?, destroyed = 0
                WHERE account_id = ? AND id = ?
                """
        )
        try update.execute(
            arguments: [collection.id, object.etag, object.uid, object.body, object.json, modseq, accountId, row.id]
        )
    }

    /// Keeps the row (and so the href → id mapping) but drops its content.
    private mutating func destroyObject(id: String, dataType: DataType) throws {
        let modseq = try recorder.record(.destroyed, id: id, dataType: dataType, in: db)
        let statement = try db.cachedStatement(
            sql: """
                UPDATE object SET destroyed = 1, modseq = ?, etag = NULL, uid = NULL, body = X'', json = NULL
                WHERE account_id = ? AND id = ?
                """
        )
        try statement.execute(arguments: [modseq, accountId, id])
    }

    private func liveObjects(collectionId: String) throws -> [(id: String, href: String)] {
        let statement = try db.cachedStatement(
            sql: "SELECT id, href FROM object WHERE account_id = ? AND collection_id = ? AND destroyed = 0"
        )
        return try Row.fetchAll(statement, arguments: [accountId, collectionId]).map { ($0[0], $0[1]) }
    }

    // MARK: - Support

    private func requireAccount() throws {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM account WHERE id = ?")
        guard try Row.fetchOne(statement, arguments: [accountId]) != nil else {
            throw StoreError.notFound("account \(accountId)")
        }
    }

    /// The derived id for an href, salted past any row (of this account) that already holds it.
    private func unusedId(_ prefix: StoreIdentifier.Prefix, href: String, table: String) throws -> String {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM \(table) WHERE account_id = ? AND id = ?")
        var attempt = 0
        while true {
            let id = StoreIdentifier.derive(prefix, accountId: accountId, href: href, attempt: attempt)
            if try Row.fetchOne(statement, arguments: [accountId, id]) == nil {
                return id
            }
            attempt += 1
        }
    }
}
