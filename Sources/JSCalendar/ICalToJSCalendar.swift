import Foundation
import JSON

/// iCalendar → JSCalendar (draft-ietf-calext-jscalendar-icalendar-25 §2), lossless: every
/// property or component without a standard mapping, and every parameter a mapping does not
/// consume, is kept in the object's "iCalendar" ICalComponent (§5.1.1: "properties",
/// "components", "convertedProperties").
struct ICalToJSCalendar {
    let calendar: ICalendar
    let root: ICalComponent
    let resolver: TimeZoneResolver

    init(_ calendar: ICalendar) {
        self.calendar = calendar
        root = calendar.mergedCalendar
        resolver = TimeZoneResolver(calendar: root)
    }

    /// VCALENDAR → Group (§2.1.1). Components with the same UID form one entry: the main
    /// component with its RECURRENCE-ID components as recurrenceOverrides patches (§2.1.2).
    func group() -> JSONObject {
        var reader = ComponentReader(component: root, resolver: resolver, kind: .group)
        var group = reader.readGroup()
        let method = root.property("METHOD")?.text.lowercased()
        var entries: [JSONValue] = []
        var handled = Set<Int>()
        let children = root.components
        // Components by kind and UID, so gathering a series does not scan every component again.
        var byUID: [String: [Int]] = [:]
        for (index, child) in children.enumerated() {
            if let uid = child.uid { byUID[child.upperName + "\u{0}" + uid, default: []].append(index) }
        }
        for (index, child) in children.enumerated() where !handled.contains(index) {
            let upper = child.upperName
            guard upper == "VEVENT" || upper == "VTODO" else {
                reader.keepComponent(child)
                continue
            }
            handled.insert(index)
            let uid = child.uid
            var overrides: [ICalComponent] = []
            var main: ICalComponent? = child.property("RECURRENCE-ID") == nil ? child : nil
            if let uid {
                for other in byUID[upper + "\u{0}" + uid] ?? [] where other != index && !handled.contains(other) {
                    let candidate = children[other]
                    if candidate.property("RECURRENCE-ID") == nil {
                        if main == nil {
                            main = candidate
                            handled.insert(other)
                        }
                    } else {
                        overrides.append(candidate)
                        handled.insert(other)
                    }
                }
            }
            if main == nil || main?.property("RECURRENCE-ID") != nil {
                // Stand-alone instances: each its own entry (§2.1.2).
                for instance in [child] + overrides {
                    var entry = convert(instance)
                    if let method { entry["method"] = .string(method) }
                    entries.append(.object(entry))
                }
                continue
            }
            guard let main else { continue }
            if main != child { overrides.insert(child, at: 0) }
            // An EXDATE for an instance that also has an override cannot be expressed: a patch
            // with "excluded" MUST NOT patch anything else (RFC 8984 §4.3.5). The override wins
            // the recurrenceOverrides key and the EXDATE is kept as an unconverted property.
            let overrideKeys = Set(overrides.compactMap { overrideKey($0, main: main) })
            var entry = convert(main, overriddenKeys: overrideKeys)
            var patches = entry["recurrenceOverrides"]?.objectValue ?? [:]
            for override in overrides {
                var converted = convert(override)
                guard let id = converted["recurrenceId"]?.stringValue else { continue }
                converted["recurrenceId"] = nil
                converted["recurrenceIdTimeZone"] = nil
                // The key is in the main component's time zone (§2.3.34).
                let key = overrideKey(override, main: main) ?? id
                patches[key] = .object(Self.patch(from: entry, to: converted))
            }
            if !patches.isEmpty { entry["recurrenceOverrides"] = .object(patches) }
            if let method { entry["method"] = .string(method) }
            entries.append(.object(entry))
        }
        group["entries"] = .array(entries)
        if let ical = reader.icalendarValue() { group["iCalendar"] = ical }
        return group
    }

    func convert(_ component: ICalComponent, overriddenKeys: Set<String> = []) -> JSONObject {
        var reader = ComponentReader(
            component: component, resolver: resolver, kind: component.upperName == "VTODO" ? .task : .event)
        reader.overriddenKeys = overriddenKeys
        return reader.readEntry()
    }

