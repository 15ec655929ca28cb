import Foundation
import JSON

/// Converts between iCalendar and JSCalendar per draft-ietf-calext-jscalendar-icalendar-25.
public enum JSCalendarConverter {
    /// The Group for a VCALENDAR (draft §2.1.1).
    public static func jsCalendar(from calendar: ICalendar) -> JSONObject {
        ICalToJSCalendar(calendar).group()
    }

    /// The iCalendar object for a Group, Event or Task (draft §3).
    ///
    /// With `generatingTimeZones`, a VTIMEZONE is added for every IANA zone used and not defined
    /// by the object's kept components (RFC 5545 §3.2.19 requires one; see `VTimeZoneGeneration`).
    /// Off by default so that iCalendar → JSCalendar → iCalendar adds nothing.
    public static func iCalendar(from object: JSONObject, generatingTimeZones: Bool = false) -> ICalendar {
        var calendar = JSCalendarToICal.calendar(from: object)
        if generatingTimeZones, let index = calendar.components.firstIndex(where: { $0.upperName == "VCALENDAR" }) {
            calendar.components[index] = VTimeZoneGeneration.addingMissingTimeZones(to: calendar.components[index])
        }
        return calendar
    }
}
