import Foundation
import JSON

/// The properties of a Calendar that draft-ietf-jmap-calendars-27 §4.3 stores per user and CalDAV has no
/// place for (isVisible, includeInAvailability, the default alerts), plus the color, sortOrder and
/// timeZone of a calendar whose server refused to keep them (Apple's calendar-color and calendar-order,
/// RFC 4791's calendar-timezone). Kept in the cache as one JSON object (`CollectionSettings.userProperties`)
/// that only the calendar code reads; what equals its default is left out, so an untouched calendar stores
/// nothing.
struct CalendarUserProperties: Sendable, Hashable {
    var isVisible = true
    /// "all", "attending" or "none" (§4); "all" for the user's own calendars.
    var includeInAvailability = "all"
    var defaultAlertsWithTime: JSONObject?
    var defaultAlertsWithoutTime: JSONObject?
    /// The user's own color, sortOrder and timeZone, each only while the server refuses to keep it: it then
    /// wins over whatever the server reports (§4.3: a user's own copy is not overwritten by the owner's).
    var color: String?
    var sortOrder: Int?
    var timeZone: String?

    init() {}

    /// Reads what `data` holds; members that are missing or of the wrong type keep their defaults, so a
    /// damaged row costs the user a setting, never a failing /get.
    init(_ data: Data?) {
        guard let data, let object = try? JSONCoding.decode(JSONObject.self, from: data) else { return }
        isVisible = object["isVisible"]?.boolValue ?? true
        includeInAvailability = object["includeInAvailability"]?.stringValue ?? "all"
        defaultAlertsWithTime = object["defaultAlertsWithTime"]?.objectValue
        defaultAlertsWithoutTime = object["defaultAlertsWithoutTime"]?.objectValue
        color = object["color"]?.stringValue
        sortOrder = object["sortOrder"]?.intValue
        timeZone = object["timeZone"]?.stringValue
    }

    /// The JSON to store; nil when every property has its default.
    var data: Data? {
        var object: JSONObject = [:]
        if !isVisible { object["isVisible"] = false }
        if includeInAvailability != "all" { object["includeInAvailability"] = .string(includeInAvailability) }
        if let defaultAlertsWithTime { object["defaultAlertsWithTime"] = .object(defaultAlertsWithTime) }
        if let defaultAlertsWithoutTime { object["defaultAlertsWithoutTime"] = .object(defaultAlertsWithoutTime) }
        if let color { object["color"] = .string(color) }
        if let sortOrder { object["sortOrder"] = .int(sortOrder) }
        if let timeZone { object["timeZone"] = .string(timeZone) }
        guard !object.isEmpty else { return nil }
        return try? JSONCoding.encode(object)
    }

    /// Every default alert id in use (§4: they are unique across the account's calendars).
    var alertIds: Set<String> {
        Set((defaultAlertsWithTime ?? [:]).keys).union((defaultAlertsWithoutTime ?? [:]).keys)
    }
}