    func overrideKey(_ override: ICalComponent, main: ICalComponent) -> String? {
        guard let property = override.property("RECURRENCE-ID"), let id = ICalDateTime.parse(property),
            let start = main.property("DTSTART").flatMap(ICalDateTime.parse)
        else { return nil }
        return ComponentReader.localKey(id, inZoneOf: start, resolver: resolver)
    }

    /// A top-level PatchObject turning `base` into `target` (jscalendarbis §1.5.9).
    static func patch(from base: JSONObject, to target: JSONObject) -> JSONObject {
        var patch = JSONObject()
        for (key, value) in target where key != "recurrenceOverrides" && base[key] != value {
            patch[key] = value
        }
        for key in base.keys where target[key] == nil && key != "recurrenceOverrides" && key != "recurrenceRule" {
            patch[key] = .null
        }
        return patch
    }
}

/// Reads one component into a JSCalendar object, collecting what it keeps.
struct ComponentReader {
    enum Kind { case group, event, task, alert }

    let component: ICalComponent
    let resolver: TimeZoneResolver
    let kind: Kind
    var object = JSONObject()
    var converted = JSONObject()
    var keptProperties: [JSONValue] = []
    var keptComponents: [JSONValue] = []
    var keys = KeyMaker()
    var jsprops: [ICalProperty] = []
    /// recurrenceOverrides keys that RECURRENCE-ID components will take (see `group()`).
    var overriddenKeys: Set<String> = []

    init(component: ICalComponent, resolver: TimeZoneResolver, kind: Kind) {
        self.component = component
        self.resolver = resolver
        self.kind = kind
    }

    mutating func keep(_ property: ICalProperty) { keptProperties.append(JCal.property(property)) }
    mutating func keepComponent(_ component: ICalComponent) { keptComponents.append(JCal.component(component)) }

    /// Records the parameters a mapping did not consume (and the property name when it is not
    /// the one the path converts back to by default) in "convertedProperties" (§5.1.1).
    mutating func note(_ path: String, _ property: ICalProperty, consumed: Set<String>, name: String? = nil) {
        var parameters = JSONObject()
        for parameter in property.parameters where !consumed.contains(parameter.name.uppercased()) {
            parameters[parameter.name.lowercased()] = JCal.parameterValue(parameter.values)
        }
        guard !parameters.isEmpty || name != nil else { return }
        var entry: JSONObject = ["@type": "ICalProperty", "name": .string(name ?? property.name.lowercased())]
        if !parameters.isEmpty { entry["parameters"] = .object(parameters) }
        converted[path] = .object(entry)
    }

    func icalendarValue() -> JSONValue? {
        var result: JSONObject = ["@type": "ICalComponent", "name": .string(component.name.lowercased())]
        if !converted.isEmpty { result["convertedProperties"] = .object(converted) }
        if !keptProperties.isEmpty { result["properties"] = .array(keptProperties) }
        if !keptComponents.isEmpty { result["components"] = .array(keptComponents) }
        return result.count > 2 ? .object(result) : nil
    }

    static func utcString(_ property: ICalProperty) -> String? {
        guard property.parameters.allSatisfy({ $0.name.uppercased() == "VALUE" && $0.values == ["DATE-TIME"] }),
            let value = ICalDateTime.parse(property.value), value.zone == .utc,
            !value.isDate
        else { return nil }
        return value.local.jsonString + "Z"
    }

    /// A date-time as a LocalDateTime key in the zone of `start` (RDATE, EXDATE, RECURRENCE-ID).
    static func localKey(_ value: ICalDateTime, inZoneOf start: ICalDateTime, resolver: TimeZoneResolver) -> String {
        if value.isDate || value.zone == start.zone || value.zone == .floating || start.isDate {
            return value.local.jsonString
        }
        let startZone: ICalTimeZone = start.zone == .floating ? .utc : resolver.zone(of: start)
        let utc = resolver.utcSeconds(of: value)
        return startZone.local(ofUTC: utc).jsonString
    }

