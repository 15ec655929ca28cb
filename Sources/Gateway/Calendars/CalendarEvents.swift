import Foundation
import JSCalendar
import JSON
import Store

/// One account's events as JMAP sees them (draft-ietf-jmap-calendars-27 §5). A calendar object resource
/// holds one UID: a master and its overrides (RFC 4791 §4.1), which is one JSCalendar Event with
/// `recurrenceOverrides` (draft-ietf-calext-jscalendar-icalendar §2.3.33), and so one CalendarEvent. The
/// Event is converted once per ETag and kept in the cache; resources holding only to-dos are not events.
struct CalendarEvents: Sendable {
    let store: any Store
    let accountId: String

    /// A stored event: the resource it comes from, and its JSCalendar Event without the JMAP properties.
    struct Event: Sendable {
        var object: StoredObject
        var event: JSONObject

        var id: String { object.id }
    }

    /// The events of `ids` that exist, in that order, and the CalendarEvent state they are at. With
    /// `bodies`, each comes with its iCalendar text (for expansion and UTC times); otherwise only events
    /// not converted yet are read from it.
    func events(ids: [String], bodies: Bool = false) async throws(StoreError) -> (state: String, events: [Event]) {
        let (state, objects) = try await store.objects(
            accountId: accountId, ids: ids, bodies: bodies ? .all : .unconvertedOnly, stateOf: .calendarEvent)
        var events: [Event?] = objects.map { object in
            guard let json = object.json, let event = try? JSONReader.parseObject(json) else { return nil }
            return Event(object: object, event: event)
        }
        let unconverted = objects.indices.filter { events[$0] == nil }
        // Unreadable cached JSON: converted again, which needs the body the first read left out.
        let withoutBodies = unconverted.filter { objects[$0].json != nil && objects[$0].body.isEmpty }
        var bodiesById: [String: Data] = [:]
        if !withoutBodies.isEmpty {
            let full = try await store.objects(accountId: accountId, ids: withoutBodies.map { objects[$0].id })
            bodiesById = Dictionary(full.map { ($0.id, $0.body) }, uniquingKeysWith: { first, _ in first })
        }
        var fresh: [ConvertedObject] = []
        for index in unconverted {
            var object = objects[index]
            if let body = bodiesById[object.id] { object.body = body }
            let entry = Self.convert(object.body)
            // A resource without an event is cached as an empty object, so it is not converted again.
            if let json = try? JSONCoding.encode(entry ?? [:]) {
                fresh.append(ConvertedObject(id: object.id, etag: object.etag, json: json))
            }
            events[index] = Event(object: object, event: entry ?? [:])
        }
        // Best effort: a failed write only means converting again next time.
        try? await store.saveConverted(fresh, accountId: accountId)
        return (state, events.compactMap { $0 }.filter { $0.event["@type"]?.stringValue == "Event" })
    }

    /// Every event of the account with its iCalendar parsed for expansion (nil for a body without a
    /// VEVENT), for queries over time and availability. What `cache` holds serves while the ETag holds:
    /// only the ids and ETags are read, and the bodies of new or changed events.
    func expandableEvents(cache: ExpansionCache) async throws(StoreError)
        -> [(event: Event, expandable: EventInstances.Expandable?)]
    {
        var result: [(event: Event, expandable: EventInstances.Expandable?)] = []
        var misses: [String] = []
        for calendar in try await store.collections(accountId: accountId) where calendar.kind == .calendar {
            for version in try await store.objectVersions(accountId: accountId, collectionId: calendar.id) {
                guard let entry = cache.lookup(accountId: accountId, id: version.id, etag: version.etag) else {
                    misses.append(version.id)
                    continue
                }
                let object = StoredObject(
                    id: version.id, collectionId: calendar.id, href: version.href, etag: version.etag, uid: nil,
                    body: Data())
                result.append((Event(object: object, event: entry.event), entry.expandable))
            }
        }
        guard !misses.isEmpty else { return result }
        // Read with their bodies: the conversion may need them, and the expansion does.
        for event in try await events(ids: misses, bodies: true).events {
            let expandable = EventInstances.Expandable(body: event.object.body, uid: event.event["uid"]?.stringValue)
            cache.insert(
                ExpansionCache.Entry(event: event.event, expandable: expandable), accountId: accountId, id: event.id,
                etag: event.object.etag)
            result.append((event, expandable))
        }
        return result
    }

    /// Every event id of the account (resources of to-dos included; `events(ids:)` leaves them out).
    func allIds() async throws(StoreError) -> [String] {
        try await store.objectIds(accountId: accountId, dataType: .calendarEvent)
    }

    /// The Event of an iCalendar body: the entry without a recurrenceId (the master), else the first
    /// Event. Nil when the body holds no VEVENT.
    static func convert(_ body: Data) -> JSONObject? {
        let calendar = ICalParser.parse(String(decoding: body, as: UTF8.self)).calendar
        let group = JSCalendarConverter.jsCalendar(from: calendar)
        let events = (group["entries"]?.arrayValue ?? []).compactMap(\.objectValue).filter {
            $0["@type"]?.stringValue == "Event"
        }
        return events.first { $0["recurrenceId"] == nil } ?? events.first
    }

    /// The JMAP properties of an event (§5): its id, its one calendar, isDraft (drafts are not kept on a
    /// DAV server, so false) and isOrigin (no organizer, or one of the user's own addresses).
    static func jmapProperties(of event: Event, userAddresses: Set<String>) -> JSONObject {
        [
            "id": .string(event.id),
            "calendarIds": .object([event.object.collectionId: .bool(true)]),
            "isDraft": false,
            "isOrigin": .bool(isOrigin(event.event, userAddresses: userAddresses)),
        ]
    }

    /// §5 isOrigin: the event has no organizer, or the organizer is one of the user's addresses.
    static func isOrigin(_ event: JSONObject, userAddresses: Set<String>) -> Bool {
        guard let organizer = event["organizerCalendarAddress"]?.stringValue else { return true }
        return userAddresses.contains(CalendarAddress.normalized(organizer))
    }
}

/// Calendar user addresses compared after syntax-based normalisation (RFC 3986 §6.2.2), as
/// draft-ietf-jmap-calendars-27 §3 asks: the scheme is case-insensitive, and so is an email address's
/// domain; `mailto:` local parts are compared case-insensitively too, as every server here does.
enum CalendarAddress {
    static func normalized(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":") else { return trimmed.lowercased() }
        let scheme = trimmed[..<colon].lowercased()
        let rest = trimmed[trimmed.index(after: colon)...]
        return scheme == "mailto" ? "mailto:" + rest.lowercased() : scheme + ":" + rest
    }
}

extension SyncCoordinator {
    /// The user's calendar addresses (RFC 6638 §2.4.1), normalised; none when discovery fails.
    func calendarAddresses(of user: GatewayUser) async -> Set<String> {
        guard let principal = try? await synchronizer(for: user).discoveredPrincipal() else { return [] }
        return Set(principal.calendarUserAddresses.map(CalendarAddress.normalized))
    }
}
