import Foundation
import GRDB

/// A row of the `collection` table.
struct CollectionRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "collection"

    var accountId: String
    var id: String
    var href: String
    var kind: StoredCollection.Kind
    var displayName: String?
    var description: String?
    var color: String?
    var order: Int?
    var timeZone: String?
    var ctag: String?
    var syncToken: String?
    var supportsSyncCollection: Bool
    /// Stored as a JSON array, sorted: DAV reports privileges as a set, in no particular order.
    var privileges: [String]
    var sortOrder: Int = 0
    var isSubscribed: Bool = true
    var isDefault: Bool = false
    var userProperties: Data?
    var destroyed: Bool
    var modseq: Int64

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id"
        case id
        case href
        case kind
        case displayName = "display_name"
        case description
        case color
        case order = "calendar_order"
        case timeZone = "time_zone"
        case ctag
        case syncToken = "sync_token"
        case supportsSyncCollection = "supports_sync_collection"
        case privileges
        case sortOrder = "sort_order"
        case isSubscribed = "is_subscribed"
        case isDefault = "is_default"
        case userProperties = "user_properties"
        case destroyed
        case modseq
    }

    var stored: StoredCollection {
        StoredCollection(
            id: id, href: href, kind: kind, displayName: displayName, description: description, color: color,
            order: order, timeZone: timeZone, ctag: ctag, syncToken: syncToken,
            supportsSyncCollection: supportsSyncCollection, privileges: privileges, settings: settings
        )
    }

    var settings: CollectionSettings {
        get {
            CollectionSettings(
                sortOrder: sortOrder, isSubscribed: isSubscribed, isDefault: isDefault, userProperties: userProperties)
        }
        set {
            sortOrder = newValue.sortOrder
            isSubscribed = newValue.isSubscribed
            isDefault = newValue.isDefault
            userProperties = newValue.userProperties
        }
    }

    /// Whether a client would see a difference: only the properties JMAP exposes count, not the
    /// ctag or sync token, which change with every member change.
    func hasVisibleDifferences(from collection: StoredCollection) -> Bool {
        displayName != collection.displayName || description != collection.description
            || color != collection.color || order != collection.order || timeZone != collection.timeZone
            || privileges != Self.normalized(collection.privileges)
    }

    /// Takes every property of `collection` except its id and kind, which belong to the row.
    mutating func take(_ collection: StoredCollection) {
        href = collection.href
        displayName = collection.displayName
        description = collection.description
        color = collection.color
        order = collection.order
        timeZone = collection.timeZone
        ctag = collection.ctag
        syncToken = collection.syncToken
        supportsSyncCollection = collection.supportsSyncCollection
        privileges = Self.normalized(collection.privileges)
    }

    static func normalized(_ privileges: [String]) -> [String] {
        Array(Set(privileges)).sorted()
    }
}

/// A row of the `object` table.
struct ObjectRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "object"

    var accountId: String
    var id: String
    var collectionId: String
    var href: String
    var etag: String?
    var uid: String?
    var body: Data
    var json: Data?
    var modseq: Int64
    var destroyed: Bool

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id"
        case id
        case collectionId = "collection_id"
        case href
        case etag
        case uid
        case body
        case json
        case modseq
        case destroyed
    }

    var stored: StoredObject {
        StoredObject(id: id, collectionId: collectionId, href: href, etag: etag, uid: uid, body: body, json: json)
    }
}