    mutating func readGroup() -> JSONObject {
        object["@type"] = "Group"
        var seen = Set<String>()
        for property in component.properties {
            let upper = property.upperName
            let first = seen.insert(upper).inserted
            switch upper {
            case "PRODID" where first && property.parameters.isEmpty: object["prodId"] = .string(property.text)
            case "VERSION" where first && property.parameters.isEmpty && property.value == "2.0": continue
            case "METHOD"
            where first && property.parameters.isEmpty
                && component.components.contains(where: { ["VEVENT", "VTODO"].contains($0.upperName) }):
                continue  // entries/*/method
            case "UID" where first && property.parameters.isEmpty: object["uid"] = .string(property.text)
            case "NAME" where first:
                object["title"] = .string(property.text)
                note("title", property, consumed: [])
            case "COLOR" where first && property.parameters.isEmpty: object["color"] = .string(property.text)
            case "CREATED" where first && Self.utcString(property) != nil:
                object["created"] = .string(Self.utcString(property) ?? "")
            case "LAST-MODIFIED" where first && Self.utcString(property) != nil:
                object["updated"] = .string(Self.utcString(property) ?? "")
            case "DESCRIPTION" where first:
                object["description"] = .string(property.text)
                note("description", property, consumed: [])
            default: keep(property)
            }
        }
        return object
    }

