import Foundation
import JMAPCore
import JSCalendar
import JSON

/// Single occurrences of recurring events: the synthetic ids CalendarEvent/query hands out when it
/// expands recurrences (draft-ietf-jmap-calendars-27 §5.11), the objects /get returns for them (§5.7),
/// and the UTC times of events and occurrences (utcStart, utcEnd).
enum EventInstances {
    /// Ids of stored events: a letter and 16 base64url characters (see the store's identifiers).
    static let baseIdLength = 17

    /// The synthetic id of one occurrence: the event's id, `_`, and the occurrence's recurrenceId in
    /// iCalendar's compact form. Only characters of the Id alphabet (RFC 8620 §1.2), and longer than
    /// any stored event's id, so the two never collide.
    static func syntheticId(base: String, recurrenceId: LocalDateTime) -> String {
        base + "_" + recurrenceId.icalDateTime
    }

    /// The event id and recurrenceId of a synthetic id; nil for any other id.
    static func parse(_ id: String) -> (base: String, recurrenceId: LocalDateTime)? {
        guard id.utf8.count == baseIdLength + 16, id.utf8.dropFirst(baseIdLength).first == UInt8(ascii: "_") else {
            return nil
        }
        let base = String(id.prefix(baseIdLength))
        let compact = id.suffix(15)
        guard let value = ICalDateTime.parse(String(compact)), !value.isDate else { return nil }
        return (base, value.local)
    }

    /// The occurrence of `event` at `recurrenceId` as an event of its own (§5.7): no recurrence rules or
    /// overrides (null, as the spec asks), `recurrenceId` and `start` set, and its override, if any,
    /// applied. Nil for an excluded occurrence or an override that cannot be applied.
    static func occurrence(of event: JSONObject, recurrenceId: LocalDateTime) -> JSONObject? {
        var instance = event
        let key = recurrenceId.jsonString
        let override = event["recurrenceOverrides"]?.objectValue?[key]?.objectValue
        for name in ["recurrenceRule", "recurrenceRules", "excludedRecurrenceRules", "recurrenceOverrides"] {
            instance[name] = nil
        }
        instance["recurrenceId"] = .string(key)
        instance["start"] = .string(key)
        if let override {
            if override["excluded"] == .bool(true) { return nil }
            var patch = override
            patch["excluded"] = nil
            guard let patched = try? PatchObject(patch).apply(to: instance) else { return nil }
            instance = patched
            instance["recurrenceId"] = .string(key)
        }
        instance["recurrenceRule"] = .null
        instance["recurrenceOverrides"] = .null
        return instance
    }

    /// An iCalendar body made ready for expansion: its components of one UID and their time zones.
    struct Expandable: Sendable {
        var components: [ICalComponent]
        var resolver: TimeZoneResolver

        init?(body: Data, uid: String?) {
            let calendar = ICalParser.parse(String(decoding: body, as: UTF8.self)).calendar
            let root = calendar.mergedCalendar
            let all = root.components.filter { $0.upperName == "VEVENT" }
            let matching = uid.map { uid in all.filter { $0.uid == uid } } ?? all
            guard !matching.isEmpty else { return nil }
            components = matching
            resolver = TimeZoneResolver(calendar: root)
        }

        /// Occurrences overlapping `window` (RFC 4791 §9.9), floating times read in `floatingZone`.
        func instances(in window: ClosedRange<Date>, limit: Int, floatingZone: ICalTimeZone)
            -> [RecurrenceExpander.Instance]
        {
            RecurrenceExpander.instances(
                of: components, resolver: resolver, in: window, limit: limit, floatingZone: floatingZone)
        }

        /// The UTC start and end of the event itself (of a series: of its first occurrence, the master).
        func utcRange(floatingZone: ICalTimeZone) -> (start: Date, end: Date)? {
            let master = components.first { $0.property("RECURRENCE-ID") == nil } ?? components.first
            return master.flatMap {
                RecurrenceExpander.utcRange(of: $0, resolver: resolver, floatingZone: floatingZone)
            }
        }

        /// The UTC start and end of the occurrence at `recurrenceId`, nil when the series has none there.
        func utcRange(ofOccurrence recurrenceId: LocalDateTime, floatingZone: ICalTimeZone) -> (start: Date, end: Date)?
        {
            // An overridden occurrence may have moved anywhere: its own component says where.
            for component in components {
                guard let property = component.property("RECURRENCE-ID"), let id = ICalDateTime.parse(property),
                    id.local == recurrenceId
                else { continue }
                return RecurrenceExpander.utcRange(of: component, resolver: resolver, floatingZone: floatingZone)
            }
            // Otherwise it starts at its recurrenceId, somewhere within a day of that wall time in UTC.
            let guess = Date(timeIntervalSince1970: TimeInterval(recurrenceId.secondsSinceEpoch))
            let window = guess.addingTimeInterval(-86_400 * 2)...guess.addingTimeInterval(86_400 * 2)
            let found = instances(in: window, limit: 1_000, floatingZone: floatingZone).first {
                $0.recurrenceId.local == recurrenceId
            }
            return found.map { ($0.utcStart, $0.utcEnd) }
        }
    }

    /// A UTCDateTime (RFC 8620 §1.4) of whole seconds.
    static func utcDateTime(_ date: Date) -> String {
        LocalDateTime(secondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down))).jsonString + "Z"
    }

    /// Reads a UTCDateTime argument; nil when it is not one.
    static func parseUTCDateTime(_ text: String) -> Date? {
        guard let (value, utc) = LocalDateTime.parseJSON(text), utc else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(value.secondsSinceEpoch))
    }
}
