import Foundation
import JSON

/// Converts between iCalendar and JSCalendar per draft-ietf-calext-jscalendar-icalendar-25.
public enum JSCalendarConverter {
    /// The Group for a VCALENDAR (draft §2.1.1).
    public static func jsCalendar(from calendar: ICalendar) -> JSONObject {
        ICalToJSCalendar(calendar).group()
    }

    /// The iCalendar object for a Group, Event or Task (draft §3).
    public static func iCalendar(from object: JSONObject) -> ICalendar {
        JSCalendarToICal.calendar(from: object)
    }
}