    mutating func readEntry() -> JSONObject {
        object["@type"] = kind == .task ? "Task" : "Event"
        var seen = Set<String>()
        let hasStyled = component.property("STYLED-DESCRIPTION") != nil
        let start = component.property("DTSTART").flatMap(ICalDateTime.parse)
        let startZoneTZID = start?.tzid
        for property in component.properties {
            let upper = property.upperName
            let first = seen.insert(upper).inserted
            switch upper {
            case "UID" where first && property.parameters.isEmpty:
                object["uid"] = .string(property.text)
            case "SUMMARY" where first:
                object["title"] = .string(property.text)
                note("title", property, consumed: [])
            case "DESCRIPTION" where first && !hasStyled:
                object["description"] = .string(property.text)
                note("description", property, consumed: [])
            case "STYLED-DESCRIPTION" where first:
                object["description"] = .string(property.text)
                object["descriptionContentType"] = .string(property.firstParameter("FMTTYPE") ?? "text/html")
                note("description", property, consumed: ["FMTTYPE", "VALUE"], name: "styled-description")
            case "DTSTART" where first && start != nil:
                guard let start else { continue }
                readDateTime(property, start, path: "start", zonePath: "timeZone")
            case "DTEND" where first && start != nil && kind == .event:
                // An end in another zone only converts when both zones are known: otherwise the
                // duration would be a guess that the way back could not reproduce.
                guard let start, let end = ICalDateTime.parse(property),
                    let duration = Self.duration(from: start, to: end, resolver: resolver), !duration.negative,
                    end.isDate == start.isDate,
                    end.zone == start.zone || start.isDate
                        || resolver.zone(of: start) != .floating && resolver.zone(of: end) != .floating
                else {
                    keep(property)
                    continue
                }
                object["duration"] = .string(duration.jsonString)
                var consumed: Set<String> = ["VALUE"]
                if end.tzid == startZoneTZID { consumed.insert("TZID") }
                note("duration", property, consumed: consumed, name: "dtend")
                if end.zone != start.zone, end.tzid == nil {
                    // A UTC or floating end for a zoned start: remember the form.
                    var entry = converted["duration"]?.objectValue ?? ["@type": "ICalProperty", "name": "dtend"]
                    entry["valueType"] = .string(end.zone == .utc ? "date-time-utc" : "date-time-floating")
                    converted["duration"] = .object(entry)
                }
            case "DURATION" where first:
                guard let duration = ICalDuration.parse(property.value), !duration.negative else {
                    keep(property)
                    continue
                }
                object[kind == .task ? "estimatedDuration" : "duration"] = .string(duration.jsonString)
                note(
                    kind == .task ? "estimatedDuration" : "duration", property, consumed: [],
                    name: kind == .task ? "duration" : nil)
            case "DUE" where first && kind == .task:
                guard let due = ICalDateTime.parse(property) else {
                    keep(property)
                    continue
                }
                readDateTime(property, due, path: "due", zonePath: start == nil ? "timeZone" : nil)
            case "RRULE" where first:
                guard let rule = RecurrenceRule.parse(property.value, tzid: start?.tzid), property.parameters.isEmpty
                else {
                    keep(property)
                    continue
                }
                object["recurrenceRule"] = .object(RecurrenceRuleJSON.json(rule, start: start, resolver: resolver))
            case "RDATE", "EXDATE":
                guard let start, readRecurrenceDates(property, start: start) else {
                    keep(property)
                    continue
                }
            case "RECURRENCE-ID" where first:
                guard let id = ICalDateTime.parse(property) else {
                    keep(property)
                    continue
                }
                object["recurrenceId"] = .string(id.local.jsonString)
                if let tzid = id.tzid, let iana = TimeZoneResolver.ianaIdentifier(for: tzid) {
                    object["recurrenceIdTimeZone"] = .string(iana)
                    note("recurrenceId", property, consumed: iana == tzid ? ["TZID", "VALUE"] : ["VALUE"])
                } else if id.zone == .utc {
                    object["recurrenceIdTimeZone"] = "Etc/UTC"
                    note("recurrenceId", property, consumed: ["VALUE"])
                } else {
                    note("recurrenceId", property, consumed: ["VALUE"])
                }
            case "SEQUENCE" where first && property.parameters.isEmpty && Int(property.value).map({ $0 >= 0 }) == true:
                object["sequence"] = .int(Int(property.value) ?? 0)
            case "PRIORITY"
            where first && property.parameters.isEmpty && Int(property.value).map({ (0...9).contains($0) }) == true:
                object["priority"] = .int(Int(property.value) ?? 0)
            case "CLASS" where first && property.parameters.isEmpty:
                switch property.text.uppercased() {
                case "PUBLIC": object["privacy"] = "public"
                case "PRIVATE": object["privacy"] = "private"
                case "CONFIDENTIAL": object["privacy"] = "secret"
                default: keep(property)
                }
            case "TRANSP" where first && property.parameters.isEmpty:
                switch property.text.uppercased() {
                case "OPAQUE": object["freeBusyStatus"] = "busy"
                case "TRANSPARENT": object["freeBusyStatus"] = "free"
                default: keep(property)
                }
            case "STATUS" where first && property.parameters.isEmpty:
                let value = property.text.lowercased()
                if kind == .event, ["tentative", "confirmed", "cancelled"].contains(value) {
                    object["status"] = .string(value)
                } else if kind == .task, ["needs-action", "in-process", "completed", "cancelled"].contains(value) {
                    object["progress"] = .string(value)
                } else {
                    keep(property)
                }
            case "PERCENT-COMPLETE" where first && property.parameters.isEmpty && kind == .task:
                guard let value = Int(property.value), (0...100).contains(value) else {
                    keep(property)
                    continue
                }
                object["percentComplete"] = .int(value)
            case "CREATED" where first && Self.utcString(property) != nil:
                object["created"] = .string(Self.utcString(property) ?? "")
            case "DTSTAMP" where first && Self.utcString(property) != nil:
                object["updated"] = .string(Self.utcString(property) ?? "")
            case "COLOR" where first && property.parameters.isEmpty:
                object["color"] = .string(property.text)
            case "CATEGORIES" where property.parameters.isEmpty:
                var keywords = object["keywords"]?.objectValue ?? [:]
                let values = property.textList.filter { !$0.isEmpty }
                // Only when the split is lossless (no duplicates, no empty values).
                guard !values.isEmpty, values.count == property.textList.count,
                    Set(values).count == values.count, values.allSatisfy({ keywords[$0] == nil })
                else {
                    keep(property)
                    continue
                }
                for value in values { keywords[value] = true }
                object["keywords"] = .object(keywords)
            case "URL" where property.parameters.allSatisfy({ ["VALUE", "JSID"].contains($0.name.uppercased()) }):
                addEntry(
                    "links", key: keys.key(for: "url:" + property.value, preferred: property.firstParameter("JSID")),
                    ["@type": "Link", "href": .string(property.value), "rel": "describedby"])
            case "ATTACH" where property.firstParameter("ENCODING") == nil && property.valueType == "URI":
                let key = keys.key(for: "attach:" + property.value, preferred: property.firstParameter("JSID"))
                var link: JSONObject = ["@type": "Link", "href": .string(property.value)]
                var consumed: Set<String> = ["VALUE", "JSID"]
                if let type = property.firstParameter("FMTTYPE") {
                    link["contentType"] = .string(type)
                    consumed.insert("FMTTYPE")
                }
                if let size = property.firstParameter("SIZE").flatMap({ Int($0) }), size >= 0 {
                    link["size"] = .int(size)
                    consumed.insert("SIZE")
                }
                addEntry("links", key: key, link)
                note("links/\(key)", property, consumed: consumed)
            case "LOCATION":
                let key = keys.key(for: "location:" + property.value, preferred: property.firstParameter("JSID"))
                addEntry("locations", key: key, ["@type": "Location", "name": .string(property.text)])
                note("locations/\(key)", property, consumed: ["JSID"])
            case "CONFERENCE" where property.valueType == "URI":
                let key = keys.key(for: "conference:" + property.value, preferred: property.firstParameter("JSID"))
                var location: JSONObject = ["@type": "VirtualLocation", "uri": .string(property.value)]
                if let label = property.firstParameter("LABEL") { location["name"] = .string(label) }
                if let features = property.parameter("FEATURE") {
                    location["features"] = .object(
                        Dictionary(
                            features.map { ($0.lowercased(), JSONValue.bool(true)) }, uniquingKeysWith: { a, _ in a }))
                }
                addEntry("virtualLocations", key: key, location)
                note("virtualLocations/\(key)", property, consumed: ["VALUE", "LABEL", "FEATURE", "JSID"])
            case "ORGANIZER" where first:
                object["organizerCalendarAddress"] = .string(property.value)
                readParticipant(property, organizer: true)
            case "ATTENDEE":
                readParticipant(property, organizer: false)
            case "RELATED-TO" where property.parameters.allSatisfy({ $0.name.uppercased() == "RELTYPE" }):
                let uid = property.text
                var related = object["relatedTo"]?.objectValue ?? [:]
                guard related[uid] == nil, !uid.isEmpty else {
                    keep(property)
                    continue
                }
                var relation = JSONObject()
                if let type = property.firstParameter("RELTYPE") { relation[type.lowercased()] = true }
                related[uid] = .object(["@type": "Relation", "relation": .object(relation)])
                object["relatedTo"] = .object(related)
            case "JSPROP" where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default:
                keep(property)
            }
        }
        for child in component.components {
            if child.upperName == "VALARM" {
                var reader = ComponentReader(component: child, resolver: resolver, kind: .alert)
                let alert = reader.readAlert()
                let key = keys.key(
                    for: "alarm:" + ICalWriter.serialize(child), preferred: child.property("JSID")?.text)
                addEntry("alerts", key: key, alert)
            } else {
                keepComponent(child)
            }
        }
        if let ical = icalendarValue() { object["iCalendar"] = ical }
        applyJSProps()
        return object
    }

