import Foundation

/// The kinds of records the cache keeps, each with its own JMAP state and change log.
public enum DataType: String, Sendable, Hashable, CaseIterable, Codable {
    case addressBook = "AddressBook"
    case contactCard = "ContactCard"
    case calendar = "Calendar"
    case calendarEvent = "CalendarEvent"
}

/// What a user sets on a collection that the DAV server does not keep (RFC 9610 §2: sortOrder,
/// isSubscribed, isDefault), kept per account in the cache. Syncs never touch it.
public struct CollectionSettings: Sendable, Hashable {
    public var sortOrder: Int
    public var isSubscribed: Bool
    public var isDefault: Bool
    /// The data type's other per-user properties, as one JSON object it reads and writes itself (a
    /// calendar's isVisible, includeInAvailability and default alerts, draft-ietf-jmap-calendars-27 §4):
    /// the store keeps the bytes and compares them, nothing more. Nil when there are none.
    public var userProperties: Data?

    public init(sortOrder: Int = 0, isSubscribed: Bool = true, isDefault: Bool = false, userProperties: Data? = nil) {
        self.sortOrder = sortOrder
        self.isSubscribed = isSubscribed
        self.isDefault = isDefault
        self.userProperties = userProperties
    }
}

/// An address book or calendar as cached.
public struct StoredCollection: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case addressBook
        case calendar

        /// The data type of the collection itself, and of the objects inside it.
        public var dataType: DataType { self == .addressBook ? .addressBook : .calendar }
        public var memberDataType: DataType { self == .addressBook ? .contactCard : .calendarEvent }
    }

    /// JMAP id: opaque, URL-safe, stable for the same href.
    public var id: String
    /// Absolute URL of the collection, normalised (see `DAVHref`).
    public var href: String
    public var kind: Kind
    public var displayName: String?
    public var description: String?
    public var color: String?
    /// A calendar's Apple calendar-order as on the server; nil when it holds none.
    public var order: Int?
    /// The IANA id of a calendar's calendar-timezone (RFC 4791 §5.2.2) as on the server; nil when it
    /// holds none, or one that names no known zone.
    public var timeZone: String?
    public var ctag: String?
    /// The RFC 6578 token of the last successful sync-collection, nil before the first one.
    public var syncToken: String?
    public var supportsSyncCollection: Bool
    /// DAV privilege names from current-user-privilege-set.
    public var privileges: [String]
    /// The user's own settings; read from the cache, never written by `apply` (see `updateSettings`).
    public var settings: CollectionSettings

    public init(
        id: String, href: String, kind: Kind, displayName: String? = nil, description: String? = nil,
        color: String? = nil, order: Int? = nil, timeZone: String? = nil, ctag: String? = nil,
        syncToken: String? = nil, supportsSyncCollection: Bool = false, privileges: [String] = [],
        settings: CollectionSettings = CollectionSettings()
    ) {
        self.id = id
        self.href = href
        self.kind = kind
        self.displayName = displayName
        self.description = description
        self.color = color
        self.order = order
        self.timeZone = timeZone
        self.ctag = ctag
        self.syncToken = syncToken
        self.supportsSyncCollection = supportsSyncCollection
        self.privileges = privileges
        self.settings = settings
    }
}

/// A vCard or iCalendar resource as cached.
public struct StoredObject: Sendable, Hashable {
    public var id: String
    public var collectionId: String
    public var href: String
    public var etag: String?
    public var uid: String?
    /// The body exactly as the server sent it.
    public var body: Data
    /// The converted JMAP object (JSContact / JSCalendar JSON), once the converters exist.
    public var json: Data?

    public init(
        id: String, collectionId: String, href: String, etag: String?, uid: String?, body: Data, json: Data? = nil
    ) {
        self.id = id
        self.collectionId = collectionId
        self.href = href
        self.etag = etag
        self.uid = uid
        self.body = body
        self.json = json
    }
}

/// A JMAP object converted from an object's body, cached for the body of ETag `etag` only.
public struct ConvertedObject: Sendable, Hashable {
    public var id: String
    public var etag: String?
    public var json: Data

    public init(id: String, etag: String?, json: Data) {
        self.id = id
        self.etag = etag
        self.json = json
    }
}

/// The href and ETag of a cached object: what an ETag diff compares.
public struct ObjectVersion: Sendable, Hashable {
    public var id: String
    public var href: String
    public var etag: String?

    public init(id: String, href: String, etag: String?) {
        self.id = id
        self.href = href
        self.etag = etag
    }
}

/// A fetched resource to store: the store assigns the id (keeping the one an href already has).
public struct FetchedObject: Sendable, Hashable {
    public var href: String
    public var etag: String?
    public var uid: String?
    public var body: Data
    public var json: Data?

    public init(href: String, etag: String?, uid: String?, body: Data, json: Data? = nil) {
        self.href = href
        self.etag = etag
        self.uid = uid
        self.body = body
        self.json = json
    }
}

/// What one sync found in one collection, applied by the store in one transaction.
public struct CollectionUpdate: Sendable, Hashable {
    /// The collection's properties as now on the server (its id is taken from the store for a known
    /// href, or assigned). Properties that differ from the cached ones make an `updated` change of
    /// the collection's data type; a new href makes a `created` one.
    public var collection: StoredCollection
    /// New or changed resources. An href the store knows with the same ETag and body is not a change.
    public var upserted: [FetchedObject]
    /// Hrefs gone from the server.
    public var removed: [String]
    /// True when this is the full membership (an ETag diff or an initial sync): every cached href of
    /// the collection not in `upserted` and not in `unchanged` is removed too.
    public var isComplete: Bool
    /// With `isComplete`: hrefs still there and unchanged, which must not be removed.
    public var unchanged: [String]

    public init(
        collection: StoredCollection, upserted: [FetchedObject] = [], removed: [String] = [], isComplete: Bool = false,
        unchanged: [String] = []
    ) {
        self.collection = collection
        self.upserted = upserted
        self.removed = removed
        self.isComplete = isComplete
        self.unchanged = unchanged
    }
}

/// Changes since a state, for `Foo/changes` (RFC 8620 §5.2).
public struct StoredChanges: Sendable, Hashable {
    public var oldState: String
    public var newState: String
    public var hasMoreChanges: Bool
    public var created: [String]
    public var updated: [String]
    public var destroyed: [String]

    public init(
        oldState: String, newState: String, hasMoreChanges: Bool, created: [String], updated: [String],
        destroyed: [String]
    ) {
        self.oldState = oldState
        self.newState = newState
        self.hasMoreChanges = hasMoreChanges
        self.created = created
        self.updated = updated
        self.destroyed = destroyed
    }
}

public enum StoreError: Error, Sendable, Hashable {
    /// The state is unknown or older than the change log keeps (→ `cannotCalculateChanges`).
    case cannotCalculateChanges(String)
    case notFound(String)
    case storage(String)
}
