import Foundation
import JSON

/// Checks client-supplied Events and Tasks against the types jscalendarbis §1.5 and §3–§5
/// define. Returns the JSON pointers (without the leading "/") of invalid properties; empty
/// means valid. Unknown vendor properties are allowed (§3.3 of RFC 8984: they must be kept).
public enum JSCalendarValidation {
    public static func validate(_ object: JSONObject) -> [String] {
        var errors: [String] = []
        func check(_ key: String, _ valid: (JSONValue) -> Bool) {
            if let value = object[key], !valid(value) { errors.append(key) }
        }
        let type = object["@type"]?.stringValue
        if type != "Event" && type != "Task" && type != "Group" { errors.append("@type") }
        check("uid") { ($0.stringValue?.isEmpty == false) }
        for key in ["title", "description", "descriptionContentType", "color", "method", "prodId", "locale"] {
            check(key) { $0.stringValue != nil }
        }
        for key in ["start", "due", "recurrenceId"] { check(key) { $0.stringValue.flatMap(isLocalDateTime) ?? false } }
        for key in ["created", "updated"] { check(key) { $0.stringValue.flatMap(isUTCDateTime) ?? false } }
        for key in ["timeZone", "recurrenceIdTimeZone"] {
            check(key) { $0.isNull || $0.stringValue.map { TimeZoneResolver.knownIANA($0) != nil } == true }
        }
        for key in ["duration", "estimatedDuration"] {
            check(key) { $0.stringValue.flatMap(ICalDuration.parse).map { !$0.negative } ?? false }
        }
        check("showWithoutTime") { $0.boolValue != nil }
        check("sequence") { ($0.intValue ?? -1) >= 0 }
        check("priority") { (0...9).contains($0.intValue ?? -1) }
        check("percentComplete") { (0...100).contains($0.intValue ?? -1) }
        check("privacy") { $0.stringValue != nil }
        check("freeBusyStatus") { $0.stringValue != nil }
        check("status") { $0.stringValue != nil }
        check("keywords") { $0.objectValue?.values.allSatisfy { $0 == .bool(true) } ?? false }
        check("recurrenceRule") { value in
            guard let rule = value.objectValue, let frequency = rule["frequency"]?.stringValue else { return false }
            return RecurrenceRule.Frequency(rawValue: frequency.uppercased()) != nil
        }
        if let overrides = object["recurrenceOverrides"] {
            if let map = overrides.objectValue {
                for (key, value) in map where !isLocalDateTime(key) || value.objectValue == nil {
                    errors.append("recurrenceOverrides/" + key)
                }
            } else {
                errors.append("recurrenceOverrides")
            }
        }
        for map in ["alerts", "participants", "locations", "virtualLocations", "links", "relatedTo"] {
            guard let value = object[map] else { continue }
            guard let entries = value.objectValue else {
                errors.append(map)
                continue
            }
            for (key, entry) in entries {
                guard let item = entry.objectValue, !key.isEmpty else {
                    errors.append(map + "/" + key)
                    continue
                }
                switch map {
                case "alerts":
                    if let trigger = item["trigger"] {
                        let object = trigger.objectValue ?? [:]
                        let valid =
                            object["offset"]?.stringValue.flatMap(ICalDuration.parse) != nil
                            || object["when"]?.stringValue.flatMap(isUTCDateTime) == true
                            || (object["@type"]?.stringValue.map { $0 != "OffsetTrigger" && $0 != "AbsoluteTrigger" }
                                ?? false)
                        if !valid { errors.append("alerts/\(key)/trigger") }
                    } else {
                        errors.append("alerts/\(key)/trigger")
                    }
                case "links":
                    if item["href"]?.stringValue == nil { errors.append("links/\(key)/href") }
                case "virtualLocations":
                    if item["uri"]?.stringValue == nil { errors.append("virtualLocations/\(key)/uri") }
                case "participants":
                    if let roles = item["roles"], roles.objectValue?.values.allSatisfy({ $0 == .bool(true) }) != true {
                        errors.append("participants/\(key)/roles")
                    }
                    if let expect = item["expectReply"], expect.boolValue == nil {
                        errors.append("participants/\(key)/expectReply")
                    }
                default: break
                }
            }
        }
        return errors.sorted()
    }

    static func isLocalDateTime(_ text: String) -> Bool {
        guard let parsed = LocalDateTime.parseJSON(text) else { return false }
        return !parsed.utc
    }

    static func isUTCDateTime(_ text: String) -> Bool {
        LocalDateTime.parseJSON(text)?.utc == true
    }
}