    /// JSPROP properties form a PatchObject applied last; existing properties win (§4.1.2).
    mutating func applyJSProps() {
        for property in jsprops {
            guard let pointer = property.firstParameter("JSPTR"), !pointer.hasPrefix("/"),
                let value = try? JSONCoding.decode(JSONValue.self, from: Data(property.text.utf8)), !value.isNull
            else {
                keep(property)
                if let ical = icalendarValue() { object["iCalendar"] = ical }
                continue
            }
            let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            if !Self.setNew(&object, tokens[...], value) {
                keep(property)
                if let ical = icalendarValue() { object["iCalendar"] = ical }
            }
        }
    }

    static func setNew(_ object: inout JSONObject, _ tokens: ArraySlice<String>, _ value: JSONValue) -> Bool {
        guard let first = tokens.first else { return false }
        if tokens.count == 1 {
            guard object[first] == nil else { return false }
            object[first] = value
            return true
        }
        var child = object[first]?.objectValue ?? [:]
        guard object[first] == nil || object[first]?.objectValue != nil else { return false }
        guard setNew(&child, tokens.dropFirst(), value) else { return false }
        object[first] = .object(child)
        return true
    }

    mutating func addEntry(_ map: String, key: String, _ value: JSONObject) {
        var entries = object[map]?.objectValue ?? [:]
        entries[key] = .object(value)
        object[map] = .object(entries)
    }

