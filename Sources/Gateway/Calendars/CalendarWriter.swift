import DAV
import Foundation
import JMAPCore
import JSCalendar
import Store

/// Calendar/set (draft-ietf-jmap-calendars-27 §4.3) against the CalDAV server. `name` and `description`
/// live on the server (displayname, calendar-description), and so do `color`, `sortOrder` and `timeZone`
/// (Apple's calendar-color and calendar-order, RFC 4791's calendar-timezone) where the server accepts
/// them; what it refuses, and what §4.3 stores per user (isSubscribed, isVisible, includeInAvailability,
/// the default alerts, the choice of default), lives in the cache. Every change goes into the cache as
/// soon as the server took it, so the response's new state already shows it.
struct CalendarWriter: Sendable {
    /// The cached collections, deletion and the default, shared with the other collection type.
    let collections: CollectionWriter

    var store: any Store { collections.store }
    var client: DAVClient { collections.client }
    var synchronizer: AccountSynchronizer { collections.synchronizer }
    var accountId: String { collections.accountId }

    /// Properties a client may not set; server-set ones may be repeated with their current value (RFC 8620
    /// §5.3).
    static let immutable: Set<String> = ["id", "isDefault", "myRights"]
    /// The server-side properties a server may refuse without failing the call: their values are then
    /// kept for the user instead.
    static let optionalOnServer: Set<XMLName> = [.calendarColor, .calendarOrder, .calendarTimezone]

    // MARK: create

    func create(_ object: JSONObject) async throws(SetError) -> CreatedRecord {
        for key in object.keys where Self.immutable.contains(key) {
            throw .invalidProperties([key], "`\(key)` is set by the server.")
        }
        let properties = try Self.validated(object, defaults: true)
        try await checkAlertIdsAreUnique(properties, excluding: nil)
        let url = try await collections.newCollectionURL()
        let server = ServerValues(properties)
        let order = object["sortOrder"] == nil ? nil : properties.sortOrder
        // Only what has a value is sent; a calendar without an order or a time zone has none on the server.
        let sent = Self.optionalOnServer.filter { name in
            switch name {
            case .calendarColor: server.color != nil
            case .calendarOrder: order != nil
            default: server.timeZoneText != nil
            }
        }
        let refused: Set<XMLName>
        do {
            refused = try await client.makeCalendar(
                url, displayName: properties.name, description: properties.description, color: server.color,
                order: order, timeZone: server.timeZoneText, optional: Self.optionalOnServer)
        } catch {
            throw SetError(dav: error)
        }
        await synchronizer.collectionsChanged()
        let href = DAVHref.normalize(url.absoluteString, relativeTo: url)
        var collection = StoredCollection(
            id: "", href: href, kind: .calendar, displayName: properties.name, description: properties.description)
        server.write(into: &collection, refused: refused, setting: sent)
        await reread(url, into: &collection)
        let written = collection
        try await SetError.failingServer {
            try await store.apply(CollectionUpdate(collection: written), accountId: accountId)
        }
        guard let created = try await collections.cached(href: href) else {
            throw SetError("serverFail", description: "The new calendar is not in the cache.")
        }
        var settings = created.settings
        settings.isSubscribed = properties.isSubscribed
        var user = CalendarUserProperties()
        properties.writeUserProperties(into: &user, refused: refused, changed: sent)
        settings.userProperties = user.data
        if settings != created.settings {
            let id = created.id
            try await SetError.failingServer {
                try await store.updateSettings(settings, collectionId: id, accountId: accountId)
            }
        }
        collection = created
        collection.settings = settings
        // What the client did not send, or the server keeps otherwise (a color name is stored as its hex
        // value), comes back in `created` (RFC 8620 §5.3).
        let stored = CalendarMethods.json(for: collection, isDefault: false)
        return CreatedRecord(id: created.id, properties: stored.filter { $0.key != "id" && object[$0.key] != $0.value })
    }

    // MARK: update

