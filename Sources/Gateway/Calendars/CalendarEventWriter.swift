import DAV
import Foundation
import JMAPCore
import JSCalendar
import JSON
import Store

/// CalendarEvent/set (draft-ietf-jmap-calendars-27 §5.9) against the CalDAV server, through
/// `ResourceWriter`'s conditional writes. A patch applies to the event as the server now holds it and
/// goes back through the converter's update path, so every iCalendar property JMAP does not model
/// stays; an event the client did not change is never rewritten. Occurrences (synthetic ids) are
/// written as overrides of their series.
struct CalendarEventWriter: MemberWriter {
    let resources: ResourceWriter
    /// The user's calendar addresses, normalised: who is the origin of an event (§5 isOrigin).
    let userAddresses: Set<String>
    /// §5.9 sendSchedulingMessages. The servers here do no implicit scheduling (RFC 6638) and the
    /// gateway sends no iMIP, so a request to send is refused rather than silently dropped.
    let sendSchedulingMessages: Bool

    static let contentType = "text/calendar; charset=utf-8"
    /// The JMAP properties of a CalendarEvent that are not part of the JSCalendar Event it stores (§5).
    static let jmapProperties: Set<String> = [
        "id", "baseEventId", "calendarIds", "isDraft", "isOrigin", "utcStart", "utcEnd",
    ]
    /// Server-set, or naming the resource (`uid`, RFC 4791 §4.1).
    static let immutable: Set<String> = ["id", "baseEventId", "isOrigin", "uid"]
    /// §5.4: changing only these does not make a new sequence.
    static let perUser: Set<String> = ["keywords", "color", "freeBusyStatus", "useDefaultAlerts", "alerts"]
    /// What an occurrence's own override may not differ in from its series.
    static let seriesOnly: Set<String> = [
        "@type", "uid", "recurrenceId", "recurrenceIdTimeZone", "recurrenceRule", "recurrenceRules",
        "excludedRecurrenceRules", "recurrenceOverrides", "mayInviteSelf", "mayInviteOthers", "hideAttendees",
    ]

    // MARK: create

    func create(_ object: JSONObject, defaultCollection defaultCalendar: String?) async throws(SetError)
        -> CreatedRecord
    {
        // §5.9: a top-level null is the same as leaving the property out.
        var event = object.filter { $0.value != .null }
        var serverSet: JSONObject = [:]
        for key in ["id", "baseEventId", "isOrigin"] where event[key] != nil {
            throw .invalidProperties([key], "`\(key)` is set by the server.")
        }
        try Self.checkClientProperties(event)
        event["isDraft"] = nil
        let calendarId: String
        if let value = event.removeValue(forKey: "calendarIds") {
            calendarId = try ResourceWriter.singleCollection(value, property: "calendarIds")
        } else if let defaultCalendar {
            calendarId = defaultCalendar
            serverSet["calendarIds"] = .object([defaultCalendar: .bool(true)])
        } else {
            throw .invalidProperties(["calendarIds"], "There is no calendar to put the event in.")
        }
        let calendar = try resources.collection(calendarId, property: "calendarIds")
        if event["@type"] == nil { event["@type"] = "Event" }
        guard event["@type"] == "Event" else { throw .invalidProperties(["@type"], "A CalendarEvent is an Event.") }
        if event["uid"] == nil {
            let uid = UUID().uuidString.lowercased()
            event["uid"] = .string(uid)
            serverSet["uid"] = .string(uid)
        }
        try Self.applyUTCTimes(&event, serverSet: &serverSet)
        let now = EventInstances.utcDateTime(Date())
        if event["created"] == nil {
            event["created"] = .string(now)
            serverSet["created"] = .string(now)
        }
        if event["participants"]?.objectValue?.isEmpty == false, event["organizerCalendarAddress"] == nil,
            let address = userAddresses.sorted().first
        {
            // §5.9: the server sets the organizer of an event created with participants.
            event["organizerCalendarAddress"] = .string(address)
            serverSet["organizerCalendarAddress"] = .string(address)
        }
        let isOrigin = CalendarEvents.isOrigin(event, userAddresses: userAddresses)
        if isOrigin {
            event["updated"] = .string(now)
            serverSet["updated"] = .string(now)
            if let created = event["created"]?.stringValue, created > now {
                event["created"] = .string(now)
                serverSet["created"] = .string(now)
            }
        }
        try checkScheduling(event)
        let invalid = JSCalendarValidation.validate(event)
        guard invalid.isEmpty else { throw .invalidProperties(invalid) }
        guard case .string(let uid)? = event["uid"] else { throw .invalidProperties(["uid"]) }
        let body = Data(
            ICalWriter.serialize(JSCalendarConverter.iCalendar(from: event, generatingTimeZones: true)).utf8)
        let id = try await resources.create(body, uid: uid, in: calendar)
        serverSet["isDraft"] = false
        serverSet["isOrigin"] = .bool(isOrigin)
        return CreatedRecord(id: id, properties: serverSet)
    }