    mutating func readDateTime(_ property: ICalProperty, _ value: ICalDateTime, path: String, zonePath: String?) {
        object[path] = .string(value.local.jsonString)
        var consumed: Set<String> = ["VALUE"]
        if value.isDate, path == "start" { object["showWithoutTime"] = true }
        if let zonePath {
            switch value.zone {
            case .utc: object[zonePath] = "Etc/UTC"
            case .tzid(let tzid):
                if let iana = TimeZoneResolver.ianaIdentifier(for: tzid) {
                    object[zonePath] = .string(iana)
                    if iana == tzid { consumed.insert("TZID") }
                }
            case .floating: break
            }
        } else if case .tzid(let tzid) = value.zone, tzid == component.property("DTSTART")?.firstParameter("TZID") {
            consumed.insert("TZID")
        }
        var name: String? = nil
        if value.zone == .utc, zonePath == nil { name = "due" }
        note(path, property, consumed: consumed, name: name)
        if value.zone == .utc, zonePath == nil {
            var entry = converted[path]?.objectValue ?? ["@type": "ICalProperty", "name": "due"]
            entry["valueType"] = "date-time-utc"
            converted[path] = .object(entry)
        }
    }

    /// RDATE → recurrenceOverrides entries `{}`, EXDATE → `{"excluded": true}` (§2.3.33, §2.3.20),
    /// keyed by the LocalDateTime in the start's zone. False when the property cannot convert
    /// without loss (PERIOD values, unknown parameters).
    mutating func readRecurrenceDates(_ property: ICalProperty, start: ICalDateTime) -> Bool {
        guard property.parameters.allSatisfy({ ["TZID", "VALUE"].contains($0.name.uppercased()) }) else {
            return false
        }
        let tzid = property.firstParameter("TZID")
        var values: [ICalDateTime] = []
        for item in property.value.split(separator: ",") {
            guard let value = ICalDateTime.parse(String(item), tzid: tzid), value.isDate == start.isDate,
                value.zone == start.zone
            else { return false }
            values.append(value)
        }
        if tzid != nil, tzid != start.tzid { return false }
        var overrides = object["recurrenceOverrides"]?.objectValue ?? [:]
        let excluded = property.upperName == "EXDATE"
        for value in values {
            let key = value.local.jsonString
            if overrides[key] != nil || excluded && overriddenKeys.contains(key) { return false }
            overrides[key] = excluded ? .object(["excluded": true]) : .object([:])
        }
        object["recurrenceOverrides"] = .object(overrides)
        return true
    }

    static func duration(from start: ICalDateTime, to end: ICalDateTime, resolver: TimeZoneResolver) -> ICalDuration? {
        let seconds: Int
        if start.zone == end.zone || start.isDate {
            seconds = end.local.secondsSinceEpoch - start.local.secondsSinceEpoch
        } else {
            seconds = resolver.utcSeconds(of: end) - resolver.utcSeconds(of: start)
        }
        let negative = seconds < 0
        let magnitude = abs(seconds)
        return ICalDuration(negative: negative, days: magnitude / 86400, seconds: magnitude % 86400)
    }

    static let roleNames: [String: String] = [
        "CHAIR": "chair", "REQ-PARTICIPANT": "attendee", "OPT-PARTICIPANT": "optional",
        "NON-PARTICIPANT": "informational", "OWNER": "owner",
    ]