    func update(_ id: String, patch: PatchObject, isDefault: Bool) async throws(SetError) -> JSONObject {
        guard var calendar = try await collections.cached(id: id) else { throw .notFound() }
        let current = CalendarMethods.json(for: calendar, isDefault: isDefault)
        let updated = try patch.apply(to: current, immutable: Self.immutable)
        let properties = try Self.validated(updated, defaults: false)
        try await checkAlertIdsAreUnique(properties, excluding: id)
        guard let url = URL(string: calendar.href) else { throw .notFound() }
        func changed(_ key: String) -> Bool { updated[key] != current[key] }

        let server = ServerValues(properties)
        var set: [(XMLName, String)] = []
        if changed("name"), let name = properties.name { set.append((.displayName, name)) }
        // Cleared by setting them empty: Xandikos answers 500 to removing a property.
        if changed("description") { set.append((.calendarDescription, properties.description ?? "")) }
        var optional: Set<XMLName> = []
        if changed("color") {
            set.append((.calendarColor, server.color ?? ""))
            optional.insert(.calendarColor)
        }
        if changed("sortOrder") {
            set.append((.calendarOrder, String(properties.sortOrder)))
            optional.insert(.calendarOrder)
        }
        if changed("timeZone") {
            set.append((.calendarTimezone, server.timeZoneText ?? ""))
            optional.insert(.calendarTimezone)
        }
        var refused: Set<XMLName> = []
        if !set.isEmpty {
            do {
                refused = try await client.proppatch(url, set: set, optional: optional)
            } catch {
                throw SetError(dav: error)
            }
            // The listing the synchronizer keeps still has the old names.
            await synchronizer.collectionsChanged()
            if changed("name") { calendar.displayName = properties.name }
            if changed("description") { calendar.description = properties.description }
            server.write(into: &calendar, refused: refused, setting: optional)
            await reread(url, into: &calendar)
            let written = calendar
            try await SetError.failingServer {
                try await store.apply(CollectionUpdate(collection: written), accountId: accountId)
            }
        }
        var settings = calendar.settings
        settings.isSubscribed = properties.isSubscribed
        var user = CalendarUserProperties(settings.userProperties)
        properties.writeUserProperties(into: &user, refused: refused, changed: optional)
        settings.userProperties = user.data
        if settings != calendar.settings {
            try await SetError.failingServer {
                try await store.updateSettings(settings, collectionId: id, accountId: accountId)
            }
        }
        calendar.settings = settings
        // What the server keeps otherwise than asked (a color name as its hex value, an order it refused
        // while holding its own) goes back in `updated` (RFC 8620 §5.3).
        let stored = CalendarMethods.json(for: calendar, isDefault: isDefault)
        return stored.filter { updated[$0.key] != $0.value }
    }

    // MARK: validation

    /// The writable properties, checked (§4). For a create, what the client left out has its default.
    struct Properties: Sendable, Hashable {
        var name: String?
        var description: String?
        var color: String?
        var sortOrder = 0
        var isSubscribed = true
        var isVisible = true
        var includeInAvailability = "all"
        var defaultAlertsWithTime: JSONObject?
        var defaultAlertsWithoutTime: JSONObject?
        var timeZone: String?

        /// Puts the per-user properties into `user`. Of the server-side ones in `changed`, those the
        /// server refused are kept for the user, and those it took are dropped there: its value counts.
        func writeUserProperties(into user: inout CalendarUserProperties, refused: Set<XMLName>, changed: Set<XMLName>)
        {
            user.isVisible = isVisible
            user.includeInAvailability = includeInAvailability
            user.defaultAlertsWithTime = defaultAlertsWithTime
            user.defaultAlertsWithoutTime = defaultAlertsWithoutTime
            if changed.contains(.calendarColor) { user.color = refused.contains(.calendarColor) ? color : nil }
            if changed.contains(.calendarOrder) { user.sortOrder = refused.contains(.calendarOrder) ? sortOrder : nil }
            if changed.contains(.calendarTimezone) {
                user.timeZone = refused.contains(.calendarTimezone) ? timeZone : nil
            }
        }
    }