    // MARK: update

    /// Applies `patch` to the event as the server now holds it; an occurrence's patch becomes its
    /// override (§5.9). A new `calendarIds` moves the event.
    func update(_ id: String, patch: PatchObject) async throws(SetError) -> JSONObject {
        let occurrence = EventInstances.parse(id)
        for _ in 0..<ResourceWriter.maxAttempts {
            let (object, calendar) = try await resources.current(occurrence?.base ?? id)
            guard let stored = CalendarEvents.convert(object.body) else {
                throw .forbidden("The stored resource holds no event.")
            }
            var updated: JSONObject
            var target = calendar
            var serverSet: JSONObject = [:]
            if let occurrence {
                updated = try Self.patchingOccurrence(
                    of: stored, object: object, recurrenceId: occurrence.recurrenceId, id: id, patch: patch)
            } else {
                let current = stored.merging(
                    CalendarEvents.jmapProperties(
                        of: CalendarEvents.Event(object: object, event: stored), userAddresses: userAddresses)
                ) { _, jmap in jmap }
                updated = try patch.apply(to: current, immutable: Self.immutable)
                try Self.checkClientProperties(updated, patch: patch)
                if let value = updated["calendarIds"], value != current["calendarIds"] {
                    target = try resources.collection(
                        try ResourceWriter.singleCollection(value, property: "calendarIds"), property: "calendarIds")
                }
                try Self.applyUTCTimes(&updated, serverSet: &serverSet)
                for key in Self.jmapProperties { updated[key] = nil }
            }
            let changed = Set(stored.keys).union(updated.keys).filter { stored[$0] != updated[$0] }
            if changed.isEmpty && target.id == calendar.id { return [:] }
            if !changed.isEmpty, CalendarEvents.isOrigin(updated, userAddresses: userAddresses) {
                let now = EventInstances.utcDateTime(Date())
                updated["updated"] = .string(now)
                serverSet["updated"] = .string(now)
                // §5.9: a change to more than per-user properties is a new sequence, unless the client
                // set a higher one itself.
                let oldSequence = stored["sequence"]?.intValue ?? 0
                if !changed.subtracting(Self.perUser).subtracting(["updated", "sequence"]).isEmpty,
                    (updated["sequence"]?.intValue ?? 0) <= oldSequence
                {
                    updated["sequence"] = .int(oldSequence + 1)
                    serverSet["sequence"] = .int(oldSequence + 1)
                }
            }
            try checkScheduling(updated)
            let invalid = JSCalendarValidation.validate(updated)
            guard invalid.isEmpty else { throw .invalidProperties(invalid) }
            let storedCalendar = ICalParser.parse(String(decoding: object.body, as: UTF8.self)).calendar
            let rewritten = JSCalendarConverter.updatedICalendar(stored: storedCalendar, newEvent: updated)
            // Nothing iCalendar can express changed: the server's copy stays as it is, byte for byte.
            let body = rewritten == storedCalendar ? object.body : Data(ICalWriter.serialize(rewritten).utf8)
            if target.id != calendar.id {
                if try await resources.move(object, from: calendar, to: target, body: body) { return serverSet }
                continue
            }
            if rewritten == storedCalendar { return [:] }
            // Changed on the server since it was read: the patch is applied again to that version.
            if try await resources.replace(object, in: calendar, with: body) { return serverSet }
        }
        throw SetError("stateMismatch", description: "The event kept changing on the server; try again.")
    }