    /// ORGANIZER and ATTENDEE → Participant (§2.3.29, §2.3.4).
    mutating func readParticipant(_ property: ICalProperty, organizer: Bool) {
        let key = keys.key(
            for: (organizer ? "organizer:" : "attendee:") + property.value, preferred: property.firstParameter("JSID"))
        var participant: JSONObject = ["@type": "Participant", "calendarAddress": .string(property.value)]
        var consumed: Set<String> = ["JSID"]
        var roles = JSONObject()
        if organizer { roles["owner"] = true }
        if let cn = property.firstParameter("CN") {
            participant["name"] = .string(cn)
            consumed.insert("CN")
        }
        if !organizer {
            let role = property.firstParameter("ROLE")?.uppercased() ?? "REQ-PARTICIPANT"
            if let name = Self.roleNames[role], property.parameter("ROLE")?.count ?? 1 == 1 {
                roles[name] = true
                if name == "optional" || name == "chair" { roles["attendee"] = true }
                consumed.insert("ROLE")
            }
            if property.firstParameter("ROLE") == nil { consumed.insert("ROLE") }
            if let status = property.firstParameter("PARTSTAT"), property.parameter("PARTSTAT")?.count == 1 {
                participant["participationStatus"] = .string(status.lowercased())
                consumed.insert("PARTSTAT")
            }
            if let rsvp = property.firstParameter("RSVP")?.uppercased(), rsvp == "TRUE" || rsvp == "FALSE" {
                participant["expectReply"] = .bool(rsvp == "TRUE")
                consumed.insert("RSVP")
            }
        }
        if let cutype = property.firstParameter("CUTYPE"), property.parameter("CUTYPE")?.count == 1 {
            participant["kind"] = .string(cutype.lowercased())
            consumed.insert("CUTYPE")
        }
        if let agent = property.firstParameter("SCHEDULE-AGENT"), property.parameter("SCHEDULE-AGENT")?.count == 1 {
            participant["scheduleAgent"] = .string(agent.lowercased())
            consumed.insert("SCHEDULE-AGENT")
        }
        if let email = property.firstParameter("EMAIL"), property.parameter("EMAIL")?.count == 1 {
            participant["email"] = .string(email)
            consumed.insert("EMAIL")
        }
        if let language = property.firstParameter("LANGUAGE"), property.parameter("LANGUAGE")?.count == 1 {
            participant["language"] = .string(language)
            consumed.insert("LANGUAGE")
        }
        if !roles.isEmpty { participant["roles"] = .object(roles) }
        addEntry("participants", key: key, participant)
        note("participants/\(key)", property, consumed: consumed, name: organizer ? "organizer" : nil)
    }

    /// VALARM → Alert (§2.2.2).
    mutating func readAlert() -> JSONObject {
        object["@type"] = "Alert"
        var seen = Set<String>()
        for property in component.properties {
            let upper = property.upperName
            let first = seen.insert(upper).inserted
            switch upper {
            case "JSID" where first: continue
            case "DESCRIPTION"
            where first && property.parameters.isEmpty
                && property.value == JSCalendarToICal.defaultAlarmDescription
                && component.property("ACTION").map({ $0.parameters.isEmpty && $0.value.uppercased() == "DISPLAY" })
                    != false:
                continue  // what the writer puts into every DISPLAY alarm (RFC 5545 §3.6.6)
            case "ACTION" where first && property.parameters.isEmpty:
                switch property.text.uppercased() {
                case "DISPLAY": continue  // the default action (jscalendarbis Alert "action")
                case "EMAIL": object["action"] = "email"
                default: keep(property)
                }
            case "TRIGGER" where first:
                let related = property.firstParameter("RELATED")?.uppercased()
                if property.valueType == "DATE-TIME" || property.valueType == "DATE-TIME-UTC",
                    let when = ICalDateTime.parse(property.value), when.zone == .utc, !when.isDate
                {
                    object["trigger"] = .object([
                        "@type": "AbsoluteTrigger", "when": .string(when.local.jsonString + "Z"),
                    ])
                    note("trigger", property, consumed: ["VALUE"])
                } else if let offset = ICalDuration.parse(property.value),
                    related == nil || related == "START" || related == "END"
                {
                    var trigger: JSONObject = ["@type": "OffsetTrigger", "offset": .string(offset.jsonString)]
                    if related == "END" { trigger["relativeTo"] = "end" }
                    object["trigger"] = .object(trigger)
                    note("trigger", property, consumed: ["RELATED", "VALUE"])
                } else {
                    keep(property)
                }
            case "ACKNOWLEDGED" where first && Self.utcString(property) != nil:
                object["acknowledged"] = .string(Self.utcString(property) ?? "")
            case "JSPROP" where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default: keep(property)
            }
        }
        for child in component.components { keepComponent(child) }
        if let ical = icalendarValue() { object["iCalendar"] = ical }
        applyJSProps()
        return object
    }
}
