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
    enum Kind { case group, event, task, alert, participant, location }

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
    /// ORGANIZER and ATTENDEE properties, converted together after the other properties (§2.3.29).
    var organizerProperty: ICalProperty?
    var attendeeProperties: [ICalProperty] = []
    var locationProperties: [ICalProperty] = []
    var geoProperties: [ICalProperty] = []

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

    /// The "iCalendar" member. A Location or Participant always gets one: its name says the
    /// object came from a VLOCATION or PARTICIPANT component rather than a property (§3.5).
    func icalendarValue() -> JSONValue? {
        var result: JSONObject = ["@type": "ICalComponent", "name": .string(component.name.lowercased())]
        if !converted.isEmpty { result["convertedProperties"] = .object(converted) }
        if !keptProperties.isEmpty { result["properties"] = .array(keptProperties) }
        if !keptComponents.isEmpty { result["components"] = .array(keptComponents) }
        return result.count > 2 || kind == .participant || kind == .location ? .object(result) : nil
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
                note("title", property, consumed: readLocale(property))
            case "SOURCE" where first && property.parameters.allSatisfy({ $0.name.uppercased() == "VALUE" }):
                object["source"] = .string(property.value)
            case "CONCEPT" where readConcept(property): continue
            case "COLOR" where first && property.parameters.isEmpty: object["color"] = .string(property.text)
            case "CREATED" where first && Self.utcString(property) != nil:
                object["created"] = .string(Self.utcString(property) ?? "")
            case "LAST-MODIFIED" where first && Self.utcString(property) != nil:
                object["updated"] = .string(Self.utcString(property) ?? "")
            case "DESCRIPTION" where first:
                object["description"] = .string(property.text)
                // The Group's locale comes from NAME first, else DESCRIPTION (§3.3 Table 27).
                let name = component.property("NAME")
                let consumed = name?.parameter("LANGUAGE")?.count == 1 ? [] : readLocale(property)
                note("description", property, consumed: consumed)
            case "JSPROP" where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default: keep(property)
            }
        }
        // Group members with no VCALENDAR property, e.g. RFC 8984's Group "name" (§4.1.2).
        applyJSProps()
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
                note("title", property, consumed: readLocale(property))
            case "CONCEPT" where readConcept(property): continue
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
                if case .tzid(let tzid) = end.zone, let iana = TimeZoneResolver.ianaIdentifier(for: tzid) {
                    // Another zone than the start's is "endTimeZone" (§2.3.14).
                    if object["timeZone"] != nil, object["timeZone"]?.stringValue != iana {
                        object["endTimeZone"] = .string(iana)
                        if iana == tzid { consumed.insert("TZID") }
                    } else if end.tzid == startZoneTZID, iana == tzid {
                        consumed.insert("TZID")
                    }
                } else if end.tzid == startZoneTZID,
                    end.tzid.map({ TimeZoneResolver.ianaIdentifier(for: $0) == $0 }) ?? true
                {
                    consumed.insert("TZID")
                }
                note("duration", property, consumed: consumed, name: "dtend")
                if end.zone != start.zone, end.tzid == nil {
                    // A UTC or floating end for a zoned start: remember the form.
                    var entry = converted["duration"]?.objectValue ?? ["@type": "ICalProperty", "name": "dtend"]
                    entry["valueType"] = .string(end.zone == .utc ? "date-time-utc" : "date-time-floating")
                    converted["duration"] = .object(entry)
                }
            case "DURATION" where first:
                guard let duration = ICalDuration.parse(property.value), !duration.negative,
                    kind != .task || object["estimatedDuration"] == nil
                else {
                    keep(property)
                    continue
                }
                object[kind == .task ? "estimatedDuration" : "duration"] = .string(duration.jsonString)
                note(
                    kind == .task ? "estimatedDuration" : "duration", property, consumed: [],
                    name: kind == .task ? "duration" : nil)
            case "ESTIMATED-DURATION" where first && kind == .task:
                guard let duration = ICalDuration.parse(property.value), !duration.negative,
                    object["estimatedDuration"] == nil
                else {
                    keep(property)
                    continue
                }
                object["estimatedDuration"] = .string(duration.jsonString)
                note("estimatedDuration", property, consumed: [])
            case "DUE" where first && kind == .task:
                guard let due = ICalDateTime.parse(property) else {
                    keep(property)
                    continue
                }
                readDateTime(property, due, path: "due", zonePath: start == nil ? "timeZone" : nil)
            case "SHOW-WITHOUT-TIME" where first:
                // With DATE values it MUST be ignored (draft-25 §2.3.38) and not be preserved
                // (extensions-06 §4.2); FALSE, or other parameters, are kept.
                let temporal = start ?? component.property("DUE").flatMap(ICalDateTime.parse)
                if temporal?.isDate == true { continue }
                guard property.value.uppercased() == "TRUE",
                    property.parameters.allSatisfy({
                        $0.name.uppercased() == "VALUE" && $0.values.map { $0.uppercased() } == ["BOOLEAN"]
                    })
                else {
                    keep(property)
                    continue
                }
                object["showWithoutTime"] = true
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
            case "URL", "ATTACH", "IMAGE", "LINK":
                if !readLink(property) { keep(property) }
            case "LOCATION":
                locationProperties.append(property)
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
                organizerProperty = property
            case "ATTENDEE":
                attendeeProperties.append(property)
            case "GEO" where property.firstParameter("DERIVED")?.uppercased() != "TRUE":
                geoProperties.append(property)
            case "RELATED-TO" where (property.parameter("RELTYPE")?.count ?? 1) == 1:
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
                note("relatedTo/" + Self.pathKey(uid), property, consumed: ["RELTYPE"])
            case "JSPROP" where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default:
                keep(property)
            }
        }
        readParticipants()
        readLocations()
        // VALARM keys first: a RELATED-TO in one alarm names another by its UID (§2.3.35).
        var alarmKeys: [String: String] = [:]
        var keyOfChild: [Int: String] = [:]
        for (index, child) in component.components.enumerated() where child.upperName == "VALARM" {
            let key = keys.key(for: "alarm:" + ICalWriter.serialize(child), preferred: child.property("JSID")?.text)
            keyOfChild[index] = key
            if let uid = child.property("UID")?.text, alarmKeys[uid] == nil { alarmKeys[uid] = key }
        }
        for (index, child) in component.components.enumerated() {
            switch child.upperName {
            case "VALARM":
                guard let key = keyOfChild[index] else { continue }
                var reader = ComponentReader(component: child, resolver: resolver, kind: .alert)
                addEntry("alerts", key: key, reader.readAlert(alarmKeys: alarmKeys))
            case "PARTICIPANT" where kind != .alert: readParticipantComponent(child)
            case "VLOCATION" where kind != .alert: readLocationComponent(child)
            default: keepComponent(child)
            }
        }
        resolveMainLocation()
        if let ical = icalendarValue() { object["iCalendar"] = ical }
        applyJSProps()
        return object
    }

    /// The object of a nested component (VLOCATION, PARTICIPANT, VALARM): its own components kept, its unmapped
    /// properties in `iCalendar`, its JSPROPs applied.
    mutating func finishedKeepingComponents() -> JSONObject {
        for child in component.components { keepComponent(child) }
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

    /// A map key as one PatchObject path segment (RFC 6901 escaping).
    static func pathKey(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// SUMMARY's (or NAME's) single LANGUAGE parameter → "locale" (§2.3.42, §2.3.28); the
    /// parameters it consumed.
    mutating func readLocale(_ property: ICalProperty) -> Set<String> {
        guard object["locale"] == nil, let languages = property.parameter("LANGUAGE"), languages.count == 1,
            let language = languages.first, !language.isEmpty
        else { return [] }
        object["locale"] = .string(language)
        return ["LANGUAGE"]
    }

    /// CONCEPT → an entry of "categories" (§2.3.9); false when it cannot convert losslessly.
    mutating func readConcept(_ property: ICalProperty) -> Bool {
        var categories = object["categories"]?.objectValue ?? [:]
        guard property.parameters.allSatisfy({ $0.name.uppercased() == "VALUE" && $0.values == ["URI"] }),
            !property.value.isEmpty, categories[property.value] == nil
        else { return false }
        categories[property.value] = true
        object["categories"] = .object(categories)
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
        if value.isDate, path == "start" || path == "due" { object["showWithoutTime"] = true }
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
    /// keyed by the LocalDateTime in the start's zone. An RDATE PERIOD gives `{"duration": …}`
    /// keyed by the period's start, noted as "rdate"/"period" so it is written back as one
    /// (§2.3.33 Figure 69). False when the property cannot convert without loss (unknown
    /// parameters, a PERIOD whose instance an override component also gives).
    mutating func readRecurrenceDates(_ property: ICalProperty, start: ICalDateTime) -> Bool {
        guard property.parameters.allSatisfy({ ["TZID", "VALUE"].contains($0.name.uppercased()) }) else {
            return false
        }
        let isPeriod = property.firstParameter("VALUE")?.uppercased() == "PERIOD"
        if isPeriod, property.upperName != "RDATE" || start.isDate || property.parameter("VALUE")?.count != 1 {
            return false
        }
        let tzid = property.firstParameter("TZID")
        // Another known zone than the start's: the key is that instant in the start's zone and
        // the TZID is noted at "recurrenceOverrides/<key>" (§2.3.20, §2.3.33).
        let otherZone =
            tzid != nil && tzid != start.tzid && !start.isDate && start.zone != .floating
            && tzid.map { TimeZoneResolver.ianaIdentifier(for: $0) != nil } == true
            && resolver.zone(of: start) != .floating
        var values: [ICalDateTime] = []
        var durations: [ICalDuration] = []
        for item in property.value.split(separator: ",") {
            let parts = isPeriod ? item.split(separator: "/", omittingEmptySubsequences: false) : [item]
            guard parts.count == (isPeriod ? 2 : 1),
                let value = ICalDateTime.parse(String(parts[0]), tzid: tzid), value.isDate == start.isDate,
                value.zone == start.zone || otherZone && resolver.zone(of: value) != .floating
            else { return false }
            if isPeriod {
                guard let duration = Self.periodDuration(value, String(parts[1]), tzid: tzid, resolver: resolver)
                else { return false }
                durations.append(duration)
            }
            values.append(value)
        }
        if tzid != nil, tzid != start.tzid, !otherZone { return false }
        var overrides = object["recurrenceOverrides"]?.objectValue ?? [:]
        let excluded = property.upperName == "EXDATE"
        var keys: [String] = []
        for (index, value) in values.enumerated() {
            let key = otherZone ? Self.localKey(value, inZoneOf: start, resolver: resolver) : value.local.jsonString
            if overrides[key] != nil || (excluded || isPeriod) && overriddenKeys.contains(key) { return false }
            // The value must come back: the same wall time in its own zone.
            if otherZone, let local = LocalDateTime.parseJSON(key)?.value,
                resolver.zone(of: value).local(ofUTC: resolver.zone(of: start).utcSeconds(of: local)) != value.local
            {
                return false
            }
            if isPeriod {
                overrides[key] = .object(["duration": .string(durations[index].jsonString)])
            } else {
                overrides[key] = excluded ? .object(["excluded": true]) : .object([:])
            }
            keys.append(key)
        }
        object["recurrenceOverrides"] = .object(overrides)
        if otherZone || isPeriod {
            for key in keys {
                let path = "recurrenceOverrides/\(key)"
                note(
                    path, property, consumed: otherZone ? ["VALUE"] : ["VALUE", "TZID"], name: isPeriod ? "rdate" : nil)
                if isPeriod, var entry = converted[path]?.objectValue {
                    entry["valueType"] = "period"
                    converted[path] = .object(entry)
                }
            }
        }
        return true
    }

    /// The duration of an RDATE PERIOD (RFC 5545 §3.3.9): as written, or from an explicit end as
    /// the exact time between the two instants, so the instance spans what it did. Nil when
    /// negative or unreadable.
    static func periodDuration(_ start: ICalDateTime, _ text: String, tzid: String?, resolver: TimeZoneResolver)
        -> ICalDuration?
    {
        if let duration = ICalDuration.parse(text) { return duration.negative ? nil : duration }
        guard let end = ICalDateTime.parse(text, tzid: tzid), !end.isDate, end.zone == start.zone else { return nil }
        let seconds = resolver.utcSeconds(of: end) - resolver.utcSeconds(of: start)
        return seconds < 0 ? nil : ICalDuration(seconds: seconds)
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
        "CHAIR": "chair", "REQ-PARTICIPANT": "required", "OPT-PARTICIPANT": "optional",
        "NON-PARTICIPANT": "informational", "OWNER": "owner",
    ]

    /// PARTSTAT values only a VTODO has: "accepted" plus a "progress" (§2.3.4 Table 13).
    static let taskProgress: Set<String> = ["COMPLETED", "IN-PROCESS", "FAILED"]

    /// The key of the participant with this calendar address, if any.
    func participantKey(address: String) -> String? {
        object["participants"]?.objectValue?.first { $0.value.objectValue?["calendarAddress"]?.stringValue == address }?
            .key
    }

    /// ATTENDEE and ORGANIZER → Participant objects, one per calendar address (§2.3.4, §2.3.29).
    /// The ORGANIZER's unconverted parameters are noted at "organizerCalendarAddress", the
    /// ATTENDEE's at the participant.
    mutating func readParticipants() {
        for property in attendeeProperties {
            guard participantKey(address: property.value) == nil else {
                keep(property)  // a second ATTENDEE for the same address
                continue
            }
            let key = keys.key(for: "participant:" + property.value, preferred: property.firstParameter("JSID"))
            var participant: JSONObject = ["@type": "Participant", "calendarAddress": .string(property.value)]
            var consumed: Set<String> = ["JSID"]
            var roles = JSONObject()
            if let values = property.parameter("ROLE") {
                let names = values.compactMap { Self.roleNames[$0.uppercased()] }
                if names.count == values.count {
                    for name in names { roles[name] = true }
                    consumed.insert("ROLE")
                }
            }
            if let status = property.firstParameter("PARTSTAT")?.uppercased(),
                property.parameter("PARTSTAT")?.count == 1
            {
                if kind == .task, Self.taskProgress.contains(status) {
                    participant["participationStatus"] = "accepted"
                    participant["progress"] = .string(status.lowercased())
                } else {
                    participant["participationStatus"] = .string(status.lowercased())
                }
                consumed.insert("PARTSTAT")
            }
            if let rsvp = property.firstParameter("RSVP")?.uppercased(), rsvp == "TRUE" || rsvp == "FALSE" {
                participant["expectReply"] = .bool(rsvp == "TRUE")
                consumed.insert("RSVP")
            }
            let single: [(String, String, Bool)] = [
                ("CN", "name", false), ("CUTYPE", "kind", true), ("SCHEDULE-AGENT", "scheduleAgent", true),
                ("EMAIL", "email", false), ("LANGUAGE", "language", false),
            ]
            for (parameter, member, lowercase) in single {
                guard let values = property.parameter(parameter), values.count == 1, let value = values.first else {
                    continue
                }
                participant[member] = .string(lowercase ? value.lowercased() : value)
                consumed.insert(parameter)
            }
            if !roles.isEmpty { participant["roles"] = .object(roles) }
            addEntry("participants", key: key, participant)
            note("participants/\(Self.pathKey(key))", property, consumed: consumed)
        }
        guard let organizer = organizerProperty else { return }
        var consumed: Set<String> = []
        if let key = participantKey(address: organizer.value),
            var participant = object["participants"]?.objectValue?[key]?.objectValue
        {
            // The same address as an ATTENDEE: one Participant; a differing parameter stays noted.
            var roles = participant["roles"]?.objectValue ?? [:]
            roles["owner"] = true
            participant["roles"] = .object(roles)
            if organizer.firstParameter("JSID") == key { consumed.insert("JSID") }
            for (parameter, member) in [("CN", "name"), ("EMAIL", "email")] {
                guard let values = organizer.parameter(parameter), values.count == 1, let value = values.first else {
                    continue
                }
                if participant[member] == nil { participant[member] = .string(value) }
                if participant[member]?.stringValue == value { consumed.insert(parameter) }
            }
            addEntry("participants", key: key, participant)
        } else {
            let converts = organizer.parameter("CN")?.count == 1 || organizer.parameter("EMAIL")?.count == 1
            let otherOwner = attendeeProperties.contains { $0.parameter("ROLE")?.contains("OWNER") == true }
            if converts || !otherOwner {
                let key = keys.key(for: "participant:" + organizer.value, preferred: organizer.firstParameter("JSID"))
                var participant: JSONObject = [
                    "@type": "Participant", "calendarAddress": .string(organizer.value), "roles": ["owner": true],
                ]
                consumed.insert("JSID")
                for (parameter, member) in [("CN", "name"), ("EMAIL", "email")] {
                    guard let values = organizer.parameter(parameter), values.count == 1, let value = values.first
                    else { continue }
                    participant[member] = .string(value)
                    consumed.insert(parameter)
                }
                addEntry("participants", key: key, participant)
            }
        }
        note("organizerCalendarAddress", organizer, consumed: consumed)
    }

    /// PARTICIPANT → Participant (§2.2.1), merged into the ATTENDEE's when the calendar
    /// address is the same and nothing conflicts.
    mutating func readParticipantComponent(_ child: ICalComponent) {
        var reader = ComponentReader(component: child, resolver: resolver, kind: .participant)
        reader.keys = keys
        let participant = reader.readSubObject()
        keys = reader.keys
        if let address = participant["calendarAddress"]?.stringValue, let key = participantKey(address: address),
            var existing = object["participants"]?.objectValue?[key]?.objectValue,
            child.property("JSID").map({ $0.text == key }) ?? true,
            participant.allSatisfy({ existing[$0.key] == nil || existing[$0.key] == $0.value || $0.key == "@type" })
        {
            for (member, value) in participant { existing[member] = value }
            addEntry("participants", key: key, existing)
            return
        }
        let preferred = child.property("JSID")?.text ?? child.property("UID")?.text
        let key = keys.key(for: "participant:" + ICalWriter.serialize(child), preferred: preferred)
        addEntry("participants", key: key, participant)
    }

    /// VLOCATION → Location (§2.2.4).
    mutating func readLocationComponent(_ child: ICalComponent) {
        var reader = ComponentReader(component: child, resolver: resolver, kind: .location)
        reader.keys = keys
        let location = reader.readSubObject()
        keys = reader.keys
        let preferred = child.property("JSID")?.text ?? child.property("UID")?.text
        let key = keys.key(for: "vlocation:" + ICalWriter.serialize(child), preferred: preferred)
        addEntry("locations", key: key, location)
    }

    /// LOCATION and GEO → Location objects (§2.3.25, §2.3.21); a derived LOCATION naming one of
    /// several VLOCATIONs gives "mainLocationId" (resolved in `resolveMainLocation`).
    mutating func readLocations() {
        let vlocations = component.components.filter { $0.upperName == "VLOCATION" }
        var plainKey: String?
        for property in locationProperties {
            let derived = property.firstParameter("DERIVED")?.uppercased() == "TRUE"
            if derived {
                // Only a LOCATION;DERIVED=TRUE naming a VLOCATION, with no other parameter.
                let names = vlocations.compactMap { $0.property("NAME")?.text }
                if vlocations.count > 1, property.parameters.count == 1,
                    names.filter({ $0 == property.text }).count == 1,
                    object["mainLocationId"] == nil
                {
                    object["mainLocationId"] = .string("\u{0}" + property.text)  // resolved below
                } else {
                    keep(property)
                }
                continue
            }
            let key = keys.key(for: "location:" + property.value, preferred: property.firstParameter("JSID"))
            addEntry("locations", key: key, ["@type": "Location", "name": .string(property.text)])
            // A second LOCATION remembers its property: only one is written back without a note.
            note(
                "locations/\(Self.pathKey(key))", property, consumed: ["JSID"],
                name: plainKey == nil ? nil : "location")
            if plainKey == nil { plainKey = key }
            if vlocations.count > 1, object["mainLocationId"] == nil { object["mainLocationId"] = .string(key) }
        }
        for property in geoProperties {
            guard let coordinates = Self.geoURI(property.value),
                property.parameters.allSatisfy({ ["JSID", "VALUE"].contains($0.name.uppercased()) })
            else {
                keep(property)
                continue
            }
            let jsid = property.firstParameter("JSID")
            let locations = object["locations"]?.objectValue ?? [:]
            let key: String
            if let jsid, locations[jsid] != nil {
                key = jsid
            } else if jsid == nil, let plainKey, locations[plainKey]?.objectValue?["coordinates"] == nil {
                key = plainKey
            } else {
                key = keys.key(for: "geo:" + property.value, preferred: jsid)
            }
            var location = locations[key]?.objectValue ?? ["@type": "Location"]
            guard location["coordinates"] == nil else {
                keep(property)
                continue
            }
            location["coordinates"] = .string(coordinates)
            addEntry("locations", key: key, location)
            note("locations/\(Self.pathKey(key))/coordinates", property, consumed: ["JSID", "VALUE"], name: "geo")
        }
    }

    /// The placeholder "mainLocationId" of a derived LOCATION → the key of the VLOCATION it names.
    mutating func resolveMainLocation() {
        guard let main = object["mainLocationId"]?.stringValue, main.hasPrefix("\u{0}") else { return }
        let name = String(main.dropFirst())
        let key = object["locations"]?.objectValue?.first {
            $0.value.objectValue?["name"]?.stringValue == name
                && $0.value.objectValue?["iCalendar"]?.objectValue?["name"]?.stringValue == "vlocation"
        }?.key
        object["mainLocationId"] = key.map { .string($0) }
        if key == nil, let property = locationProperties.first(where: { $0.text == name }) { keep(property) }
    }

    /// GEO's "lat;lon" → a geo: URI (§2.3.21): a leading plus dropped, no altitude.
    static func geoURI(_ value: String) -> String? {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        var result: [String] = []
        for part in parts {
            let text = part.hasPrefix("+") ? String(part.dropFirst()) : String(part)
            guard !text.isEmpty, Double(text) != nil, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
            else { return nil }
            result.append(text)
        }
        return "geo:" + result.joined(separator: ",")
    }

    /// ATTACH, IMAGE, LINK and URL → Link (§2.3.3, §2.3.22, §2.3.24, §2.3.46). The property name
    /// is noted at "links/<id>/href"; a BINARY value becomes a data: URL.
    mutating func readLink(_ property: ICalProperty) -> Bool {
        let upper = property.upperName
        let type = property.valueType
        var consumed: Set<String> = ["VALUE", "JSID"]
        let href: String
        let binary = type == "BINARY" && (upper == "ATTACH" || upper == "IMAGE")
        if binary {
            guard property.parameter("ENCODING")?.map({ $0.uppercased() }) == ["BASE64"],
                property.parameter("FMTTYPE").map({ $0.count == 1 && !$0[0].contains(";") && !$0[0].contains(",") })
                    ?? true
            else { return false }
            href = "data:" + (property.firstParameter("FMTTYPE") ?? "") + ";base64," + property.value
            consumed.insert("ENCODING")
        } else {
            guard type == "URI", property.parameter("ENCODING") == nil, !property.value.isEmpty else { return false }
            href = property.value
        }
        let key = keys.key(for: upper.lowercased() + ":" + property.value, preferred: property.firstParameter("JSID"))
        var link: JSONObject = ["@type": "Link", "href": .string(href)]
        switch upper {
        case "ATTACH": link["rel"] = "enclosure"
        case "IMAGE": link["rel"] = "icon"
        case "URL": link["rel"] = "describedby"
        default: break
        }
        var mapped: [(String, String)] = []
        switch upper {
        case "ATTACH": mapped = [("FMTTYPE", "contentType"), ("FILENAME", "title")]
        case "IMAGE": mapped = [("FMTTYPE", "contentType"), ("FILENAME", "title")]
        case "LINK": mapped = [("FMTTYPE", "contentType"), ("LABEL", "title"), ("LINKREL", "rel")]
        default: mapped = [("LABEL", "title")]
        }
        for (parameter, member) in mapped {
            guard let values = property.parameter(parameter), values.count == 1, let value = values.first,
                !value.isEmpty
            else { continue }
            link[member] = .string(value)
            consumed.insert(parameter)
        }
        if upper == "ATTACH" || upper == "IMAGE", let size = property.firstParameter("SIZE").flatMap({ Int($0) }),
            size >= 0, property.parameter("SIZE")?.count == 1
        {
            link["size"] = .int(size)
            consumed.insert("SIZE")
        }
        if upper == "IMAGE", let display = property.parameter("DISPLAY"), !display.isEmpty,
            Set(display.map { $0.lowercased() }).count == display.count
        {
            link["display"] = .object(Dictionary(uniqueKeysWithValues: display.map { ($0.lowercased(), true) }))
            consumed.insert("DISPLAY")
        }
        addEntry("links", key: key, link)
        let path = "links/\(Self.pathKey(key))/href"
        note(path, property, consumed: consumed, name: upper == "URL" ? nil : upper.lowercased())
        if binary {
            var entry = converted[path]?.objectValue ?? ["@type": "ICalProperty", "name": .string(upper.lowercased())]
            entry["valueType"] = "binary"
            converted[path] = .object(entry)
        }
        return true
    }

    /// PARTICIPANT → Participant, VLOCATION → Location: the mapped properties (Tables 3 and 7).
    mutating func readSubObject() -> JSONObject {
        object["@type"] = kind == .participant ? "Participant" : "Location"
        var seen = Set<String>()
        let hasStyled = component.property("STYLED-DESCRIPTION") != nil
        for property in component.properties {
            let upper = property.upperName
            let first = seen.insert(upper).inserted
            switch (kind, upper) {
            case (_, "JSID") where first: continue
            case (.participant, "CALENDAR-ADDRESS") where first:
                object["calendarAddress"] = .string(property.value)
                note("calendarAddress", property, consumed: [], name: "calendar-address")
            case (.participant, "SUMMARY") where first:
                object["name"] = .string(property.text)
                note("name", property, consumed: [], name: "summary")
            case (.participant, "DESCRIPTION") where first && !hasStyled:
                object["description"] = .string(property.text)
                note("description", property, consumed: [])
            case (.participant, "STYLED-DESCRIPTION")
            where first && property.valueType == "TEXT" && property.parameter("FMTTYPE")?.count == 1:
                object["description"] = .string(property.text)
                object["descriptionContentType"] = .string(property.firstParameter("FMTTYPE") ?? "text/html")
                note("description", property, consumed: ["FMTTYPE", "VALUE"], name: "styled-description")
            case (.location, "NAME") where first:
                object["name"] = .string(property.text)
                note("name", property, consumed: [])
            case (.location, "COORDINATES")
            where first && property.parameters.allSatisfy({ $0.name.uppercased() == "VALUE" && $0.values == ["URI"] }):
                object["coordinates"] = .string(property.value)
            case (.location, "GEO") where first && Self.geoURI(property.value) != nil && property.parameters.isEmpty:
                object["coordinates"] = .string(Self.geoURI(property.value) ?? "")
                note("coordinates", property, consumed: [], name: "geo")
            case (.location, "LOCATION-TYPE") where property.parameters.isEmpty:
                var types = object["locationTypes"]?.objectValue ?? [:]
                let values = property.textList
                guard !values.contains(where: \.isEmpty), Set(values).count == values.count,
                    values.allSatisfy({ types[$0] == nil })
                else {
                    keep(property)
                    continue
                }
                for value in values { types[value] = true }
                object["locationTypes"] = .object(types)
            case (_, "URL"), (_, "ATTACH"), (_, "IMAGE"), (_, "LINK"):
                if !readLink(property) { keep(property) }
            case (_, "JSPROP") where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default: keep(property)
            }
        }
        return finishedKeepingComponents()
    }

    /// VALARM → Alert (§2.2.2).
    mutating func readAlert(alarmKeys: [String: String] = [:]) -> JSONObject {
        object["@type"] = "Alert"
        // Without ACTION the default "display" is made explicit: the ACTION the writer must add
        // (RFC 5545 §3.6.6) then reads back the same.
        if component.property("ACTION") == nil { object["action"] = "display" }
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
                case "DISPLAY": object["action"] = "display"
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
                    if let related { trigger["relativeTo"] = .string(related.lowercased()) }
                    object["trigger"] = .object(trigger)
                    note("trigger", property, consumed: ["RELATED", "VALUE"])
                } else {
                    keep(property)
                }
            case "ACKNOWLEDGED" where first && Self.utcString(property) != nil:
                object["acknowledged"] = .string(Self.utcString(property) ?? "")
            case "RELATED-TO"
            where property.parameters.allSatisfy({ $0.name.uppercased() == "RELTYPE" && $0.values.count == 1 })
                && alarmKeys[property.text] != nil && object["relatedTo"] == nil:
                // The UID of another VALARM of the same component → that Alert's id (§2.3.35).
                guard let key = alarmKeys[property.text] else { continue }
                var relation = JSONObject()
                if let type = property.firstParameter("RELTYPE") { relation[type.lowercased()] = true }
                object["relatedTo"] = .object([key: .object(["@type": "Relation", "relation": .object(relation)])])
            case "JSPROP" where property.firstParameter("JSPTR") != nil:
                jsprops.append(property)
            default: keep(property)
            }
        }
        return finishedKeepingComponents()
    }
}
