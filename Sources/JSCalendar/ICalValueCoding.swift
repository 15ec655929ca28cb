import ContentLine
import Foundation

/// The iCalendar-specific knowledge of values: TEXT unescaping leniency and default value types.
/// The escaping both formats share is `TextValue` in ContentLine.
public enum ICalValueCoding {
    /// Undoes TEXT escaping (RFC 5545 §3.3.11): `\n`/`\N`, `\,`, `\;`, `\\`. Sloppy producers
    /// escape `:` and `"` too; those lose the backslash, any other one is kept.
    public static func unescape(_ text: String) -> String {
        TextValue.unescape(text, lenient: ":\"")
    }

    /// Default value types (RFC 5545 §3.8, RFC 7986 §5, RFC 9073, RFC 9253), for jCal and the
    /// expander; unknown properties are TEXT-like "unknown" (RFC 7265 §5).
    static let defaultTypes: [String: String] = [
        "CALSCALE": "TEXT", "METHOD": "TEXT", "PRODID": "TEXT", "VERSION": "TEXT", "ATTACH": "URI",
        "CATEGORIES": "TEXT", "CLASS": "TEXT", "COMMENT": "TEXT", "DESCRIPTION": "TEXT", "GEO": "FLOAT",
        "LOCATION": "TEXT", "PERCENT-COMPLETE": "INTEGER", "PRIORITY": "INTEGER", "RESOURCES": "TEXT",
        "STATUS": "TEXT", "SUMMARY": "TEXT", "COMPLETED": "DATE-TIME", "DTEND": "DATE-TIME", "DUE": "DATE-TIME",
        "DTSTART": "DATE-TIME", "DURATION": "DURATION", "FREEBUSY": "PERIOD", "TRANSP": "TEXT", "TZID": "TEXT",
        "TZNAME": "TEXT", "TZOFFSETFROM": "UTC-OFFSET", "TZOFFSETTO": "UTC-OFFSET", "TZURL": "URI",
        "ATTENDEE": "CAL-ADDRESS", "CONTACT": "TEXT", "ORGANIZER": "CAL-ADDRESS", "RECURRENCE-ID": "DATE-TIME",
        "RELATED-TO": "TEXT", "URL": "URI", "UID": "TEXT", "EXDATE": "DATE-TIME", "RDATE": "DATE-TIME",
        "RRULE": "RECUR", "EXRULE": "RECUR", "ACTION": "TEXT", "REPEAT": "INTEGER", "TRIGGER": "DURATION",
        "CREATED": "DATE-TIME", "DTSTAMP": "DATE-TIME", "LAST-MODIFIED": "DATE-TIME", "SEQUENCE": "INTEGER",
        "REQUEST-STATUS": "TEXT", "NAME": "TEXT", "REFRESH-INTERVAL": "DURATION", "SOURCE": "URI", "COLOR": "TEXT",
        "IMAGE": "URI", "CONFERENCE": "URI", "ACKNOWLEDGED": "DATE-TIME", "STYLED-DESCRIPTION": "TEXT",
        "LOCATION-TYPE": "TEXT", "CALENDAR-ADDRESS": "CAL-ADDRESS", "PARTICIPANT-TYPE": "TEXT", "LINK": "URI",
        "CONCEPT": "URI", "REFID": "TEXT", "STRUCTURED-DATA": "TEXT", "BUSYTYPE": "TEXT", "TZUNTIL": "DATE-TIME",
        "TZID-ALIAS-OF": "TEXT", "RESOURCE-TYPE": "TEXT", "SHOW-WITHOUT-TIME": "BOOLEAN", "JSID": "TEXT",
        "JSPROP": "TEXT", "ESTIMATED-DURATION": "DURATION", "COORDINATES": "URI", "PROXIMITY": "TEXT",
    ]

    static func defaultValueType(_ upperName: String) -> String {
        defaultTypes[upperName] ?? "UNKNOWN"
    }
}
