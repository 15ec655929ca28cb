import ContentLine
import Foundation
import JSON

/// JSCalendar → iCalendar (draft-ietf-calext-jscalendar-icalendar-25 §3). Parameters and
/// property names kept in "convertedProperties" are restored, "properties" and "components"
/// are written back as they were, and JSCalendar properties without an iCalendar mapping are
/// written as JSPROP (§4.1.2).
enum JSCalendarToICal {
    static func calendar(from object: JSONObject) -> ICalendar {
        let type = object["@type"]?.stringValue ?? "Group"
        var root = ICalComponent(name: "VCALENDAR")
        let ical = ICal(object["iCalendar"])
        let entries: [JSONObject]
        if type == "Group" {
            entries = object["entries"]?.arrayValue?.compactMap(\.objectValue) ?? []
        } else {
            entries = [object]
        }
        root.properties.append(ICalProperty(name: "VERSION", value: "2.0"))
        // PRODID is required (RFC 5545 §3.6) but written only when known, so a round trip adds nothing.
        if let prodId = object["prodId"]?.stringValue ?? entries.first?["prodId"]?.stringValue {
            root.properties.append(ICalProperty(name: "PRODID", value: TextValue.escape(prodId)))
        }
        if let method = entries.compactMap({ $0["method"]?.stringValue }).first {
            root.properties.append(ICalProperty(name: "METHOD", value: method.uppercased()))
        }
        if type == "Group" {
            if let uid = object["uid"]?.stringValue {
                root.properties.append(ICalProperty(name: "UID", value: TextValue.escape(uid)))
            }
            if let title = object["title"]?.stringValue {
                root.properties.append(ical.property("title", "NAME", TextValue.escape(title)))
            }
            if let description = object["description"]?.stringValue {
                root.properties.append(ical.property("description", "DESCRIPTION", TextValue.escape(description)))
            }
            if let color = object["color"]?.stringValue {
                root.properties.append(ICalProperty(name: "COLOR", value: TextValue.escape(color)))
            }
            if let created = utcValue(object["created"]) {
                root.properties.append(ICalProperty(name: "CREATED", value: created))
            }
            if let updated = utcValue(object["updated"]) {
                root.properties.append(ICalProperty(name: "LAST-MODIFIED", value: updated))
            }
            root.properties += ical.keptProperties
        }
        root.components += ical.keptComponents
        for entry in entries { root.components += components(for: entry) }
        return ICalendar(components: [root])
    }

    static func utcValue(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, let parsed = LocalDateTime.parseJSON(text) else { return nil }
        return parsed.value.icalDateTime + "Z"
    }

    /// The "iCalendar" ICalComponent of an object.
    struct ICal {
        var converted: JSONObject
        var keptProperties: [ICalProperty]
        var keptComponents: [ICalComponent]

        init(_ value: JSONValue?) {
            let object = value?.objectValue ?? [:]
            converted = object["convertedProperties"]?.objectValue ?? [:]
            keptProperties = (object["properties"]?.arrayValue ?? []).compactMap(JCal.icalProperty)
            keptComponents = (object["components"]?.arrayValue ?? []).compactMap(JCal.icalComponent)
        }

        func entry(_ path: String) -> JSONObject? { converted[path]?.objectValue }
        func name(_ path: String) -> String? { entry(path)?["name"]?.stringValue?.uppercased() }

        func parameters(_ path: String) -> [ICalParameter] {
            guard let parameters = entry(path)?["parameters"]?.objectValue else { return [] }
            return parameters.sorted { $0.key < $1.key }.map {
                ICalParameter($0.key.uppercased(), JCal.parameterStrings($0.value))
            }
        }

        func property(_ path: String, _ name: String, _ value: String, _ extra: [ICalParameter] = []) -> ICalProperty {
            ICalProperty(name: name, parameters: extra + parameters(path), value: value)
        }
    }

