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
            // "locale" is NAME's LANGUAGE, else DESCRIPTION's (§3.3 Table 27).
            let locale = object["locale"]?.stringValue
            let titleLanguage = locale.map { [ICalParameter("LANGUAGE", $0)] } ?? []
            if let title = object["title"]?.stringValue {
                root.properties.append(ical.property("title", "NAME", TextValue.escape(title), titleLanguage))
            }
            if let description = object["description"]?.stringValue {
                root.properties.append(
                    ical.property(
                        "description", "DESCRIPTION", TextValue.escape(description),
                        object["title"] == nil ? titleLanguage : []))
            }
            if locale != nil, object["title"] == nil, object["description"] == nil, let value = object["locale"] {
                root.properties.append(jsprop("locale", value))
            }
            if let source = object["source"]?.stringValue {
                root.properties.append(ICalProperty(name: "SOURCE", value: source))
            }
            root.properties += concepts(object)
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
            // Members with no VCALENDAR property, e.g. RFC 8984 §6.3's Group "name": JSPROP (§4.1.2).
            for key in object.keys.sorted() where !groupKeys.contains(key) {
                if let value = object[key], !value.isNull { root.properties.append(jsprop(key, value)) }
            }
        }
        root.components += ical.keptComponents
        for entry in entries { root.components += components(for: entry) }
        return ICalendar(components: [root])
    }

    /// Group members `calendar(from:)` writes as VCALENDAR properties, or drops ("version" is the
    /// JSCalendar version, implied when reading, draft-25 §1.3.2).
    static let groupKeys: Set<String> = [
        "@type", "entries", "uid", "title", "description", "locale", "source", "categories", "color", "created",
        "updated", "prodId", "iCalendar", "version",
    ]

    /// "categories" → one CONCEPT per URI (§2.3.9).
    static func concepts(_ object: JSONObject) -> [ICalProperty] {
        (object["categories"]?.objectValue ?? [:]).keys.sorted().map { ICalProperty(name: "CONCEPT", value: $0) }
    }

    /// A map key as one PatchObject path segment (RFC 6901 escaping).
    static func pathKey(_ key: String) -> String { ComponentReader.pathKey(key) }

    /// JSPROP properties for the members of a nested object (a Link, Location, Participant,
    /// VirtualLocation) that its iCalendar form does not carry (§4.1.2): the pointer is relative
    /// to the object of the component they are written into.
    static func nestedJSProps(_ prefix: String, _ object: JSONObject, except known: Set<String>) -> [ICalProperty] {
        object.keys.sorted().compactMap { member in
            guard !known.contains(member), let value = object[member], !value.isNull else { return nil }
            return jsprop(pointer: prefix + pathKey(member), value)
        }
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
        let dates = writesDates(entry)
        var main = component(for: entry, isOverride: false, dates: dates)
        var result: [ICalComponent] = []
        let overrides = entry["recurrenceOverrides"]?.objectValue ?? [:]
        let start = entry["start"]?.stringValue
        for key in overrides.keys.sorted() {
            guard let patch = overrides[key]?.objectValue else { continue }
            // Written as RDATE/EXDATE, or RDATE PERIOD.
            if patch.isEmpty || patch == ["excluded": true] || periodDuration(key, patch, entry: entry) != nil {
                continue
            }
            var instance = entry
            instance["recurrenceOverrides"] = nil
            // An instance has no rule, also when it came as RFC 8984's "recurrenceRules".
            instance["recurrenceRule"] = nil
            instance["recurrenceRules"] = nil
            for (path, value) in patch {
                let tokens = path.split(separator: "/").map(String.init)
                setPath(&instance, tokens[...], value)
            }
            if instance["excluded"]?.boolValue == true {
                main.properties.append(recurrenceDate("EXDATE", key, entry: entry))
                continue
            }
            instance["excluded"] = nil
            instance["recurrenceId"] = .string(key)
            if instance["start"] == nil || instance["start"]?.stringValue == start, patch["start"] == nil {
                instance["start"] = .string(key)
            }
            instance["recurrenceIdTimeZone"] = entry["timeZone"]
            result.append(component(for: instance, isOverride: true, dates: dates))
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

    /// RDATE or EXDATE for a recurrenceOverrides key: in the start's TZID, or in the zone noted
    /// at "recurrenceOverrides/<key>" (the same instant, §2.3.20, §2.3.33).
    static func recurrenceDate(_ name: String, _ key: String, entry: JSONObject) -> ICalProperty {
        let ical = ICal(entry["iCalendar"])
        let noted = ical.parameters("recurrenceOverrides/" + key)
        guard let tzid = noted.first(where: { $0.name == "TZID" })?.values.first,
            let local = LocalDateTime.parseJSON(key)?.value, !writesDates(entry)
        else { return dateProperty(name, key, entry: entry, extra: startTZID(entry), isDate: writesDates(entry)) }
        let utc = zone(entry["timeZone"]?.stringValue).utcSeconds(of: local)
        let value = TimeZoneResolver(calendar: nil).zone(for: tzid).local(ofUTC: utc)
        return ICalProperty(name: name, parameters: noted, value: value.icalDateTime)
    }

    /// The duration of an override that came from an RDATE PERIOD and still only sets its
    /// duration: it is written back as one (§2.3.33 Figure 69, §5.1.1), not as a component.
    /// Nil for any other patch, or when the entry is written with DATE values (a PERIOD has
    /// date-times, RFC 5545 §3.3.9).
    static func periodDuration(_ key: String, _ patch: JSONObject, entry: JSONObject) -> ICalDuration? {
        let noted = ICal(entry["iCalendar"]).entry("recurrenceOverrides/" + key)
        guard patch.count == 1, noted?["name"]?.stringValue?.lowercased() == "rdate",
            noted?["valueType"]?.stringValue?.lowercased() == "period",
            let duration = patch["duration"]?.stringValue.flatMap(ICalDuration.parse), !duration.negative,
            !writesDates(entry)
        else { return nil }
        return duration
    }

    /// Whether the entry's date-times are written as DATE values (§3.2): only when
    /// "showWithoutTime" is true, there is no "timeZone" and no value has a time, so nothing is
    /// lost; otherwise they are DATE-TIMEs and SHOW-WITHOUT-TIME says the rest (§2.3.38).
    static func writesDates(_ entry: JSONObject) -> Bool {
        guard entry["showWithoutTime"]?.boolValue == true, entry["timeZone"] == nil || entry["timeZone"] == .null,
            entry["start"] != nil || entry["due"] != nil
        else { return false }
        func isMidnight(_ value: JSONValue?) -> Bool {
            guard let text = value?.stringValue else { return value == nil || value == .null }
            return LocalDateTime.parseJSON(text).map { !$0.utc && $0.value.secondOfDay == 0 } ?? false
        }
        // Whole days also as seconds ("PT24H", which some DATE events have): a DATE value has no
        // zone, so the span is the same and the DATE form of the original is kept.
        func isWholeDays(_ value: JSONValue?) -> Bool {
            guard let text = value?.stringValue else { return value == nil || value == .null }
            return ICalDuration.parse(text).map { $0.seconds % 86400 == 0 } ?? false
        }
        var rules = entry["recurrenceRule"].map { [$0] } ?? []
        rules += entry["recurrenceRules"]?.arrayValue ?? []
        return isMidnight(entry["start"]) && isMidnight(entry["due"]) && isMidnight(entry["recurrenceId"])
            && isWholeDays(entry["duration"]) && isWholeDays(entry["estimatedDuration"])
            && rules.allSatisfy { isMidnight($0.objectValue?["until"]) }
            && (entry["recurrenceOverrides"]?.objectValue ?? [:]).keys.allSatisfy { isMidnight(.string($0)) }
    }

    /// A DATE or DATE-TIME property for a LocalDateTime in the entry's zone.
    static func dateProperty(
        _ name: String, _ local: String, entry: JSONObject, extra: [ICalParameter] = [], isDate: Bool
    ) -> ICalProperty {
        let value = LocalDateTime.parseJSON(local)?.value ?? LocalDateTime(year: 1970, month: 1, day: 1)
        if isDate {
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
        "locale", "categories", "endTimeZone", "mainLocationId", "@type", "uid", "title", "description",
        "descriptionContentType", "start", "timeZone", "showWithoutTime",
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

    /// One VEVENT or VTODO; `dates` is the main component's `writesDates`: an override writes
    /// DATE values only when its series does (RFC 5545 §3.8.4.4: RECURRENCE-ID has DTSTART's type).
    static func component(for entry: JSONObject, isOverride: Bool, dates mainDates: Bool? = nil) -> ICalComponent {
        let isTask = entry["@type"]?.stringValue == "Task"
        var component = ICalComponent(name: isTask ? "VTODO" : "VEVENT")
        let ical = ICal(entry["iCalendar"])
        var properties: [ICalProperty] = []
        let timeZone = entry["timeZone"]?.stringValue
        let zone = zone(timeZone)
        let showWithoutTime = entry["showWithoutTime"]?.boolValue == true
        let dates = (mainDates ?? true) && writesDates(entry)
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
            let idIsDate = mainDates ?? dates
            var property = dateProperty(
                "RECURRENCE-ID", recurrenceId, entry: idEntry, extra: ical.parameters("recurrenceId"), isDate: idIsDate)
            if idIsDate { property.value = local.value.icalDate }
            properties.append(property)
        }
        if let title = entry["title"]?.stringValue {
            // "locale" is SUMMARY's LANGUAGE (§3.2 Table 24); without a title it stays a JSPROP.
            let language = entry["locale"]?.stringValue.map { [ICalParameter("LANGUAGE", $0)] } ?? []
            properties.append(ical.property("title", "SUMMARY", TextValue.escape(title), language))
        } else if let locale = entry["locale"], !locale.isNull {
            properties.append(jsprop("locale", locale))
        }
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
            properties.append(
                dateProperty("DTSTART", start, entry: entry, extra: ical.parameters("start"), isDate: dates))
        }
        if let due = entry["due"]?.stringValue {
            var dueEntry = entry
            if ical.entry("due")?["valueType"]?.stringValue == "date-time-utc" { dueEntry["timeZone"] = "Etc/UTC" }
            let parameters = ical.parameters("due")
            if parameters.contains(where: { $0.name == "TZID" }) { dueEntry["timeZone"] = nil }
            properties.append(dateProperty("DUE", due, entry: dueEntry, extra: parameters, isDate: dates))
        }
        if let durationText = entry["duration"]?.stringValue, let duration = ICalDuration.parse(durationText) {
            let endTimeZone = entry["endTimeZone"]?.stringValue
            if ical.name("duration") == "DTEND" || endTimeZone != nil,
                let start = entry["start"]?.stringValue.flatMap(LocalDateTime.parseJSON)
            {
                // DTEND = start + duration, in the end's own zone when it had one (§3.2).
                var parameters = ical.parameters("duration")
                if let endTimeZone, !parameters.contains(where: { $0.name == "TZID" }),
                    endTimeZone != "Etc/UTC", endTimeZone != "UTC"
                {
                    // "endTimeZone" is DTEND's TZID (§3.2 Table 25).
                    parameters.insert(ICalParameter("TZID", endTimeZone), at: 0)
                }
                // DTEND in the same zone as DTSTART: the same TZID text (it may be a non-IANA id).
                if !parameters.contains(where: { $0.name == "TZID" }), ical.entry("duration")?["valueType"] == nil,
                    endTimeZone == nil, let startTZID = ical.parameters("start").first(where: { $0.name == "TZID" })
                {
                    parameters.insert(startTZID, at: 0)
                }
                let endTZID = parameters.first { $0.name == "TZID" }?.values.first
                let form = ical.entry("duration")?["valueType"]?.stringValue
                let startUTC = zone.utcSeconds(of: start.value)
                let endUTC = zone.utcSeconds(of: start.value.adding(days: duration.signedDays)) + duration.signedSeconds
                var endEntry = entry
                var endLocal: LocalDateTime
                if dates {
                    // Whole days, also when given as seconds (see `writesDates`).
                    endLocal = start.value.adding(days: duration.signedDays + duration.signedSeconds / 86400)
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
                } else if form == "date-time-utc" || endTimeZone == "Etc/UTC" || endTimeZone == "UTC" {
                    endLocal = LocalDateTime(secondsSinceEpoch: endUTC)
                    endEntry["timeZone"] = "Etc/UTC"
                } else if form == "date-time-floating" {
                    endLocal = start.value.adding(seconds: endUTC - startUTC)
                    endEntry["timeZone"] = nil
                } else {
                    endLocal = start.value.adding(days: duration.signedDays).adding(seconds: duration.signedSeconds)
                }
                properties.append(
                    dateProperty("DTEND", endLocal.jsonString, entry: endEntry, extra: parameters, isDate: dates))
            } else {
                properties.append(ical.property("duration", "DURATION", duration.icalString))
            }
        }
        if let estimated = entry["estimatedDuration"]?.stringValue, let duration = ICalDuration.parse(estimated) {
            properties.append(
                ical.property(
                    "estimatedDuration", ical.name("estimatedDuration") ?? "ESTIMATED-DURATION", duration.icalString))
        }
        if showWithoutTime, !dates {
            // The times stay and SHOW-WITHOUT-TIME keeps the rest (§3.2, §2.3.38).
            properties.append(
                ICalProperty(name: "SHOW-WITHOUT-TIME", parameters: [ICalParameter("VALUE", "BOOLEAN")], value: "TRUE"))
        }
        var rules: [JSONObject] = []
        if let rule = entry["recurrenceRule"]?.objectValue { rules.append(rule) }
        // RFC 8984 clients send "recurrenceRules" (an array).
        rules += entry["recurrenceRules"]?.arrayValue?.compactMap(\.objectValue) ?? []
        for rule in rules {
            if let parsed = RecurrenceRuleJSON.rule(rule, startIsDate: dates, zone: zone) {
                properties.append(ICalProperty(name: "RRULE", value: parsed.icalString))
            }
        }
        if !isOverride {
            let overrides = entry["recurrenceOverrides"]?.objectValue ?? [:]
            for key in overrides.keys.sorted() {
                guard let patch = overrides[key]?.objectValue else { continue }
                if patch.isEmpty { properties.append(recurrenceDate("RDATE", key, entry: entry)) }
                if let duration = periodDuration(key, patch, entry: entry) {
                    var property = recurrenceDate("RDATE", key, entry: entry)
                    property.parameters.insert(ICalParameter("VALUE", "PERIOD"), at: 0)
                    property.value += "/" + duration.icalString
                    properties.append(property)
                }
                if patch == ["excluded": true] { properties.append(recurrenceDate("EXDATE", key, entry: entry)) }
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
        properties += concepts(entry)
        var subcomponents: [ICalComponent] = []
        properties += links(entry["links"], ical: ical)
        let (locationProperties, locationComponents) = locations(entry, ical: ical)
        properties += locationProperties
        subcomponents += locationComponents
        for (key, value) in (entry["virtualLocations"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let location = value.objectValue, let uri = location["uri"]?.stringValue else { continue }
            var parameters = [ICalParameter("VALUE", "URI"), ICalParameter("JSID", key)]
            if let name = location["name"]?.stringValue { parameters.append(ICalParameter("LABEL", name)) }
            if let features = location["features"]?.objectValue, !features.isEmpty {
                parameters.append(ICalParameter("FEATURE", features.keys.sorted().map { $0.uppercased() }))
            }
            let path = "virtualLocations/\(pathKey(key))"
            properties.append(ical.property(path, "CONFERENCE", uri, parameters))
            properties += nestedJSProps(path + "/", location, except: ["@type", "uri", "name", "features"])
        }
        let (participantProperties, participantComponents) = participants(entry, ical: ical, isTask: isTask)
        properties += participantProperties
        subcomponents += participantComponents
        for (uid, value) in (entry["relatedTo"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let relations = value.objectValue?["relation"]?.objectValue?.keys.sorted() ?? []
            let parameters = relations.first.map { [ICalParameter("RELTYPE", $0.uppercased())] } ?? []
            properties.append(
                ical.property("relatedTo/" + pathKey(uid), "RELATED-TO", TextValue.escape(uid), parameters))
        }
        properties += ical.keptProperties
        // JSCalendar properties without an iCalendar mapping (§4.1.2).
        for key in entry.keys.sorted() where !knownKeys.contains(key) {
            guard let value = entry[key], !value.isNull else { continue }
            properties.append(jsprop(key, value))
        }
        component.properties = properties
        let alerts = entry["alerts"]?.objectValue ?? [:]
        for (key, value) in alerts.sorted(by: { $0.key < $1.key }) {
            guard let alert = value.objectValue else { continue }
            component.components.append(alarm(alert, key: key, alerts: alerts))
        }
        component.components += subcomponents
        component.components += ical.keptComponents
        return component
    }

    /// Links → ATTACH, IMAGE, URL or LINK (§3.4): the property noted at "links/<id>/href", else
    /// by "rel". Members the property cannot carry become JSPROP.
    static func links(_ value: JSONValue?, ical: ICal) -> [ICalProperty] {
        var result: [ICalProperty] = []
        let relOf = ["ATTACH": "enclosure", "IMAGE": "icon", "URL": "describedby"]
        let nameOf = Dictionary(uniqueKeysWithValues: relOf.map { ($0.value, $0.key) })
        for (key, value) in (value?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let link = value.objectValue, let href = link["href"]?.stringValue else { continue }
            let path = "links/\(pathKey(key))/href"
            let rel = link["rel"]?.stringValue
            let name: String
            if let noted = ical.name(path), ["ATTACH", "IMAGE", "LINK", "URL"].contains(noted),
                noted == "LINK" || relOf[noted] == rel
            {
                name = noted
            } else {
                name = rel.flatMap { nameOf[$0] } ?? "LINK"
            }
            var parameters = [ICalParameter("JSID", key)]
            var known: Set<String> = ["@type", "href", "title"]
            var propertyValue = href
            if name == "ATTACH" || name == "IMAGE" {
                known.formUnion(["rel", "contentType", "size"])
                let binary = ical.entry(path)?["valueType"]?.stringValue == "binary"
                if binary, href.hasPrefix("data:"), let comma = href.firstIndex(of: ","),
                    href[..<comma].hasSuffix(";base64")
                {
                    let mediaType = String(href.dropFirst(5)[..<comma].dropLast(7))
                    if mediaType == (link["contentType"]?.stringValue ?? "") {
                        parameters += [ICalParameter("ENCODING", "BASE64"), ICalParameter("VALUE", "BINARY")]
                        propertyValue = String(href[href.index(after: comma)...])
                    }
                }
                if let type = link["contentType"]?.stringValue { parameters.append(ICalParameter("FMTTYPE", type)) }
                if let size = link["size"]?.intValue { parameters.append(ICalParameter("SIZE", String(size))) }
                if let title = link["title"]?.stringValue { parameters.append(ICalParameter("FILENAME", title)) }
                if name == "IMAGE", let display = link["display"]?.objectValue, !display.isEmpty {
                    parameters.append(ICalParameter("DISPLAY", display.keys.sorted().map { $0.uppercased() }))
                    known.insert("display")
                }
            } else if name == "URL" {
                known.insert("rel")
                if let title = link["title"]?.stringValue { parameters.append(ICalParameter("LABEL", title)) }
            } else {
                known.formUnion(["rel", "contentType"])
                if let type = link["contentType"]?.stringValue { parameters.append(ICalParameter("FMTTYPE", type)) }
                if let title = link["title"]?.stringValue { parameters.append(ICalParameter("LABEL", title)) }
                if let rel { parameters.append(ICalParameter("LINKREL", rel)) }
            }
            result.append(ical.property(path, name, propertyValue, parameters))
            result += nestedJSProps("links/\(pathKey(key))/", link, except: known)
        }
        return result
    }

    /// GEO's "lat;lon" for a plain geo: URI, nil for anything else (§2.3.21).
    static func geoValue(_ uri: String) -> String? {
        guard uri.hasPrefix("geo:") else { return nil }
        let parts = uri.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && Double($0) != nil && !$0.hasPrefix("+") }),
            parts.allSatisfy({ $0.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" } })
        else { return nil }
        return parts.joined(separator: ";")
    }

    /// Locations → LOCATION (and GEO) properties or VLOCATION components (§3.5); the main
    /// location written as a VLOCATION also gets a LOCATION;DERIVED=TRUE naming it.
    static func locations(_ entry: JSONObject, ical: ICal) -> ([ICalProperty], [ICalComponent]) {
        let all = (entry["locations"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }).compactMap { item in
            item.value.objectValue.map { (item.key, $0) }
        }
        let main = entry["mainLocationId"]?.stringValue
        func representable(_ location: JSONObject) -> Bool {
            location["iCalendar"]?.objectValue?["name"]?.stringValue != "vlocation"
                && location.keys.allSatisfy { ["@type", "name", "coordinates"].contains($0) }
                && (location["coordinates"] == nil || location["coordinates"]?.stringValue.flatMap(geoValue) != nil)
                && (location["name"]?.stringValue != nil || location["coordinates"] != nil)
        }
        // Only one LOCATION without a note: the main location if it can be one, else the first.
        var plain: Set<String> = []
        var unnotedPlain: String?
        for (key, location) in all where representable(location) {
            if ical.name("locations/\(pathKey(key))") == "LOCATION" || location["name"] == nil {
                plain.insert(key)
            } else if unnotedPlain == nil || key == main {
                unnotedPlain = key
            }
        }
        if let unnotedPlain { plain.insert(unnotedPlain) }
        var properties: [ICalProperty] = []
        var components: [ICalComponent] = []
        for (key, location) in all {
            let path = "locations/\(pathKey(key))"
            if plain.contains(key) {
                if let name = location["name"]?.stringValue {
                    properties.append(
                        ical.property(path, "LOCATION", TextValue.escape(name), [ICalParameter("JSID", key)]))
                }
                if let geo = location["coordinates"]?.stringValue.flatMap(geoValue) {
                    properties.append(ical.property(path + "/coordinates", "GEO", geo, [ICalParameter("JSID", key)]))
                }
            } else {
                components.append(vlocation(location, key: key))
            }
        }
        guard let main else { return (properties, components) }
        let names = components.compactMap { $0.property("NAME")?.text }
        let mainName = all.first { $0.0 == main }?.1["name"]?.stringValue
        if plain.contains(main), main == unnotedPlain || ical.name("locations/\(pathKey(main))") == nil,
            components.count > 1
        {
            // Read back as the main location: the LOCATION with several VLOCATIONs (§2.3.25).
        } else if !plain.contains(main), let mainName, components.count > 1,
            names.filter({ $0 == mainName }).count == 1
        {
            properties.insert(
                ICalProperty(
                    name: "LOCATION", parameters: [ICalParameter("DERIVED", "TRUE")], value: TextValue.escape(mainName)),
                at: 0)
        } else {
            properties.append(jsprop("mainLocationId", .string(main)))
        }
        return (properties, components)
    }

    static func vlocation(_ location: JSONObject, key: String) -> ICalComponent {
        var component = ICalComponent(name: "VLOCATION")
        let ical = ICal(location["iCalendar"])
        component.properties.append(ICalProperty(name: "JSID", value: TextValue.escape(key)))
        if let name = location["name"]?.stringValue {
            component.properties.append(ical.property("name", "NAME", TextValue.escape(name)))
        }
        if let coordinates = location["coordinates"]?.stringValue {
            if ical.name("coordinates") == "GEO", let geo = geoValue(coordinates) {
                component.properties.append(ical.property("coordinates", "GEO", geo))
            } else {
                // COORDINATES has no default value type (extensions draft §4.1).
                component.properties.append(
                    ical.property("coordinates", "COORDINATES", coordinates, [ICalParameter("VALUE", "URI")]))
            }
        }
        if let types = location["locationTypes"]?.objectValue, !types.isEmpty {
            component.properties.append(
                ICalProperty(
                    name: "LOCATION-TYPE",
                    value: types.keys.sorted().map { TextValue.escape($0) }.joined(separator: ",")))
        }
        component.properties += links(location["links"], ical: ical)
        component.properties += ical.keptProperties
        component.properties += nestedJSProps(
            "", location, except: ["@type", "name", "coordinates", "locationTypes", "links", "iCalendar"])
        component.components += ical.keptComponents
        return component
    }

    static let roleOrder: [(String, String)] = [
        ("chair", "CHAIR"), ("required", "REQ-PARTICIPANT"), ("optional", "OPT-PARTICIPANT"),
        ("informational", "NON-PARTICIPANT"), ("owner", "OWNER"),
    ]

    /// Participants → ORGANIZER, ATTENDEE and PARTICIPANT (§3.6).
    static func participants(_ entry: JSONObject, ical: ICal, isTask: Bool) -> ([ICalProperty], [ICalComponent]) {
        let organizer = entry["organizerCalendarAddress"]?.stringValue
        var organizerWritten = false
        var properties: [ICalProperty] = []
        var components: [ICalComponent] = []
        // Noted ORGANIZER parameters win over the generated ones of the same name.
        let organizerNoted = ical.parameters("organizerCalendarAddress")
        func organizerProperty(_ address: String, _ generated: [ICalParameter]) -> ICalProperty {
            let names = Set(organizerNoted.map(\.name))
            return ICalProperty(
                name: "ORGANIZER", parameters: generated.filter { !names.contains($0.name) } + organizerNoted,
                value: address)
        }
        let attendeeMembers: Set<String> = [
            "participationStatus", "progress", "expectReply", "kind", "scheduleAgent", "language", "roles",
        ]
        let componentMembers: Set<String> = ["description", "descriptionContentType", "links"]
        for (key, value) in (entry["participants"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let participant = value.objectValue else { continue }
            let path = "participants/\(pathKey(key))"
            let address = participant["calendarAddress"]?.stringValue
            let roles = participant["roles"]?.objectValue ?? [:]
            let pical = ICal(participant["iCalendar"])
            let isOrganizer = address != nil && address == organizer && !organizerWritten
            let isComponent =
                address == nil || participant["iCalendar"]?.objectValue?["name"]?.stringValue == "participant"
                || participant.keys.contains { componentMembers.contains($0) }
            let onlyOrganizer =
                isOrganizer && !isComponent && roles.keys.allSatisfy { $0 == "owner" } && ical.entry(path) == nil
                && participant.keys.allSatisfy { ["@type", "calendarAddress", "name", "email", "roles"].contains($0) }
            var known: Set<String> = ["@type", "calendarAddress", "name"]
            // "email" is an EMAIL parameter of ATTENDEE or ORGANIZER; without an address it is a JSPROP.
            if address != nil { known.insert("email") }
            if isOrganizer, let address {
                organizerWritten = true
                var generated = [ICalParameter("JSID", key)]
                if let name = participant["name"]?.stringValue { generated.append(ICalParameter("CN", name)) }
                if let email = participant["email"]?.stringValue { generated.append(ICalParameter("EMAIL", email)) }
                properties.append(organizerProperty(address, generated))
                if onlyOrganizer { known.insert("roles") }
            }
            if !onlyOrganizer, let address {
                known.formUnion(attendeeMembers)
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
                // The owner role of the organizer is its ORGANIZER property (§3.6 remarks).
                let roleValues = roleOrder.filter { roles[$0.0] != nil && !(isOrganizer && $0.0 == "owner") }.map(\.1)
                if !roleValues.isEmpty { parameters.append(ICalParameter("ROLE", roleValues)) }
                let progress = isTask ? participant["progress"]?.stringValue : nil
                if let status = progress ?? participant["participationStatus"]?.stringValue {
                    parameters.append(ICalParameter("PARTSTAT", status.uppercased()))
                }
                if let expect = participant["expectReply"]?.boolValue {
                    parameters.append(ICalParameter("RSVP", expect ? "TRUE" : "FALSE"))
                }
                properties.append(ical.property(path, "ATTENDEE", address, parameters))
            }
            if isComponent {
                var component = ICalComponent(name: "PARTICIPANT")
                component.properties.append(ICalProperty(name: "JSID", value: TextValue.escape(key)))
                if let address {
                    component.properties.append(pical.property("calendarAddress", "CALENDAR-ADDRESS", address))
                }
                if let name = participant["name"]?.stringValue {
                    component.properties.append(pical.property("name", "SUMMARY", TextValue.escape(name)))
                }
                if let description = participant["description"]?.stringValue {
                    let type = participant["descriptionContentType"]?.stringValue
                    if let type, type != "text/plain" {
                        component.properties.append(
                            pical.property(
                                "description", "STYLED-DESCRIPTION", TextValue.escape(description),
                                [ICalParameter("VALUE", "TEXT"), ICalParameter("FMTTYPE", type)]))
                        known.insert("descriptionContentType")
                    } else {
                        component.properties.append(
                            pical.property("description", "DESCRIPTION", TextValue.escape(description)))
                    }
                }
                known.formUnion(["description", "links", "iCalendar"])
                component.properties += links(participant["links"], ical: pical)
                component.properties += pical.keptProperties
                // Members neither the ATTENDEE nor the component carry: JSPROP in the component.
                component.properties += nestedJSProps("", participant, except: known)
                component.components += pical.keptComponents
                components.append(component)
            } else {
                properties += nestedJSProps(path + "/", participant, except: known)
            }
        }
        if let organizer, !organizerWritten { properties.append(organizerProperty(organizer, [])) }
        return (properties, components)
    }

    /// A JSPROP for a top-level member `key`.
    static func jsprop(_ key: String, _ value: JSONValue) -> ICalProperty {
        jsprop(pointer: pathKey(key), value)
    }

    static func jsprop(pointer: String, _ value: JSONValue) -> ICalProperty {
        let json = (try? JSONCoding.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return ICalProperty(
            name: "JSPROP", parameters: [ICalParameter("JSPTR", pointer)], value: TextValue.escape(json))
    }

    /// The DESCRIPTION written for a DISPLAY alarm that has none of its own.
    static let defaultAlarmDescription = "Reminder"

    static func alarm(_ alert: JSONObject, key: String, alerts: JSONObject = [:]) -> ICalComponent {
        var component = ICalComponent(name: "VALARM")
        let ical = ICal(alert["iCalendar"])
        component.properties.append(ICalProperty(name: "JSID", value: TextValue.escape(key)))
        let keptNames = Set(ical.keptProperties.map(\.upperName))
        // ACTION is required (RFC 5545 §3.6.6): written unless a kept one (AUDIO, PROCEDURE) is there.
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
                let related =
                    trigger["relativeTo"]?.stringValue.map { [ICalParameter("RELATED", $0.uppercased())] } ?? []
                component.properties.append(ical.property("trigger", "TRIGGER", offset.icalString, related))
            }
        }
        if let acknowledged = utcValue(alert["acknowledged"]) {
            component.properties.append(ICalProperty(name: "ACKNOWLEDGED", value: acknowledged))
        }
        // relatedTo names another Alert; RELATED-TO carries that VALARM's UID (§3.1).
        var relatedWritten = false
        if let related = alert["relatedTo"]?.objectValue, related.count == 1, let (target, value) = related.first,
            let relations = value.objectValue?["relation"]?.objectValue, relations.count <= 1,
            let uid = ICal(alerts[target]?.objectValue?["iCalendar"]).keptProperties.first(where: {
                $0.upperName == "UID"
            })?.value
        {
            let parameters = relations.keys.first.map { [ICalParameter("RELTYPE", $0.uppercased())] } ?? []
            component.properties.append(ICalProperty(name: "RELATED-TO", parameters: parameters, value: uid))
            relatedWritten = true
        }
        component.properties += ical.keptProperties
        for key in alert.keys.sorted()
        where !["@type", "trigger", "action", "acknowledged", "iCalendar"].contains(key)
            && !(key == "relatedTo" && relatedWritten)
        {
            if let value = alert[key], !value.isNull { component.properties.append(jsprop(key, value)) }
        }
        component.components += ical.keptComponents
        return component
    }
}