    /// The series with the occurrence at `recurrenceId` patched: the client patches the occurrence as
    /// /get showed it, and what then differs from the series at that time becomes its override.
    static func patchingOccurrence(
        of stored: JSONObject, object: StoredObject, recurrenceId: LocalDateTime, id: String, patch: PatchObject
    ) throws(SetError) -> JSONObject {
        guard let occurrence = EventInstances.occurrence(of: stored, recurrenceId: recurrenceId),
            EventInstances.Expandable(body: object.body, uid: stored["uid"]?.stringValue)?.utcRange(
                ofOccurrence: recurrenceId, floatingZone: .utc) != nil
        else { throw .notFound() }
        var view = occurrence
        view["id"] = .string(id)
        view["baseEventId"] = .string(object.id)
        view["calendarIds"] = .object([object.collectionId: .bool(true)])
        let patched = try patch.apply(
            to: view,
            immutable: immutable.union(["calendarIds", "recurrenceId", "recurrenceRule", "recurrenceOverrides"]))
        try checkClientProperties(patched, patch: patch)
        // The occurrence before any override: the series' own values at that time.
        guard
            var baseline = EventInstances.occurrence(
                of: removingOverride(recurrenceId, from: stored), recurrenceId: recurrenceId)
        else { throw .notFound() }
        baseline["recurrenceRule"] = nil
        baseline["recurrenceOverrides"] = nil
        var override: JSONObject = [:]
        for key in Set(baseline.keys).union(patched.keys)
        where !seriesOnly.contains(key) && !jmapProperties.contains(key) && baseline[key] != patched[key] {
            override[key] = patched[key] ?? .null
        }
        var overrides = stored["recurrenceOverrides"]?.objectValue ?? [:]
        let key = recurrenceId.jsonString
        if override.isEmpty && overrides[key] == nil { return stored }
        overrides[key] = .object(override)
        var updated = stored
        updated["recurrenceOverrides"] = .object(overrides)
        return updated
    }

    private static func removingOverride(_ recurrenceId: LocalDateTime, from event: JSONObject) -> JSONObject {
        guard var overrides = event["recurrenceOverrides"]?.objectValue else { return event }
        overrides[recurrenceId.jsonString] = nil
        var result = event
        result["recurrenceOverrides"] = .object(overrides)
        return result
    }

    // MARK: destroy

    /// Destroys a stored event, or only one occurrence of a series: excluded by its override (§5.9).
    func destroy(_ id: String) async throws(SetError) {
        guard let (base, recurrenceId) = EventInstances.parse(id) else {
            try await resources.destroy(id)
            return
        }
        for _ in 0..<ResourceWriter.maxAttempts {
            let (object, calendar) = try await resources.current(base)
            guard var stored = CalendarEvents.convert(object.body),
                EventInstances.occurrence(of: stored, recurrenceId: recurrenceId) != nil,
                EventInstances.Expandable(body: object.body, uid: stored["uid"]?.stringValue)?.utcRange(
                    ofOccurrence: recurrenceId, floatingZone: .utc) != nil
            else { throw .notFound() }
            var overrides = stored["recurrenceOverrides"]?.objectValue ?? [:]
            overrides[recurrenceId.jsonString] = ["excluded": true]
            stored["recurrenceOverrides"] = .object(overrides)
            let storedCalendar = ICalParser.parse(String(decoding: object.body, as: UTF8.self)).calendar
            let rewritten = JSCalendarConverter.updatedICalendar(stored: storedCalendar, newEvent: stored)
            if try await resources.replace(object, in: calendar, with: Data(ICalWriter.serialize(rewritten).utf8)) {
                return
            }
        }
        throw SetError("stateMismatch", description: "The event kept changing on the server; try again.")
    }

    // MARK: support

