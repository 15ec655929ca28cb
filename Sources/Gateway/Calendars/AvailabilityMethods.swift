import Foundation
import JMAPCore
import JSCalendar
import JSON
import Store

/// Principal/getAvailability (draft-ietf-jmap-calendars-27 §2.2) for the user's own principal: the busy
/// periods of the events in their subscribed calendars, expanded by the gateway from the cache (the same
/// expansion CalendarEvent/query uses, which every server here gets right; their free-busy-query answers
/// carry no busyStatus per event and no details).
struct AvailabilityMethods: Sendable {
    let store: any Store
    let coordinator: SyncCoordinator
    let expansions: ExpansionCache

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("Principal/getAvailability", capability: CalendarsCapability.availability) { context, arguments in
                try await getAvailability(context, arguments)
            })
    }

    func getAvailability(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let accountId = try arguments.accountId()
        let id = try arguments.requiredString("id")
        let start = try Self.utcDateTime(&arguments, "utcStart")
        let end = try Self.utcDateTime(&arguments, "utcEnd")
        let showDetails = try arguments.bool("showDetails", default: false)
        let eventProperties = try arguments.stringArray("eventProperties").map(Set.init)
        try arguments.finish()
        _ = try context.account(accountId, capability: CalendarsCapability.availability)
        // The only principal the gateway knows is the user's own (see PrincipalMethods).
        guard id == context.caller.principalId else {
            throw MethodError("notFound", description: "No principal \(id) is visible to this user.")
        }
        guard end > start else { throw MethodError.invalidArguments("utcEnd must be after utcStart.") }
        guard end.timeIntervalSince(start) <= Double(CalendarsCapability.maxExpandedQueryDays) * 86_400 else {
            throw MethodError(
                "tooLarge", description: "At most \(CalendarsCapability.maxExpandedQueryDays) days at once (§2.2).")
        }
        let calendarMethods = CalendarMethods(store: store, coordinator: coordinator)
        let calendars = try await calendarMethods.calendars(accountId: accountId)
        let events = CalendarEvents(store: store, accountId: accountId)
        let all: [(event: CalendarEvents.Event, expandable: EventInstances.Expandable?)]
        do {
            all = try await events.expandableEvents(cache: expansions)
        } catch {
            throw MethodError(error)
        }
        let addresses = await coordinator.calendarAddresses(of: context.caller)
        let byId = Dictionary(calendars.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let window = start...end
        var periods: [Availability.BusyPeriod] = []
        for (event, expandable) in all {
            // §2.2: only subscribed calendars count, as their includeInAvailability says.
            guard let calendar = byId[event.object.collectionId], calendar.settings.isSubscribed, let expandable
            else { continue }
            let properties = CalendarUserProperties(calendar.settings.userProperties)
            let inclusion = Availability.Inclusion(rawValue: properties.includeInAvailability) ?? .all
            guard inclusion != .none else { continue }
            // Floating times are read in the calendar's own time zone (§4 timeZone), else UTC.
            let zone = Self.timeZone(of: calendar)
            let recurs = event.event["recurrenceRule"] != nil || event.event["recurrenceOverrides"] != nil
            for instance in expandable.instances(
                in: window, limit: CalendarEventMethods.maxOccurrencesPerEvent, floatingZone: zone)
            {
                let occurrence =
                    recurs
                    ? EventInstances.occurrence(of: event.event, recurrenceId: instance.recurrenceId.local)
                    : event.event
                guard let occurrence,
                    let status = Availability.status(of: occurrence, inclusion: inclusion, addresses: addresses)
                else { continue }
                var period = Availability.BusyPeriod(start: instance.utcStart, end: instance.utcEnd, status: status)
                if showDetails, occurrence["privacy"]?.stringValue != "private" {
                    var detail = occurrence.merging(
                        CalendarEvents.jmapProperties(of: event, userAddresses: addresses)
                    ) { _, jmap in jmap }
                    detail["iCalendar"] = nil
                    if let eventProperties { detail = detail.filter { eventProperties.contains($0.key) } }
                    period.event = detail
                    period.accountId = accountId
                }
                periods.append(period)
            }
        }
        return ["list": .array(Availability.merged(periods).map { .object($0.json) })]
    }

    static func timeZone(of calendar: StoredCollection) -> ICalTimeZone {
        let name = CalendarUserProperties(calendar.settings.userProperties).timeZone ?? calendar.timeZone
        return name.flatMap(TimeZone.init(identifier:)).map(ICalTimeZone.iana) ?? .utc
    }

    static func utcDateTime(_ arguments: inout Arguments, _ key: String) throws(MethodError) -> Date {
        guard let date = try CalendarEventMethods.utcDateTime(&arguments, key) else {
            throw .invalidArguments("\(key) is required (a UTCDateTime).")
        }
        return date
    }
}
