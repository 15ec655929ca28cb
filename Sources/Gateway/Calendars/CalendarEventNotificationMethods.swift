import Foundation
import JMAPCore
import JSCalendar

/// CalendarEventNotification/get, /changes, /query, /queryChanges and /set (draft-ietf-jmap-calendars-27
/// §7), answered honestly with no notifications. A notification says who changed an event on a calendar
/// shared with the user (`changedBy`, §7), and CalDAV does not tell: neither Radicale nor Xandikos records
/// who wrote a resource, and the gateway serves only the user's own calendars, whose changes the user
/// made. So there are none, the state never moves, and destroying one finds nothing (`notFound`); the
/// methods exist so that clients that use them work.
struct CalendarEventNotificationMethods: Sendable {
    /// The one state there ever is: no notification, ever.
    static let state = "n0"

    static let properties: Set<String> = [
        "created", "changedBy", "comment", "type", "calendarEventId", "isDraft", "event", "eventPatch",
    ]

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        let capability = CalendarsCapability.uri
        registry.register(
            Method("CalendarEventNotification/get", capability: capability) { context, arguments in
                try get(context, arguments)
            })
        registry.register(
            Method("CalendarEventNotification/changes", capability: capability) { context, arguments in
                try changes(context, arguments)
            })
        registry.register(
            Method("CalendarEventNotification/query", capability: capability) { context, arguments in
                try query(context, arguments)
            })
        registry.register(
            Method("CalendarEventNotification/queryChanges", capability: capability) { context, arguments in
                try queryChanges(context, arguments)
            })
        registry.register(
            Method("CalendarEventNotification/set", capability: capability) { context, arguments in
                try await set(&context, arguments)
            })
    }

    /// §7.1: every id asked for is `notFound`.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        return try request.response(state: Self.state, records: []).arguments
    }

    /// §7.2: nothing changes, from the one state there is; another is unknown (`cannotCalculateChanges`).
    func changes(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        return try DerivedState.changes(request, current: Self.state).arguments
    }

    /// §7.4: the filter (§7.4.1) and the sort on `created` (§7.4.2) are checked, and match nothing.
    func query(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryRequest(&arguments, sortable: ["created"], condition: Self.condition)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        return try request.response(queryState: Self.state, canCalculateChanges: true, ids: []).arguments
    }

    /// §7.5: no results ever, so nothing was added or removed since the one query state.
    func queryChanges(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryChangesRequest(&arguments, sortable: ["created"], condition: Self.condition)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        guard request.sinceQueryState == Self.state else {
            throw MethodError.cannotCalculateChanges("Only query state \(Self.state) is known.")
        }
        return try request.response(newQueryState: Self.state, changes: ChangeSet(), ids: []).arguments
    }

    /// §7.3: "Only destroy is supported; any attempt to create/update MUST be rejected with a forbidden
    /// SetError." There is nothing to destroy.
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        try arguments.finish()
        _ = try context.writableAccount(request.accountId, capability: CalendarsCapability.uri)
        let refusal = "Notifications are made by the server only (§7.3)."
        return try await request.perform(
            context: &context, state: { () async throws(MethodError) -> String in Self.state },
            create: { _, _ async throws(SetError) -> CreatedRecord in throw .forbidden(refusal) },
            update: { _, _, _ async throws(SetError) -> JSONObject in throw .forbidden(refusal) },
            destroy: { _, _ async throws(SetError) in throw .notFound("There are no notifications.") }
        ).arguments
    }

    /// A FilterCondition of §7.4.1: `after` and `before` UTCDateTimes, a `type` of created, updated or
    /// destroyed, `calendarEventIds` a list of Ids; anything else is `unsupportedFilter`. Nothing matches
    /// it, so only its validity is kept.
    static func condition(_ object: JSONObject) throws(MethodError) {
        for (key, value) in object {
            let valid =
                switch key {
                case "after", "before":
                    value.isNull || value.stringValue.flatMap(LocalDateTime.parseJSON)?.utc == true
                case "type": ["created", "updated", "destroyed"].contains(value.stringValue ?? "")
                case "calendarEventIds":
                    value.isNull || value.arrayValue?.allSatisfy { $0.stringValue.map(Id.isValid) ?? false } == true
                default: throw .unsupportedFilter("CalendarEventNotification cannot be filtered by `\(key)`.")
                }
            if !valid { throw .invalidArguments("`\(key)` in the filter has an invalid value.") }
        }
    }
}
