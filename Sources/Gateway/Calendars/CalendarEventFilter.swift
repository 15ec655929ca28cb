import Foundation
import JMAPCore
import JSCalendar
import JSON

/// A CalendarEvent/query FilterCondition (draft-ietf-jmap-calendars-27 §5.11.1), parsed once.
struct CalendarEventFilterCondition: Sendable, Hashable {
    var inCalendar: String?
    /// The end of the event (or an occurrence) is after this, in the query's time zone.
    var after: LocalDateTime?
    /// The start of the event (or an occurrence) is before this, in the query's time zone.
    var before: LocalDateTime?
    var text: TextQuery?
    var title: TextQuery?
    var description: TextQuery?
    var location: TextQuery?
    var owner: TextQuery?
    var attendee: TextQuery?
    var uid: String?

    static let properties: Set<String> = [
        "inCalendar", "after", "before", "text", "title", "description", "location", "owner", "attendee", "uid",
    ]

    static func parse(_ object: JSONObject) throws(MethodError) -> Self {
        if let unknown = object.keys.sorted().first(where: { !properties.contains($0) }) {
            throw .unsupportedFilter("CalendarEvent/query cannot filter on `\(unknown)`.")
        }
        func string(_ key: String) throws(MethodError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw .invalidArguments("`\(key)` must be a string.")
            }
        }
        func date(_ key: String) throws(MethodError) -> LocalDateTime? {
            guard let text = try string(key) else { return nil }
            guard let (value, utc) = LocalDateTime.parseJSON(text), !utc else {
                throw .invalidArguments("`\(key)` must be a LocalDateTime such as 2026-01-31T09:00:00.")
            }
            return value
        }
        var condition = Self()
        condition.inCalendar = try string("inCalendar")
        condition.after = try date("after")
        condition.before = try date("before")
        condition.text = try string("text").map { TextQuery($0) }
        condition.title = try string("title").map { TextQuery($0) }
        condition.description = try string("description").map { TextQuery($0) }
        condition.location = try string("location").map { TextQuery($0) }
        condition.owner = try string("owner").map { TextQuery($0) }
        condition.attendee = try string("attendee").map { TextQuery($0) }
        condition.uid = try string("uid")
        return condition
    }

    /// Whether the conditions on the event's own data (not its times) hold for one of `occurrences`: the
    /// event itself and each overridden occurrence. Without expansion each condition may hold for a
    /// different occurrence (§5.11.1); with it, `occurrences` is the one occurrence being matched.
    func matchesContent(
        _ occurrences: [JSONObject], calendarId: String
    ) -> Bool {
        if let inCalendar, inCalendar != calendarId { return false }
        if let uid, occurrences.first?["uid"]?.stringValue != uid { return false }
        let fields: [(TextQuery?, EventText.Field)] = [
            (text, .text), (title, .title), (description, .description), (location, .location),
            (owner, .owner), (attendee, .attendee),
        ]
        for case (let query?, let field) in fields {
            let matched = occurrences.contains { occurrence in
                let values = EventText.strings(of: occurrence, for: field).map(TextFolding.fold)
                return query.terms.allSatisfy { term in values.contains(where: term.matches) }
            }
            if !matched { return false }
        }
        return true
    }

    /// The UTC window of `after` and `before` in `zone`; nil when neither is given.
    func window(in zone: ICalTimeZone) -> ClosedRange<Date>? {
        guard after != nil || before != nil else { return nil }
        let start = after.map { zone.date(of: $0) } ?? Date(timeIntervalSince1970: -62_135_596_800)
        let end = before.map { zone.date(of: $0) } ?? Date(timeIntervalSince1970: 253_402_300_799)
        return start...max(start, end)
    }
}

/// The strings of an event each text condition searches (§5.11.1).
enum EventText {
    enum Field: Sendable {
        case text, title, description, location, owner, attendee
    }

    static func strings(of event: JSONObject, for field: Field) -> [String] {
        switch field {
        case .title: return [event["title"]?.stringValue].compactMap { $0 }
        case .description: return [event["description"]?.stringValue].compactMap { $0 }
        case .location:
            return members(event["locations"]).flatMap { location in
                [location["name"]?.stringValue, location["description"]?.stringValue].compactMap { $0 }
            }
        case .owner: return participants(event, role: "owner")
        case .attendee: return participants(event, role: "attendee")
        case .text:
            var strings: [String] = []
            collect(.object(event), into: &strings)
            return strings
        }
    }

    /// Name, email and calendar address of the participants with `role`.
    private static func participants(_ event: JSONObject, role: String) -> [String] {
        members(event["participants"]).filter { $0["roles"]?.objectValue?[role] == .bool(true) }.flatMap {
            participant in
            [
                participant["name"]?.stringValue, participant["email"]?.stringValue,
                participant["calendarAddress"]?.stringValue,
            ].compactMap { $0 }
        }
    }

    private static func members(_ value: JSONValue?) -> [JSONObject] {
        value?.objectValue?.values.compactMap(\.objectValue) ?? []
    }

    /// Members `text` does not search: types, ids, times, enumerations and the iCalendar leftovers.
    static let skippedInText: Set<String> = [
        "@type", "uid", "prodId", "created", "updated", "start", "duration", "timeZone", "recurrenceId",
        "recurrenceIdTimeZone", "recurrenceRule", "recurrenceRules", "excludedRecurrenceRules", "recurrenceOverrides",
        "sequence", "status", "freeBusyStatus", "privacy", "showWithoutTime", "priority", "color", "iCalendar",
        "relatedTo", "timeZones", "alerts", "roles", "participationStatus", "kind", "href", "contentType",
        "organizerCalendarAddress", "replyTo", "sentBy", "method", "locale", "scheduleAgent", "expectReply",
        "calendarAddress",
    ]

    private static func collect(_ value: JSONValue, into strings: inout [String]) {
        switch value {
        case .string(let string): strings.append(string)
        case .array(let values): for value in values { collect(value, into: &strings) }
        case .object(let object):
            for (key, value) in object where !skippedInText.contains(key) { collect(value, into: &strings) }
            // keywords and categories are sets: their keys are the text.
            for key in ["keywords", "categories"] { strings += object[key]?.objectValue?.keys.map { $0 } ?? [] }
        default: break
        }
    }
}
