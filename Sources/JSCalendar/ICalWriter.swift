import ContentLine
import Foundation

/// Writes iCalendar: CRLF line ends, lines folded at 75 octets (RFC 5545 §3.1) without splitting
/// a UTF-8 sequence. Unchanged parsed properties are written exactly as they were read.
public enum ICalWriter {
    public static let maxLineOctets = 75

    public static func serialize(_ calendar: ICalendar) -> String {
        var output = ""
        for component in calendar.components { write(component, into: &output) }
        return output
    }

    public static func serialize(_ component: ICalComponent) -> String {
        var output = ""
        write(component, into: &output)
        return output
    }

    static func write(_ component: ICalComponent, into output: inout String) {
        output += "BEGIN:" + component.name + "\r\n"
        for property in component.properties {
            output += serialize(property)
            output += "\r\n"
        }
        for child in component.components { write(child, into: &output) }
        output += "END:" + component.name + "\r\n"
    }

    /// One content line, folded, without the final CRLF.
    public static func serialize(_ property: ICalProperty) -> String {
        if let source = property.source { return source }
        return ContentLine(name: property.name, parameters: property.parameters, value: property.value).serialized()
    }

    /// At most 75 octets per physical line, continuation lines start with one space, splits only
    /// between Unicode scalars (RFC 5545 §3.1).
    public static func fold(_ line: String) -> String {
        ContentLine.fold(line, maxLineOctets: maxLineOctets)
    }
}
