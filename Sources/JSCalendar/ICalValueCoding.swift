import Foundation

/// Escaping, splitting and value-type knowledge of iCalendar values.
public enum ICalValueCoding {
    /// Undoes TEXT escaping (RFC 5545 §3.3.11): `\n`/`\N`, `\,`, `\;`, `\\`. Any other backslash
    /// (and `\:` from sloppy producers: becomes `:`) is tolerated rather than rejected.
    public static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let next = iterator.next() else {
                result.unicodeScalars.append(scalar)
                break
            }
            switch next {
            case "n", "N": result.append("\n")
            case ",", ";", "\\", ":", "\"": result.unicodeScalars.append(next)
            default:
                result.unicodeScalars.append(scalar)
                result.unicodeScalars.append(next)
            }
        }
        return result
    }

    /// Escapes TEXT (RFC 5545 §3.3.11); every kind of line break becomes `\n`.
    public static func escape(_ text: String) -> String {
        var result = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\": result.append("\\\\")
            case "\r": result.append("\\n")
            case "\n": if !previousCR { result.append("\\n") }
            case ",": result.append("\\,")
            case ";": result.append("\\;")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Splits at every unescaped `separator`, keeping escapes in the pieces.
    public static func split(_ text: String, at separator: Unicode.Scalar) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                current.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                current.append(scalar)
                escaped = true
            } else if scalar == separator {
                parts.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        parts.append(String(current))
        return parts
    }

    /// RFC 6868 caret decoding of parameter values: `^n`, `^^`, `^'`.
    static func decodeCaret(_ text: String) -> String {
        guard text.contains("^") else { return text }
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "^" else {
                result.append(character)
                continue
            }
            guard let next = iterator.next() else {
                result.append(character)
                break
            }
            switch next {
            case "n": result.append("\n")
            case "^": result.append("^")
            case "'": result.append("\"")
            default:
                result.append(character)
                result.append(next)
            }
        }
        return result
    }

    /// RFC 6868 caret encoding.
    static func encodeCaret(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "^": result += "^^"
            case "\"": result += "^'"
            case "\n", "\r\n", "\r": result += "^n"
            default: result.append(character)
            }
        }
        return result
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