    static func validated(_ object: JSONObject, defaults: Bool) throws(SetError) -> Properties {
        var properties = Properties()
        var invalid: [String] = []
        for (key, value) in object {
            switch (key, value) {
            case ("name", .string(let name)) where !name.isEmpty && name.utf8.count <= 255: properties.name = name
            case ("description", .string(let description)): properties.description = description
            case ("description", .null): properties.description = nil
            case ("color", .string(let color)) where CalendarColor.isValid(color): properties.color = color
            case ("color", .null): properties.color = nil
            case ("sortOrder", .int(let order)) where (0..<(1 << 31)).contains(order): properties.sortOrder = order
            case ("isSubscribed", .bool(let flag)): properties.isSubscribed = flag
            case ("isVisible", .bool(let flag)): properties.isVisible = flag
            case ("includeInAvailability", .string(let value)) where ["all", "attending", "none"].contains(value):
                properties.includeInAvailability = value
            case ("defaultAlertsWithTime", _), ("defaultAlertsWithoutTime", _):
                let errors = CalendarDefaultAlerts.errors(value, property: key)
                guard errors.isEmpty else {
                    invalid += errors
                    continue
                }
                if key == "defaultAlertsWithTime" {
                    properties.defaultAlertsWithTime = value.objectValue
                } else {
                    properties.defaultAlertsWithoutTime = value.objectValue
                }
            case ("timeZone", .string(let zone)) where CalendarTimeZoneProperty.isIANAIdentifier(zone):
                properties.timeZone = zone
            case ("timeZone", .null): properties.timeZone = nil
            case ("shareWith", .null): break
            case ("shareWith", _): throw .forbidden("Sharing is not supported: mayShare is false.")
            case ("id", _), ("isDefault", _), ("myRights", _): break
            default: invalid.append(key)
            }
        }
        if defaults && properties.name == nil && object["name"] == nil { invalid.append("name") }
        // §4: default alert ids are unique across the whole account, this calendar's two maps included.
        let withTime = Set((properties.defaultAlertsWithTime ?? [:]).keys)
        for id in (properties.defaultAlertsWithoutTime ?? [:]).keys where withTime.contains(id) {
            invalid.append("defaultAlertsWithoutTime/\(id)")
        }
        guard invalid.isEmpty else {
            throw .invalidProperties(
                invalid.sorted(),
                "name is 1 to 255 octets; color a CSS color name or #RRGGBB; sortOrder 0 to 2^31-1; "
                    + "includeInAvailability all, attending or none; timeZone an IANA id; default alerts "
                    + "have unique ids and no AbsoluteTrigger.")
        }
        return properties
    }

    /// §4: "Ids MUST be unique across all default alerts in the account, including those in other
    /// calendars."
    private func checkAlertIdsAreUnique(_ properties: Properties, excluding id: String?) async throws(SetError) {
        let others = try await SetError.failingServer {
            try await store.collections(accountId: accountId).filter { $0.kind == .calendar && $0.id != id }
        }
        let taken = others.reduce(into: Set<String>()) { ids, calendar in
            ids.formUnion(CalendarUserProperties(calendar.settings.userProperties).alertIds)
        }
        var clashes: [String] = []
        for (key, alerts) in [
            ("defaultAlertsWithTime", properties.defaultAlertsWithTime),
            ("defaultAlertsWithoutTime", properties.defaultAlertsWithoutTime),
        ] {
            clashes += (alerts ?? [:]).keys.filter(taken.contains).map { "\(key)/\($0)" }
        }
        guard clashes.isEmpty else {
            throw .invalidProperties(clashes.sorted(), "Another calendar's default alert has this id.")
        }
    }

    // MARK: support

    /// What goes to the server for the properties that live there when it accepts them.
    private struct ServerValues {
        var color: String?
        var order: Int
        var timeZone: String?
        var timeZoneText: String?

        init(_ properties: Properties) {
            color = properties.color.flatMap(CalendarColor.davValue)
            order = properties.sortOrder
            timeZone = properties.timeZone
            timeZoneText = properties.timeZone.flatMap { zone in
                CalendarTimeZoneProperty.text(for: zone, fromYear: Self.currentYear)
            }
        }

        /// Puts the values of `setting` the server took into the cached collection, as the next listing
        /// will find them.
        func write(into collection: inout StoredCollection, refused: Set<XMLName>, setting: Set<XMLName>) {
            let took = setting.subtracting(refused)
            if took.contains(.calendarColor) { collection.color = color }
            if took.contains(.calendarOrder) { collection.order = order }
            if took.contains(.calendarTimezone) { collection.timeZone = timeZone }
        }

        /// The generated VTIMEZONE starts this year: the calendar's zone matters for what is to come.
        private static var currentYear: Int {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            return calendar.component(.year, from: Date())
        }
    }

    /// Reads the calendar back from the server, so that the cache holds what the next listing will find
    /// (the privileges, and any value the server changed or quietly dropped): that sync then sees no change,
    /// and the state in the response stays current. Best effort: without an answer, the values written
    /// stand until the next sync.
    private func reread(_ url: URL, into collection: inout StoredCollection) async {
        guard let reported = try? await client.collectionState(url, properties: DAVCollection.listingProperties)
        else { return }
        collection.takeServerProperties(of: reported)
    }

}
