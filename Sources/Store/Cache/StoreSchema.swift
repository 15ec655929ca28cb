import GRDB

/// The cache's tables. Every row carries its account id, and every key starts with it, so one
/// account's rows can never be reached through another's.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try createV1(db)
        }
        // The user's own collection settings (RFC 9610 §2), which the DAV server has no place for.
        migrator.registerMigration("v2") { db in
            try db.alter(table: "collection") { t in
                t.add(column: "sort_order", .integer).notNull().defaults(to: 0)
                t.add(column: "is_subscribed", .boolean).notNull().defaults(to: true)
                t.add(column: "is_default", .boolean).notNull().defaults(to: false)
            }
        }
        // Calendars (draft-ietf-jmap-calendars-27 §4): the server's calendar-order and calendar-timezone,
        // and the user's other per-user properties as one JSON object (see `CollectionSettings`).
        migrator.registerMigration("v3") { db in
            try db.alter(table: "collection") { t in
                t.add(column: "calendar_order", .integer)
                t.add(column: "time_zone", .text)
                t.add(column: "user_properties", .blob)
            }
        }
        return migrator
    }

    private static func createV1(_ db: Database) throws {
        // One row: the epoch that makes state strings of this file differ from a rebuilt one's.
        try db.create(table: "store_info") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("epoch", .text).notNull()
        }
        try db.execute(sql: "INSERT INTO store_info (id, epoch) VALUES (1, ?)", arguments: [StateToken.makeEpoch()])

        try db.create(table: "account") { t in
            t.primaryKey("id", .text)
            t.column("principal_url", .text).notNull()
            t.column("created_at", .datetime).notNull()
        }

        // Destroyed rows stay (with `destroyed = 1`) to keep the href → id mapping and to know a
        // reappearing href is a `created`, until retention purges them.
        try db.create(table: "collection") { t in
            t.primaryKey {
                t.column("account_id", .text).references("account", onDelete: .cascade)
                t.column("id", .text)
            }
            t.column("href", .text).notNull()
            t.column("kind", .text).notNull()
            t.column("display_name", .text)
            t.column("description", .text)
            t.column("color", .text)
            t.column("ctag", .text)
            t.column("sync_token", .text)
            t.column("supports_sync_collection", .boolean).notNull().defaults(to: false)
            t.column("privileges", .jsonText).notNull().defaults(to: "[]")
            t.column("destroyed", .boolean).notNull().defaults(to: false)
            // The modseq (of the collection's data type) of the row's last JMAP-visible change.
            t.column("modseq", .integer).notNull()
            t.uniqueKey(["account_id", "href"])
        }

        try db.create(table: "object") { t in
            t.primaryKey {
                t.column("account_id", .text)
                t.column("id", .text)
            }
            t.column("collection_id", .text).notNull()
            t.column("href", .text).notNull()
            t.column("etag", .text)
            t.column("uid", .text)
            t.column("body", .blob).notNull()
            t.column("json", .blob)
            // The modseq (of the member data type) of the row's last JMAP-visible change.
            t.column("modseq", .integer).notNull()
            t.column("destroyed", .boolean).notNull().defaults(to: false)
            t.uniqueKey(["account_id", "href"])
            t.foreignKey(
                ["account_id", "collection_id"], references: "collection", columns: ["account_id", "id"],
                onDelete: .cascade
            )
        }
        try db.create(index: "object_on_collection", on: "object", columns: ["account_id", "collection_id"])
        try db.create(index: "object_on_uid", on: "object", columns: ["account_id", "uid"])

        // The current modseq of each data type, and the oldest one the change log still covers.
        try db.create(table: "type_state") { t in
            t.primaryKey {
                t.column("account_id", .text)
                t.column("data_type", .text)
            }
            t.column("modseq", .integer).notNull()
            t.column("low_watermark", .integer).notNull().defaults(to: 0)
        }

        // One row per change, each at its own modseq, so any modseq is a state /changes can stop at.
        try db.create(table: "change") { t in
            t.column("account_id", .text).notNull()
            t.column("data_type", .text).notNull()
            t.column("modseq", .integer).notNull()
            t.column("object_id", .text).notNull()
            t.column("kind", .text).notNull().check { ["created", "updated", "destroyed"].contains($0) }
        }
        try db.create(
            index: "change_on_type_modseq", on: "change", columns: ["account_id", "data_type", "modseq"], unique: true
        )
    }
}