    /// The main component and its overrides (§3.2).
    static func components(for entry: JSONObject) -> [ICalComponent] {
        var main = component(for: entry, isOverride: false)
        var result: [ICalComponent] = []
        let overrides = entry["recurrenceOverrides"]?.objectValue ?? [:]
        let start = entry["start"]?.stringValue
        for key in overrides.keys.sorted() {
            guard let patch = overrides[key]?.objectValue else { continue }
            if patch.isEmpty || patch == ["excluded": true] { continue }  // written as RDATE/EXDATE
            var instance = entry
            instance["recurrenceOverrides"] = nil
            instance["recurrenceRule"] = nil
            for (path, value) in patch {
                let tokens = path.split(separator: "/").map(String.init)
                setPath(&instance, tokens[...], value)
            }
            if instance["excluded"]?.boolValue == true {
                main.properties.append(dateProperty("EXDATE", key, entry: entry, extra: startTZID(entry)))
                continue
            }
            instance["excluded"] = nil
            instance["recurrenceId"] = .string(key)
            if instance["start"] == nil || instance["start"]?.stringValue == start, patch["start"] == nil {
                instance["start"] = .string(key)
            }
            instance["recurrenceIdTimeZone"] = entry["timeZone"]
            result.append(component(for: instance, isOverride: true))
        }
        return [main] + result
    }

    static func setPath(_ object: inout JSONObject, _ tokens: ArraySlice<String>, _ value: JSONValue) {
        guard
            let first = tokens.first?.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(
                of: "~0", with: "~")
        else { return }
        if tokens.count == 1 {
            object[first] = value.isNull ? nil : value
            return
        }
        var child = object[first]?.objectValue ?? [:]
        setPath(&child, tokens.dropFirst(), value)
        object[first] = .object(child)
    }

    static func zone(_ id: String?) -> ICalTimeZone {
        guard let id else { return .floating }
        if id == "Etc/UTC" || id == "UTC" { return .utc }
        return TimeZone(identifier: id).map { .iana($0) } ?? .floating
    }

    /// DTSTART's TZID parameter as written. RDATE and EXDATE values are only converted when they
    /// carry exactly that TZID text (see ICalToJSCalendar), so they get it back, also when it
    /// named no known zone and the entry therefore has no timeZone.
    static func startTZID(_ entry: JSONObject) -> [ICalParameter] {
        ICal(entry["iCalendar"]).parameters("start").filter { $0.name == "TZID" }
    }

    /// A DATE or DATE-TIME property for a LocalDateTime in the entry's zone.
    static func dateProperty(_ name: String, _ local: String, entry: JSONObject, extra: [ICalParameter] = [])
        -> ICalProperty
    {
        let value = LocalDateTime.parseJSON(local)?.value ?? LocalDateTime(year: 1970, month: 1, day: 1)
        if entry["showWithoutTime"]?.boolValue == true {
            return ICalProperty(name: name, parameters: [ICalParameter("VALUE", "DATE")] + extra, value: value.icalDate)
        }
        switch entry["timeZone"]?.stringValue {
        case nil: return ICalProperty(name: name, parameters: extra, value: value.icalDateTime)
        case "Etc/UTC", "UTC":
            // A TZID that stood for UTC ("Etc/GMT") comes back with the wall time, not "Z": a UTC
            // value MUST NOT have a TZID (RFC 5545 §3.3.5).
            let hasTZID = extra.contains { $0.name.uppercased() == "TZID" }
            return ICalProperty(name: name, parameters: extra, value: value.icalDateTime + (hasTZID ? "" : "Z"))
        case let tzid?:
            let hasTZID = extra.contains { $0.name.uppercased() == "TZID" }
            return ICalProperty(
                name: name, parameters: (hasTZID ? [] : [ICalParameter("TZID", tzid)]) + extra,
                value: value.icalDateTime)
        }
    }

    static let knownKeys: Set<String> = [
        "@type", "uid", "title", "description", "descriptionContentType", "start", "timeZone", "showWithoutTime",
        "duration", "due", "estimatedDuration", "recurrenceRule", "recurrenceRules", "recurrenceOverrides",
        "recurrenceId",
        "recurrenceIdTimeZone", "sequence", "priority", "privacy", "freeBusyStatus", "status", "progress",
        "percentComplete", "created", "updated", "color", "keywords", "links", "locations", "virtualLocations",
        "organizerCalendarAddress", "participants", "relatedTo", "alerts", "iCalendar", "method", "prodId", "excluded",
    ]