    /// §5.9: `method` is never set; drafts are not kept (a CalDAV server has no such state); `utcStart`
    /// and `utcEnd` do not come with `start` and `duration`.
    static func checkClientProperties(_ event: JSONObject, patch: PatchObject? = nil) throws(SetError) {
        if event["method"] != nil && event["method"] != .null {
            throw .invalidProperties(["method"], "A stored event has no method (§5).")
        }
        if event["isDraft"] == .bool(true) {
            throw .invalidProperties(["isDraft"], "The CalDAV server keeps no drafts: events are written as they are.")
        }
        let touched = patch?.properties ?? Set(event.keys)
        if touched.contains("utcStart") && touched.contains("start") {
            throw .invalidProperties(["utcStart", "start"], "utcStart and start cannot both be set.")
        }
        if touched.contains("utcEnd") && touched.contains("duration") {
            throw .invalidProperties(["utcEnd", "duration"], "utcEnd and duration cannot both be set.")
        }
    }

    /// §5.9: `utcStart` becomes `start` in the event's time zone (Etc/UTC, server-set, when it has
    /// none); `utcEnd` becomes `duration`.
    static func applyUTCTimes(_ event: inout JSONObject, serverSet: inout JSONObject) throws(SetError) {
        let utcStart = event.removeValue(forKey: "utcStart")
        let utcEnd = event.removeValue(forKey: "utcEnd")
        guard utcStart != nil || utcEnd != nil else { return }
        if event["timeZone"] == nil || event["timeZone"] == .null {
            event["timeZone"] = "Etc/UTC"
            serverSet["timeZone"] = "Etc/UTC"
        }
        guard let name = event["timeZone"]?.stringValue, let zone = TimeZone(identifier: name).map(ICalTimeZone.iana)
        else { throw .invalidProperties(["timeZone"], "utcStart needs an IANA timeZone.") }
        var start: Date?
        if let utcStart {
            guard let text = utcStart.stringValue, let date = EventInstances.parseUTCDateTime(text) else {
                throw .invalidProperties(["utcStart"], "utcStart must be a UTCDateTime.")
            }
            event["start"] = .string(zone.local(ofUTC: Int(date.timeIntervalSince1970)).jsonString)
            start = date
        } else if let text = event["start"]?.stringValue, let (local, _) = LocalDateTime.parseJSON(text) {
            start = zone.date(of: local)
        }
        if let utcEnd {
            guard let text = utcEnd.stringValue, let end = EventInstances.parseUTCDateTime(text), let start,
                end >= start
            else { throw .invalidProperties(["utcEnd"], "utcEnd must be a UTCDateTime after the start.") }
            event["duration"] = .string(Self.duration(seconds: Int(end.timeIntervalSince(start))))
        }
    }

    /// A JSCalendar Duration (RFC 8984 §1.4.6) of whole seconds, e.g. `PT1H30M`, `P1DT2H`.
    static func duration(seconds total: Int) -> String {
        let days = total / 86_400
        let hours = total % 86_400 / 3600
        let minutes = total % 3600 / 60
        let seconds = total % 60
        var text = "P" + (days > 0 ? "\(days)D" : "")
        if hours > 0 || minutes > 0 || seconds > 0 || days == 0 {
            text += "T" + (hours > 0 ? "\(hours)H" : "") + (minutes > 0 ? "\(minutes)M" : "")
            text += seconds > 0 || (hours == 0 && minutes == 0) ? "\(seconds)S" : ""
        }
        return text
    }

    /// Refuses `sendSchedulingMessages` for an event with participants other than the user: nothing
    /// here would send them (§5.9.2 noSupportedScheduleMethods).
    private func checkScheduling(_ event: JSONObject) throws(SetError) {
        guard sendSchedulingMessages, let participants = event["participants"]?.objectValue else { return }
        let others = participants.values.compactMap(\.objectValue).filter { participant in
            let address = participant["calendarAddress"]?.stringValue.map(CalendarAddress.normalized)
            return address.map { !userAddresses.contains($0) } ?? true
        }
        if !others.isEmpty {
            throw SetError(
                "noSupportedScheduleMethods",
                description: "The CalDAV server does no implicit scheduling and the gateway sends no iMIP.")
        }
    }
}
