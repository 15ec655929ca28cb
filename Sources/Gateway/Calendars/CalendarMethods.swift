import Foundation
import JMAPCore
import Store

/// Calendar/get, /changes and /set (draft-ietf-jmap-calendars-27 §4): the account's CalDAV calendars as
/// the cache knows them, with the user's own settings from the cache.
struct CalendarMethods: Sendable {
    let store: any Store
    let coordinator: SyncCoordinator

    static let properties: Set<String> = [
        "name", "description", "color", "sortOrder", "isSubscribed", "isVisible", "isDefault",
        "includeInAvailability", "defaultAlertsWithTime", "defaultAlertsWithoutTime", "timeZone", "shareWith",
        "myRights",
    ]

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("Calendar/get", capability: CalendarsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("Calendar/changes", capability: CalendarsCapability.uri) { context, arguments in
                try await store.changesMethod(
                    context, arguments, dataType: .calendar, capability: CalendarsCapability.uri)
            })
        registry.register(
            Method("Calendar/set", capability: CalendarsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
    }

    /// §4.1: a calendar of which the user may only read free-busy information is left out, as if it did
    /// not exist.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        let state = try await store.currentState(accountId: request.accountId, dataType: .calendar)
        let calendars = try await calendars(accountId: request.accountId)
        let wanted = request.ids.map(Set.init)
        let defaultId = StoredCollection.defaultId(calendars)
        let records = calendars.filter { Self.isReadable($0) && wanted?.contains($0.id) ?? true }.map {
            Self.json(for: $0, isDefault: $0.id == defaultId)
        }
        return try request.response(state: state, records: records).arguments
    }

    /// Creates (MKCALENDAR), changes (PROPPATCH) and deletes calendars, and keeps the user's settings
    /// (§4.3). `onSuccessSetIsDefault` applies only when every change succeeded.
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        let removeEvents = try arguments.bool("onDestroyRemoveEvents", default: false)
        let newDefault = try arguments.string("onSuccessSetIsDefault")
        try arguments.finish()
        let accountId = request.accountId
        _ = try context.writableAccount(accountId, capability: CalendarsCapability.uri)
        let writer = CalendarWriter(
            collections: CollectionWriter(
                store: store, client: coordinator.client(for: context.caller),
                synchronizer: try await coordinator.synchronizer(for: context.caller), accountId: accountId,
                kind: .calendar, isVisible: Self.isReadable))
        let defaultBefore = StoredCollection.defaultId(try await calendars(accountId: accountId))
        let store = self.store
        let state = { () async throws(MethodError) -> String in
            try await store.currentState(accountId: accountId, dataType: .calendar)
        }
        var response = try await request.perform(
            context: &context, state: state,
            create: { object, _ async throws(SetError) -> CreatedRecord in try await writer.create(object) },
            update: { id, patch, _ async throws(SetError) -> JSONObject in
                try await writer.update(id, patch: patch, isDefault: id == defaultBefore)
            },
            // An event lives in one calendar only (`maxCalendarsPerEvent` 1), so each goes with it.
            destroy: { id, _ async throws(SetError) in
                try await writer.collections.destroy(
                    id, removingMembers: removeEvents,
                    nonEmpty: SetError(
                        "calendarHasEvent", description: "The calendar holds events; see onDestroyRemoveEvents."))
            })
        try await writer.collections.applyDefault(newDefault, to: &response, context: context, state: state)
        return response.arguments
    }

    func calendars(accountId: String) async throws(MethodError) -> [StoredCollection] {
        try await store.collections(accountId: accountId, kind: .calendar)
    }

    /// The Calendar object (§4). Name, description, color, sortOrder and timeZone come from the server
    /// (displayname, calendar-description, Apple's calendar-color and calendar-order, calendar-timezone),
    /// unless the server refused to keep the user's color, sortOrder or timeZone: that one then comes
    /// from the cache, as do the properties §4.3 stores per user.
    static func json(for calendar: StoredCollection, isDefault: Bool) -> JSONObject {
        let user = CalendarUserProperties(calendar.settings.userProperties)
        return [
            "id": .string(calendar.id),
            "name": .string(
                calendar.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? lastPathComponent(of: calendar.href)),
            // An empty description is no description (Calendar/set clears it that way).
            "description": JSONValue(calendar.description.flatMap { $0.isEmpty ? nil : $0 }, JSONValue.string),
            "color": JSONValue(user.color ?? calendar.color.flatMap(CalendarColor.jmapValue), JSONValue.string),
            "sortOrder": .int(user.sortOrder ?? calendar.order.map(sortOrder) ?? 0),
            "isSubscribed": .bool(calendar.settings.isSubscribed),
            "isVisible": .bool(user.isVisible),
            "isDefault": .bool(isDefault),
            "includeInAvailability": .string(user.includeInAvailability),
            "defaultAlertsWithTime": JSONValue(user.defaultAlertsWithTime, JSONValue.object),
            "defaultAlertsWithoutTime": JSONValue(user.defaultAlertsWithoutTime, JSONValue.object),
            "timeZone": JSONValue(user.timeZone ?? calendar.timeZone, JSONValue.string),
            "shareWith": .null,
            "myRights": .object(rights(calendar.privileges)),
        ]
    }

    /// CalendarRights (§4) from the DAV current-user-privilege-set (RFC 3744 §3, RFC 4791 §6.1.1). DAV
    /// has one write privilege for a whole calendar, so the finer JMAP write rights all follow it. A
    /// server that reports none is the owner's own collection as far as we can tell: full rights but
    /// sharing, which the gateway does not offer.
    static func rights(_ privileges: [String]) -> JSONObject {
        let set = Set(privileges)
        let all = set.isEmpty || set.contains("all")
        let mayRead = all || set.contains("read")
        let mayWrite = all || set.contains("write") || set.contains("write-content")
        return [
            // CALDAV:read-free-busy is aggregated under DAV:read (RFC 4791 §6.1.1).
            "mayReadFreeBusy": .bool(mayRead || set.contains("read-free-busy")),
            "mayReadItems": .bool(mayRead),
            "mayWriteAll": .bool(mayWrite),
            "mayWriteOwn": .bool(mayWrite),
            "mayUpdatePrivate": .bool(mayWrite),
            "mayRSVP": .bool(mayWrite),
            "mayShare": false,
            "mayDelete": .bool(all || set.contains("write") || set.contains("unbind")),
        ]
    }

    /// §4.1: whether the calendar may be shown at all (more than its free-busy information may be read).
    static func isReadable(_ calendar: StoredCollection) -> Bool {
        rights(calendar.privileges)["mayReadItems"] == true
    }

    /// §4: sortOrder is an UnsignedInt below 2^31; Apple clients may write any integer there.
    static func sortOrder(_ order: Int) -> Int {
        min(max(order, 0), Int(Int32.max))
    }

    private static func lastPathComponent(of href: String) -> String {
        URL(string: href)?.lastPathComponent.removingPercentEncoding ?? href
    }
}
