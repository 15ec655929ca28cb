import JMAPCore
import JSCalendar
import JSON

/// A Calendar's `defaultAlertsWithTime` and `defaultAlertsWithoutTime` (draft-ietf-jmap-calendars-27 §4):
/// null, or a map of alert ids to Alert objects (jscalendarbis-17 §3.5.1) whose trigger is never an
/// AbsoluteTrigger, which "would fire for every event at the same time". They are stored per user, never
/// on the DAV server, so nothing else would catch a bad one before a client reads it back.
enum CalendarDefaultAlerts {
    /// What is wrong in `value`, as paths below `property` (`defaultAlertsWithTime/a1/trigger`); empty
    /// when it is null or a valid map.
    static func errors(_ value: JSONValue, property: String) -> [String] {
        if value.isNull { return [] }
        guard let alerts = value.objectValue else { return [property] }
        var errors: [String] = []
        for (id, alert) in alerts {
            let path = "\(property)/\(id)"
            guard Id.isValid(id), let alert = alert.objectValue else {
                errors.append(path)
                continue
            }
            errors += self.errors(alert).map { "\(path)/\($0)" }
        }
        return errors.sorted()
    }

    /// The invalid members of one Alert.
    private static func errors(_ alert: JSONObject) -> [String] {
        var errors: [String] = []
        if let type = alert["@type"], type != "Alert" { errors.append("@type") }
        if let trigger = alert["trigger"]?.objectValue {
            if !isValidTrigger(trigger) { errors.append("trigger") }
        } else {
            errors.append("trigger")
        }
        if let action = alert["action"], action.stringValue == nil { errors.append("action") }
        if let acknowledged = alert["acknowledged"],
            acknowledged.stringValue.flatMap(LocalDateTime.parseJSON)?.utc != true
        {
            errors.append("acknowledged")
        }
        if let relatedTo = alert["relatedTo"], relatedTo.objectValue == nil { errors.append("relatedTo") }
        return errors
    }

    /// An OffsetTrigger (the default type) needs a SignedDuration `offset` and a `relativeTo` of "start" or
    /// "end" if any; an AbsoluteTrigger is refused; an UnknownTrigger (any other `@type`) is kept as it is,
    /// as jscalendarbis-17 §3.5.1 asks.
    private static func isValidTrigger(_ trigger: JSONObject) -> Bool {
        switch trigger["@type"] {
        case nil, "OffsetTrigger":
            guard trigger["offset"]?.stringValue.flatMap(ICalDuration.parse) != nil else { return false }
            if let relativeTo = trigger["relativeTo"] { return relativeTo == "start" || relativeTo == "end" }
            return true
        case "AbsoluteTrigger": return false
        case .some(let type): return type.stringValue != nil
        }
    }
}
