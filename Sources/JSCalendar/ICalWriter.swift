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
        var line = property.name
        for parameter in property.parameters {
            line += ";" + parameter.name
            if parameter.values.isEmpty { continue }
            line += "=" + parameter.values.map(formatParameterValue).joined(separator: ",")
        }
        line += ":"
        // A raw line break would end the content line.
        line +=
            property.value.contains(where: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
            ? property.value.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
                .replacingOccurrences(of: "\r", with: "\\n")
            : property.value
        return fold(line)
    }

    /// Quotes a parameter value containing `:`, `;` or `,` (RFC 5545 §3.2) and caret-encodes
    /// what a quoted string cannot hold (RFC 6868).
    static func formatParameterValue(_ value: String) -> String {
        let encoded = ICalValueCoding.encodeCaret(value)
        let needsQuotes = encoded.contains { $0 == ":" || $0 == ";" || $0 == "," } || encoded.isEmpty
        return needsQuotes ? "\"" + encoded + "\"" : encoded
    }

    /// At most 75 octets per physical line, continuation lines start with one space, splits only
    /// between Unicode scalars (RFC 5545 §3.1).
    public static func fold(_ line: String) -> String {
        if line.utf8.count <= maxLineOctets { return line }
        var result = ""
        var lineOctets = 0
        for scalar in line.unicodeScalars {
            let octets = UTF8.width(scalar)
            if lineOctets + octets > maxLineOctets {
                result += "\r\n "
                lineOctets = 1
            }
            result.unicodeScalars.append(scalar)
            lineOctets += octets
        }
        return result
    }
}