    static let roleNames: [String: String] = [
        "chair": "CHAIR", "attendee": "REQ-PARTICIPANT", "optional": "OPT-PARTICIPANT",
        "informational": "NON-PARTICIPANT",
    ]

    static func component(for entry: JSONObject, isOverride: Bool) -> ICalComponent {
        let isTask = entry["@type"]?.stringValue == "Task"
        var component = ICalComponent(name: isTask ? "VTODO" : "VEVENT")
        let ical = ICal(entry["iCalendar"])
        var properties: [ICalProperty] = []
        let timeZone = entry["timeZone"]?.stringValue
        let zone = zone(timeZone)
        let showWithoutTime = entry["showWithoutTime"]?.boolValue == true
        func text(_ key: String, _ name: String) {
            if let value = entry[key]?.stringValue {
                properties.append(ical.property(key, name, TextValue.escape(value)))
            }
        }
        if let uid = entry["uid"]?.stringValue {
            properties.append(ICalProperty(name: "UID", value: TextValue.escape(uid)))
        }
        if let updated = utcValue(entry["updated"]) { properties.append(ICalProperty(name: "DTSTAMP", value: updated)) }
        if let created = utcValue(entry["created"]) { properties.append(ICalProperty(name: "CREATED", value: created)) }
        if let recurrenceId = entry["recurrenceId"]?.stringValue, let local = LocalDateTime.parseJSON(recurrenceId) {
            var idEntry = entry
            idEntry["timeZone"] = entry["recurrenceIdTimeZone"]
            var property = dateProperty(
                "RECURRENCE-ID", recurrenceId, entry: idEntry, extra: ical.parameters("recurrenceId"))
            if showWithoutTime { property.value = local.value.icalDate }
            properties.append(property)
        }
        text("title", "SUMMARY")
        if let description = entry["description"]?.stringValue {
            let type = entry["descriptionContentType"]?.stringValue
            if ical.name("description") == "STYLED-DESCRIPTION" || (type != nil && type != "text/plain") {
                properties.append(
                    ical.property(
                        "description", "STYLED-DESCRIPTION", TextValue.escape(description),
                        [ICalParameter("VALUE", "TEXT"), ICalParameter("FMTTYPE", type ?? "text/html")]))
            } else {
                properties.append(ical.property("description", "DESCRIPTION", TextValue.escape(description)))
            }
        }
        if let start = entry["start"]?.stringValue {
            properties.append(dateProperty("DTSTART", start, entry: entry, extra: ical.parameters("start")))
        }
        if let due = entry["due"]?.stringValue {
            var dueEntry = entry
            if ical.entry("due")?["valueType"]?.stringValue == "date-time-utc" { dueEntry["timeZone"] = "Etc/UTC" }
            let parameters = ical.parameters("due")
            if parameters.contains(where: { $0.name == "TZID" }) { dueEntry["timeZone"] = nil }
            properties.append(dateProperty("DUE", due, entry: dueEntry, extra: parameters))
        }
        if let durationText = entry["duration"]?.stringValue, let duration = ICalDuration.parse(durationText) {
            if ical.name("duration") == "DTEND",
                let start = entry["start"]?.stringValue.flatMap(LocalDateTime.parseJSON)
            {
                // DTEND = start + duration, in the end's own zone when it had one (§3.2).
                var parameters = ical.parameters("duration")
                // DTEND in the same zone as DTSTART: the same TZID text (it may be a non-IANA id).
                if !parameters.contains(where: { $0.name == "TZID" }), ical.entry("duration")?["valueType"] == nil,
                    let startTZID = ical.parameters("start").first(where: { $0.name == "TZID" })
                {
                    parameters.insert(startTZID, at: 0)
                }
                let endTZID = parameters.first { $0.name == "TZID" }?.values.first
                let form = ical.entry("duration")?["valueType"]?.stringValue
                let startUTC = zone.utcSeconds(of: start.value)
                let endUTC = zone.utcSeconds(of: start.value.adding(days: duration.signedDays)) + duration.signedSeconds
                var endEntry = entry
                var endLocal: LocalDateTime
                if showWithoutTime {
                    endLocal = start.value.adding(days: duration.signedDays)
                } else if let endTZID {
                    let endZone = TimeZoneResolver(calendar: nil).zone(for: endTZID)
                    if case .floating = endZone {
                        endLocal = start.value.adding(days: duration.signedDays).adding(seconds: duration.signedSeconds)
                    } else if case .floating = zone {
                        endLocal = start.value.adding(days: duration.signedDays).adding(seconds: duration.signedSeconds)
                    } else {
                        endLocal = endZone.local(ofUTC: endUTC)
                    }
                    endEntry["timeZone"] = nil
                } else if form == "date-time-utc" {
                    endLocal = LocalDateTime(secondsSinceEpoch: endUTC)
                    endEntry["timeZone"] = "Etc/UTC"
                } else if form == "date-time-floating" {
                    endLocal = start.value.adding(seconds: endUTC - startUTC)
                    endEntry["timeZone"] = nil
                } else {
                    endLocal = start.value.adding(days: duration.signedDays).adding(seconds: duration.signedSeconds)
                }
                properties.append(dateProperty("DTEND", endLocal.jsonString, entry: endEntry, extra: parameters))
            } else {
                properties.append(ical.property("duration", "DURATION", duration.icalString))
            }
        }
        if let estimated = entry["estimatedDuration"]?.stringValue, let duration = ICalDuration.parse(estimated) {
            properties.append(
                ical.property(
                    "estimatedDuration", ical.name("estimatedDuration") ?? "ESTIMATED-DURATION", duration.icalString))
        }
        var rules: [JSONObject] = []
        if let rule = entry["recurrenceRule"]?.objectValue { rules.append(rule) }
        // RFC 8984 clients send "recurrenceRules" (an array).
        rules += entry["recurrenceRules"]?.arrayValue?.compactMap(\.objectValue) ?? []
        for rule in rules {
            if let parsed = RecurrenceRuleJSON.rule(rule, startIsDate: showWithoutTime, zone: zone) {
                properties.append(ICalProperty(name: "RRULE", value: parsed.icalString))
            }
        }
        if !isOverride {
            let overrides = entry["recurrenceOverrides"]?.objectValue ?? [:]
            for key in overrides.keys.sorted() {
                guard let patch = overrides[key]?.objectValue else { continue }
                let tzid = startTZID(entry)
                if patch.isEmpty { properties.append(dateProperty("RDATE", key, entry: entry, extra: tzid)) }
                if patch == ["excluded": true] {
                    properties.append(dateProperty("EXDATE", key, entry: entry, extra: tzid))
                }
            }
        }
        if let sequence = entry["sequence"]?.intValue {
            properties.append(ICalProperty(name: "SEQUENCE", value: String(sequence)))
        }
        if let priority = entry["priority"]?.intValue {
            properties.append(ICalProperty(name: "PRIORITY", value: String(priority)))
        }
        switch entry["privacy"]?.stringValue {
        case "public": properties.append(ICalProperty(name: "CLASS", value: "PUBLIC"))
        case "private": properties.append(ICalProperty(name: "CLASS", value: "PRIVATE"))
        case "secret": properties.append(ICalProperty(name: "CLASS", value: "CONFIDENTIAL"))
        default: break
        }
        switch entry["freeBusyStatus"]?.stringValue {
        case "busy": properties.append(ICalProperty(name: "TRANSP", value: "OPAQUE"))
        case "free": properties.append(ICalProperty(name: "TRANSP", value: "TRANSPARENT"))
        default: break
        }
        if let status = entry[isTask ? "progress" : "status"]?.stringValue {
            properties.append(ICalProperty(name: "STATUS", value: status.uppercased()))
        }
        if let percent = entry["percentComplete"]?.intValue {
            properties.append(ICalProperty(name: "PERCENT-COMPLETE", value: String(percent)))
        }
        if let color = entry["color"]?.stringValue {
            properties.append(ICalProperty(name: "COLOR", value: TextValue.escape(color)))
        }
        if let keywords = entry["keywords"]?.objectValue, !keywords.isEmpty {
            properties.append(
                ICalProperty(
                    name: "CATEGORIES",
                    value: keywords.keys.sorted().map { TextValue.escape($0) }.joined(separator: ",")
                ))
        }
        for (key, value) in (entry["links"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let link = value.objectValue, let href = link["href"]?.stringValue else { continue }
            let path = "links/\(key)"
            if link["rel"]?.stringValue == "describedby", ical.entry(path) == nil {
                properties.append(ICalProperty(name: "URL", parameters: [ICalParameter("JSID", key)], value: href))
                continue
            }
            var parameters = [ICalParameter("JSID", key)]
            if let type = link["contentType"]?.stringValue { parameters.append(ICalParameter("FMTTYPE", type)) }
            if let size = link["size"]?.intValue { parameters.append(ICalParameter("SIZE", String(size))) }
            properties.append(ical.property(path, "ATTACH", href, parameters))
        }
        for (key, value) in (entry["locations"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let location = value.objectValue, let name = location["name"]?.stringValue else { continue }
            properties.append(
                ical.property(
                    "locations/\(key)", "LOCATION", TextValue.escape(name), [ICalParameter("JSID", key)]))
        }
        for (key, value) in (entry["virtualLocations"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let location = value.objectValue, let uri = location["uri"]?.stringValue else { continue }
            var parameters = [ICalParameter("VALUE", "URI"), ICalParameter("JSID", key)]
            if let name = location["name"]?.stringValue { parameters.append(ICalParameter("LABEL", name)) }
            if let features = location["features"]?.objectValue, !features.isEmpty {
                parameters.append(ICalParameter("FEATURE", features.keys.sorted().map { $0.uppercased() }))
            }
            properties.append(ical.property("virtualLocations/\(key)", "CONFERENCE", uri, parameters))
        }
        let organizer = entry["organizerCalendarAddress"]?.stringValue
        var organizerWritten = false
        for (key, value) in (entry["participants"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let participant = value.objectValue, let address = participant["calendarAddress"]?.stringValue else {
                continue
            }
            let path = "participants/\(key)"
            let roles = participant["roles"]?.objectValue ?? [:]
            var parameters = [ICalParameter("JSID", key)]
            if let name = participant["name"]?.stringValue { parameters.append(ICalParameter("CN", name)) }
            if let kind = participant["kind"]?.stringValue {
                parameters.append(ICalParameter("CUTYPE", kind.uppercased()))
            }
            if let agent = participant["scheduleAgent"]?.stringValue {
                parameters.append(ICalParameter("SCHEDULE-AGENT", agent.uppercased()))
            }
            if let email = participant["email"]?.stringValue { parameters.append(ICalParameter("EMAIL", email)) }
            if let language = participant["language"]?.stringValue {
                parameters.append(ICalParameter("LANGUAGE", language))
            }
            let isOrganizerEntry =
                ical.name(path) == "ORGANIZER" || (roles["owner"] != nil && address == organizer && !organizerWritten)
            if isOrganizerEntry {
                organizerWritten = true
                properties.append(ical.property(path, "ORGANIZER", address, parameters))
                continue
            }
            let role: String? = {
                if roles["chair"] != nil { return "CHAIR" }
                if roles["optional"] != nil { return "OPT-PARTICIPANT" }
                if roles["informational"] != nil { return "NON-PARTICIPANT" }
                if roles["attendee"] != nil { return nil }
                if roles["owner"] != nil { return "OWNER" }
                return nil
            }()
            if let role { parameters.append(ICalParameter("ROLE", role)) }
            if let status = participant["participationStatus"]?.stringValue {
                parameters.append(ICalParameter("PARTSTAT", status.uppercased()))
            }
            if let expect = participant["expectReply"]?.boolValue {
                parameters.append(ICalParameter("RSVP", expect ? "TRUE" : "FALSE"))
            }
            properties.append(ical.property(path, "ATTENDEE", address, parameters))
        }
        if let organizer, !organizerWritten { properties.append(ICalProperty(name: "ORGANIZER", value: organizer)) }
        for (uid, value) in (entry["relatedTo"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let relations = value.objectValue?["relation"]?.objectValue?.keys.sorted() ?? []
            let parameters = relations.first.map { [ICalParameter("RELTYPE", $0.uppercased())] } ?? []
            properties.append(
                ICalProperty(name: "RELATED-TO", parameters: parameters, value: TextValue.escape(uid)))
        }
        properties += ical.keptProperties
        // JSCalendar properties without an iCalendar mapping (§4.1.2).
        for key in entry.keys.sorted() where !knownKeys.contains(key) {
            guard let value = entry[key], !value.isNull else { continue }
            properties.append(jsprop(key, value))
        }
        component.properties = properties
        for (key, value) in (entry["alerts"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let alert = value.objectValue else { continue }
            component.components.append(alarm(alert, key: key))
        }
        component.components += ical.keptComponents
        return component
    }

    static func jsprop(_ pointer: String, _ value: JSONValue) -> ICalProperty {
        let json = (try? JSONCoding.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return ICalProperty(
            name: "JSPROP", parameters: [ICalParameter("JSPTR", pointer.replacingOccurrences(of: "~", with: "~0"))],
            value: TextValue.escape(json))
    }

    /// The DESCRIPTION written for a DISPLAY alarm that has none of its own.
    static let defaultAlarmDescription = "Reminder"

    static func alarm(_ alert: JSONObject, key: String) -> ICalComponent {
        var component = ICalComponent(name: "VALARM")
        let ical = ICal(alert["iCalendar"])
        component.properties.append(ICalProperty(name: "JSID", value: TextValue.escape(key)))
        let keptNames = Set(ical.keptProperties.map(\.upperName))
        // ACTION is required (RFC 5545 §3.6.6); an alarm converted without one stays without.
        if !keptNames.contains("ACTION") {
            component.properties.append(
                ICalProperty(name: "ACTION", value: (alert["action"]?.stringValue ?? "display").uppercased()))
        }
        // RFC 5545 §3.6.6: a DISPLAY alarm MUST have a DESCRIPTION. JSCalendar has no text for
        // it, so a fixed one is written, and read back as nothing (ICalToJSCalendar.readAlert).
        if !keptNames.contains("ACTION"), !keptNames.contains("DESCRIPTION"),
            (alert["action"]?.stringValue ?? "display") == "display"
        {
            component.properties.append(ICalProperty(name: "DESCRIPTION", value: defaultAlarmDescription))
        }
        if let trigger = alert["trigger"]?.objectValue {
            if trigger["@type"]?.stringValue == "AbsoluteTrigger", let when = utcValue(trigger["when"]) {
                component.properties.append(
                    ical.property("trigger", "TRIGGER", when, [ICalParameter("VALUE", "DATE-TIME")]))
            } else if let offset = trigger["offset"]?.stringValue.flatMap(ICalDuration.parse) {
                let related = trigger["relativeTo"]?.stringValue == "end" ? [ICalParameter("RELATED", "END")] : []
                component.properties.append(ical.property("trigger", "TRIGGER", offset.icalString, related))
            }
        }
        if let acknowledged = utcValue(alert["acknowledged"]) {
            component.properties.append(ICalProperty(name: "ACKNOWLEDGED", value: acknowledged))
        }
        component.properties += ical.keptProperties
        for key in alert.keys.sorted()
        where !["@type", "trigger", "action", "acknowledged", "iCalendar", "relatedTo"].contains(key) {
            if let value = alert[key], !value.isNull { component.properties.append(jsprop(key, value)) }
        }
        component.components += ical.keptComponents
        return component
    }
}
