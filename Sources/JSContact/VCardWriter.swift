import ContentLine
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
        let line = ContentLine(
            group: property.group, name: property.name,
            parameters: property.parameters, value: property.value)
        let format = { (value: String) in formatParameterValue(value, version: version) }
        if version == .v2_1, property.firstParameter("ENCODING")?.uppercased() == "QUOTED-PRINTABLE" {
            return foldQuotedPrintable(prefix: line.header(formatParameterValue: format), value: property.value)
        }
        var folded = line.serialized(formatParameterValue: format)
        if version == .v2_1, property.isInlineBinary {
            // vCard 2.1 §2.1.3: base64 data ends with an empty line.
            folded += "\r\n"
        }
        return folded
    }

    /// RFC 6868 caret encoding and quoting (RFC 6350 §3.3 param-value); vCard 2.1 knows neither
    /// carets nor escaped quotes, so there a double quote becomes a single one.
    static func formatParameterValue(_ value: String, version: VCardVersion) -> String {
        version == .v2_1
            ? ParameterValue.quotedIfNeeded(value.replacingOccurrences(of: "\"", with: "'"))
            : ParameterValue.format(value)
    }

    /// Folds a logical line: at most 75 octets per physical line, continuation lines starting
    /// with one space, splits only between Unicode scalars.
    public static func fold(_ line: String) -> String {
        ContentLine.fold(line, maxLineOctets: maxLineOctets)
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
