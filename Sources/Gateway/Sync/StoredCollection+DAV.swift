import DAV
import JSCalendar
import Store

extension StoredCollection {
    /// A collection as the cache keeps what the server reports of it (a home listing, or a PROPFIND of the
    /// collection after the gateway changed it): the JMAP-visible properties and capabilities. The sync
    /// position (ctag, sync-token) and the id are left for the cache to fill in.
    init(_ collection: DAVCollection, href: String) {
        self.init(
            id: "", href: href, kind: collection.kind == .addressBook ? .addressBook : .calendar,
            displayName: collection.displayName, description: collection.description, color: collection.color,
            order: collection.order, timeZone: collection.timeZone.flatMap(CalendarTimeZoneProperty.identifier(in:)),
            supportsSyncCollection: collection.supportsSyncCollection, privileges: collection.privileges.sorted())
    }

    /// Takes what the server reports of the collection, keeping the id, the sync position and the settings.
    mutating func takeServerProperties(of collection: DAVCollection) {
        let reported = StoredCollection(collection, href: href)
        displayName = reported.displayName
        description = reported.description
        color = reported.color
        order = reported.order
        timeZone = reported.timeZone
        supportsSyncCollection = reported.supportsSyncCollection
        privileges = reported.privileges
    }
}
