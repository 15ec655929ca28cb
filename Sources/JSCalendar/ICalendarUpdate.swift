import Foundation
import JSON

extension JSCalendarConverter {
    /// The iCalendar object to store after a JMAP client changed an event: `stored` with only
    /// what the patch changed rewritten.
    ///
    /// `stored` is converted again; the entry with the same uid is compared top-level property by
    /// top-level property with `newEvent`. Each stored content line belongs to the JSCalendar
    /// properties it converts to (SUMMARY → title, VALARM → alerts, …). Lines of unchanged
    /// properties keep their bytes and positions; lines of changed properties are replaced, at
    /// the place of the first of them, by the lines the writer generates for the new value.
    /// Overrides (RECURRENCE-ID components) are compared as whole components. An unchanged event
    /// gives a result equal to `stored`, so it serializes to the same bytes.
    public static func updatedICalendar(stored: ICalendar, newEvent: JSONObject) -> ICalendar {
        let old = jsCalendar(from: stored)
        let uid = newEvent["uid"]?.stringValue
        let entries = old["entries"]?.arrayValue?.compactMap(\.objectValue) ?? []
        guard
            let oldEvent = entries.first(where: { $0["uid"]?.stringValue == uid })
                ?? (entries.count == 1 ? entries.first : nil)
        else { return stored }
        if oldEvent == newEvent { return stored }
        let generated = JSCalendarToICal.components(for: newEvent)
        guard let newMain = generated.first else { return stored }
        let newOverrides = Array(generated.dropFirst())
        let changedKeys = Set(oldEvent.keys).union(newEvent.keys).filter { oldEvent[$0] != newEvent[$0] }

        var result = stored
        guard let rootIndex = result.components.firstIndex(where: { $0.upperName == "VCALENDAR" }) else {
            return stored
        }
        var root = result.components[rootIndex]
        var children: [ICalComponent] = []
        var mainDone = false
        for child in root.components {
            let isEntry = (child.upperName == "VEVENT" || child.upperName == "VTODO") && child.uid == uid
            guard isEntry else {
                children.append(child)
                continue
            }
            if child.property("RECURRENCE-ID") == nil {
                children.append(updated(child, newMain, changedKeys: changedKeys))
                mainDone = true
                continue
            }
            // An override: keep it when its regenerated form is unchanged, else replace it.
            let id = child.property("RECURRENCE-ID").flatMap(ICalDateTime.parse)?.local
            if let replacement = newOverrides.first(where: {
                $0.property("RECURRENCE-ID").flatMap(ICalDateTime.parse)?.local == id
            }) {
                let oldPatch = overridePatch(oldEvent, id)?.objectValue ?? [:]
                let newPatch = overridePatch(newEvent, id)?.objectValue ?? [:]
                var changed = changedKeys.subtracting(["recurrenceOverrides", "recurrenceRule", "recurrenceRules"])
                for key in Set(oldPatch.keys).union(newPatch.keys) where oldPatch[key] != newPatch[key] {
                    changed.insert(String(key.split(separator: "/").first ?? Substring(key)))
                }
                children.append(updated(child, replacement, changedKeys: changed))
            }
        }
        if !mainDone { children.append(newMain) }
        // New overrides.
        let storedIds = Set(
            root.components.compactMap {
                $0.uid == uid ? $0.property("RECURRENCE-ID").flatMap(ICalDateTime.parse)?.local : nil
            })
        for override in newOverrides {
            if let id = override.property("RECURRENCE-ID").flatMap(ICalDateTime.parse)?.local, !storedIds.contains(id) {
                children.append(override)
            }
        }
        root.components = children
        // A zone the client chose that the stored object does not define (RFC 5545 §3.2.19).
        result.components[rootIndex] = VTimeZoneGeneration.addingMissingTimeZones(
            to: root, leaving: VTimeZoneGeneration.referencedTZIDs(stored.components[rootIndex]))
        return result
    }

    static func overridePatch(_ event: JSONObject, _ id: LocalDateTime?) -> JSONValue? {
        guard let id else { return nil }
        return event["recurrenceOverrides"]?.objectValue?[id.jsonString]
    }

    /// The JSCalendar properties a content line converts to (draft §2.3), for the update path.
    static func unitKeys(of name: String) -> Set<String> {
        switch name {
        case "SUMMARY": return ["title"]
        case "DESCRIPTION", "STYLED-DESCRIPTION": return ["description", "descriptionContentType"]
        case "DTSTART", "SHOW-WITHOUT-TIME": return ["start", "timeZone", "showWithoutTime"]
        case "DTEND", "DURATION": return ["duration", "start", "timeZone", "showWithoutTime", "estimatedDuration"]
        case "DUE": return ["due", "timeZone"]
        case "RRULE": return ["recurrenceRule", "recurrenceRules", "timeZone"]
        case "RDATE", "EXDATE": return ["recurrenceOverrides", "timeZone", "start"]
        case "RECURRENCE-ID": return ["recurrenceId", "recurrenceIdTimeZone"]
        case "SEQUENCE": return ["sequence"]
        case "PRIORITY": return ["priority"]
        case "CLASS": return ["privacy"]
        case "TRANSP": return ["freeBusyStatus"]
        case "STATUS": return ["status", "progress"]
        case "PERCENT-COMPLETE": return ["percentComplete"]
        case "CREATED": return ["created"]
        case "DTSTAMP": return ["updated"]
        case "COLOR": return ["color"]
        case "CATEGORIES": return ["keywords"]
        case "URL", "ATTACH": return ["links"]
        case "LOCATION": return ["locations"]
        case "CONFERENCE": return ["virtualLocations"]
        case "ORGANIZER", "ATTENDEE": return ["participants", "organizerCalendarAddress"]
        case "RELATED-TO": return ["relatedTo"]
        case "UID": return ["uid"]
        default: return ["iCalendar"]
        }
    }

    static func updated(_ stored: ICalComponent, _ generated: ICalComponent, changedKeys: Set<String>) -> ICalComponent
    {
        var result = stored
        var properties: [ICalProperty] = []
        var inserted = Set<String>()
        func regenerate(_ name: String) -> [ICalProperty] {
            let keys = unitKeys(of: name)
            let group = generated.properties.filter {
                unitKeys(of: $0.upperName) == keys && !inserted.contains($0.upperName)
            }
            for property in group { inserted.insert(property.upperName) }
            return group
        }
        var replacedNames = Set<String>()
        for property in stored.properties {
            let upper = property.upperName
            let keys = unitKeys(of: upper)
            if keys.isDisjoint(with: changedKeys) || upper == "UID" {
                properties.append(property)
                continue
            }
            replacedNames.insert(upper)
            properties += regenerate(upper)
        }
        // Properties the new event has and the stored component had none of.
        for property in generated.properties where !inserted.contains(property.upperName) {
            let keys = unitKeys(of: property.upperName)
            if !keys.isDisjoint(with: changedKeys), !replacedNames.contains(property.upperName),
                !stored.properties.contains(where: { $0.upperName == property.upperName }), keys != ["iCalendar"]
            {
                properties.append(property)
            }
        }
        result.properties = properties
        if changedKeys.contains("alerts") || changedKeys.contains("iCalendar") {
            let others = stored.components.filter { $0.upperName != "VALARM" }
            result.components =
                generated.components.filter { $0.upperName == "VALARM" }
                + (changedKeys.contains("iCalendar")
                    ? generated.components.filter { $0.upperName != "VALARM" } : others)
        }
        return result
    }
}
