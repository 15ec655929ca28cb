import Foundation

/// Writes vCards: CRLF line ends, lines folded at 75 octets (RFC 6350 §3.2) without ever
/// splitting a UTF-8 sequence. Unchanged parsed properties are written exactly as they were read.
public enum VCardWriter {
    public static let maxLineOctets = 75

    /// One vCard, `BEGIN:VCARD` to `END:VCARD`, each line ending in CRLF.
    public static func serialize(_ card: VCard) -> String {
        var output = "BEGIN:VCARD\r\n"
        let version = card.version
        for property in card.properties {
            output += serialize(property, version: version)
            output += "\r\n"
        }
        output += "END:VCARD\r\n"
        return output
    }

    /// Several vCards, one after the other.
    public static func serialize(_ cards: [VCard]) -> String {
        cards.map { serialize($0) }.joined()
    }

    /// One content line, folded, without the final CRLF.
    public static func serialize(_ property: VCardProperty, version: VCardVersion = .v4_0) -> String {
        if let source = property.source { return source }
        var line = ""
        if let group = property.group, !group.isEmpty { line += group + "." }
        line += property.name
        for parameter in property.parameters {
            line += ";" + parameter.name
            if parameter.values.isEmpty { continue }
            line += "=" + parameter.values.map { formatParameterValue($0, version: version) }.joined(separator: ",")
        }
        line += ":"
        if version == .v2_1, property.firstParameter("ENCODING")?.uppercased() == "QUOTED-PRINTABLE" {
            return foldQuotedPrintable(prefix: line, value: property.value)
        }
        // A raw line break would end the content line: write it as the TEXT escape instead.
        line +=
            property.value.contains(where: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
            ? property.value.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
                .replacingOccurrences(of: "\r", with: "\\n")
            : property.value
        var folded = fold(line)
        if version == .v2_1, property.isInlineBinary {
            // vCard 2.1 §2.1.3: base64 data ends with an empty line.
            folded += "\r\n"
        }
        return folded
    }

    /// Quotes a parameter value when it contains a delimiter (RFC 6350 §3.3 param-value) and
    /// applies RFC 6868 caret encoding for characters a quoted string cannot hold.
    static func formatParameterValue(_ value: String, version: VCardVersion) -> String {
        let encoded =
            version == .v2_1 ? value.replacingOccurrences(of: "\"", with: "'") : VCardValueCoding.encodeCaret(value)
        let needsQuotes = encoded.contains { $0 == ":" || $0 == ";" || $0 == "," } || encoded.isEmpty
        return needsQuotes ? "\"" + encoded + "\"" : encoded
    }

    /// Folds a logical line: at most 75 octets per physical line, continuation lines starting
    /// with one space, splits only between Unicode scalars.
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

    /// vCard 2.1 quoted-printable values fold with soft line breaks (`=` at the end of a line),
    /// never inside an `=XX` escape.
    static func foldQuotedPrintable(prefix: String, value: String) -> String {
        var result = prefix
        var lineOctets = prefix.utf8.count
        let scalars = Array(value.unicodeScalars)
        var index = 0
        while index < scalars.count {
            var token: String
            if scalars[index] == "=", index + 2 < scalars.count {
                token = String(String.UnicodeScalarView(scalars[index...(index + 2)]))
                index += 3
            } else {
                token = String(scalars[index])
                index += 1
            }
            if lineOctets + token.utf8.count > maxLineOctets - 1 {
                result += "=\r\n"
                lineOctets = 0
            }
            // A line starting with white space would read as folded: encode it.
            if lineOctets == 0, token == " " || token == "\t" { token = token == " " ? "=20" : "=09" }
            result += token
            lineOctets += token.utf8.count
        }
        return result
    }
}
