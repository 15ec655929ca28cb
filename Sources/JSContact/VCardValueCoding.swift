import ContentLine
import Foundation

/// Escaping, splitting and transfer encodings of vCard values and parameters. The syntax vCard
/// shares with iCalendar lives in ContentLine (`TextValue`, `ParameterValue`); what stays here
/// is vCard's: structured values, URI leniency, and the vCard 2.1 transfer encodings.
public enum VCardValueCoding {
    /// Undoes TEXT escaping (RFC 6350 §3.4, RFC 2426 §4): `\n`/`\N`, `\,`, `\;`, `\\`.
    /// `\:` (seen in Apple exports) becomes `:`; any other backslash is kept as written,
    /// because vCard 2.1 data often contains literal backslashes.
    public static func unescape(_ text: String) -> String {
        TextValue.unescape(text)
    }

    /// Undoes only the escapes that can appear in URI values written by careless producers
    /// (`\:`, `\,`, `\;`, `\\`); `\n` stays, a URI cannot hold a line break.
    public static func unescapeURI(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\", let next = iterator.next() else {
                result.unicodeScalars.append(scalar)
                continue
            }
            if next == ":" || next == "," || next == ";" || next == "\\" {
                result.unicodeScalars.append(next)
            } else {
                result.unicodeScalars.append(scalar)
                result.unicodeScalars.append(next)
            }
        }
        return result
    }

    /// Escapes TEXT for a property value. Line breaks of any kind become `\n`.
    public static func escape(_ text: String, semicolons: Bool = true, commas: Bool = true) -> String {
        TextValue.escape(text, semicolons: semicolons, commas: commas)
    }

    /// Splits at every unescaped `separator`, keeping escapes in the pieces.
    public static func split(_ text: String, at separator: Unicode.Scalar) -> [String] {
        TextValue.split(text, at: separator)
    }

    /// A structured value (N, ADR, GENDER, CLIENTPIDMAP): components at `;`, list items at `,`,
    /// each item unescaped. An empty component is an empty list.
    public static func splitStructured(_ text: String) -> [[String]] {
        split(text, at: ";").map { component in
            component.isEmpty ? [] : split(component, at: ",").map(unescape)
        }
    }

    /// Builds a structured value from components of list items.
    public static func joinStructured(_ components: [[String]]) -> String {
        components.map { $0.map { escape($0) }.joined(separator: ",") }.joined(separator: ";")
    }

    // MARK: - RFC 6868 parameter value encoding

    /// Undoes RFC 6868 caret encoding (see `ParameterValue.decodeCaret`).
    public static func decodeCaret(_ value: String) -> String {
        ParameterValue.decodeCaret(value)
    }

    /// RFC 6868 encoding for a parameter value (see `ParameterValue.encodeCaret`).
    public static func encodeCaret(_ value: String) -> String {
        ParameterValue.encodeCaret(value)
    }

    // MARK: - vCard 2.1 transfer encodings

    /// Decodes QUOTED-PRINTABLE (RFC 2045 §6.7) and then the bytes in `charset` (UTF-8 when
    /// missing or unknown, Latin-1 when the bytes are not valid UTF-8). Malformed `=` sequences
    /// are kept literally: real exports contain them.
    public static func decodeQuotedPrintable(_ text: String, charset: String?) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "="), index + 2 < input.count, let high = hex(input[index + 1]),
                let low = hex(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return decodeBytes(bytes, charset: charset)
    }

    /// Bytes to text in the named charset, falling back to UTF-8 and then Latin-1 so that no input
    /// fails to decode.
    static func decodeBytes(_ bytes: [UInt8], charset: String?) -> String {
        let data = Data(bytes)
        if let charset = charset?.lowercased() {
            let encoding: String.Encoding? =
                switch charset {
                case "utf-8", "utf8": .utf8
                case "iso-8859-1", "latin1", "iso8859-1": .isoLatin1
                case "windows-1252", "cp1252": .windowsCP1252
                case "us-ascii", "ascii": .ascii
                case "utf-16": .utf16
                case "iso-8859-2": .isoLatin2
                default: nil
                }
            if let encoding, let text = String(data: data, encoding: encoding) { return text }
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        return String(data: data, encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes text as QUOTED-PRINTABLE UTF-8 for vCard 2.1 output. Lines are not soft-broken:
    /// the writer folds the content line itself.
    public static func encodeQuotedPrintable(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=") || byte == UInt8(ascii: " ") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += String(format: "=%02X", byte)
            }
        }
        return result
    }

    /// Base64 decoding that tolerates whitespace and missing padding, as found in folded exports.
    public static func decodeBase64(_ text: String) -> Data? {
        var cleaned = text.filter { !$0.isWhitespace }
        let remainder = cleaned.count % 4
        if remainder == 2 { cleaned += "==" } else if remainder == 3 { cleaned += "=" }
        return Data(base64Encoded: cleaned)
    }
}
