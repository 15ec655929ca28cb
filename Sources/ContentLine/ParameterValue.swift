/// Parameter value syntax shared by iCalendar and vCard: RFC 6868 caret encoding and the
/// quoting rule of RFC 5545 §3.2 / RFC 6350 §3.3 (`param-value = *SAFE-CHAR / DQUOTE
/// *QSAFE-CHAR DQUOTE`).
public enum ParameterValue {
    /// Undoes RFC 6868 caret encoding: `^n` newline, `^'` double quote, `^^` caret. A caret
    /// followed by anything else stays as written (RFC 6868 §3.2); `^N` is read as `^n` because
    /// producers upper-case whole lines.
    public static func decodeCaret(_ value: String) -> String {
        guard value.contains("^") else { return value }
        var result = ""
        var iterator = value.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            guard scalar == "^" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let next = iterator.next() else {
                result.append("^")
                break
            }
            switch next {
            case "n", "N": result.append("\n")
            case "'": result.append("\"")
            case "^": result.append("^")
            default:
                result.append("^")
                pending = next
            }
        }
        return result
    }

    /// RFC 6868 encoding. A caret is only doubled where it would otherwise be read as an escape,
    /// so plain carets survive readers that do not know RFC 6868.
    public static func encodeCaret(_ value: String) -> String {
        guard value.contains(where: { $0 == "^" || $0 == "\"" || $0.isNewline }) else { return value }
        var result = ""
        let scalars = Array(value.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "^":
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                result.append(next == "n" || next == "N" || next == "'" || next == "^" ? "^^" : "^")
            case "\"": result.append("^'")
            case "\r":
                result.append("^n")
                if index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
            case "\n": result.append("^n")
            default: result.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return result
    }

    /// Puts an already encoded value in double quotes when it holds `:`, `;` or `,` (which would
    /// end it) or is empty (so that `NAME=` is not mistaken for a bare parameter by lenient readers).
    public static func quotedIfNeeded(_ encoded: String) -> String {
        let needsQuotes = encoded.isEmpty || encoded.contains { $0 == ":" || $0 == ";" || $0 == "," }
        return needsQuotes ? "\"" + encoded + "\"" : encoded
    }

    /// Caret encoding and quoting: the form a parameter value is written in.
    public static func format(_ value: String) -> String {
        quotedIfNeeded(encodeCaret(value))
    }
}
