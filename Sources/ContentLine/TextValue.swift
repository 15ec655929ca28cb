/// The TEXT value escaping both formats share (RFC 5545 §3.3.11, RFC 6350 §3.4) and the
/// splitting of list and structured values at unescaped separators.
public enum TextValue {
    /// Undoes TEXT escaping: `\n`/`\N`, `\,`, `\;`, `\\`. Real data holds other escapes: those
    /// named in `lenient` (by default `\:`, seen in Apple exports) lose their backslash, any other
    /// backslash is kept as written, because vCard 2.1 and Outlook data contain literal backslashes.
    public static func unescape(_ text: String, lenient: String = ":") -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        result.reserveCapacity(text.count)
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
            case ",", ";", "\\": result.unicodeScalars.append(next)
            default:
                if !lenient.unicodeScalars.contains(next) { result.unicodeScalars.append(scalar) }
                result.unicodeScalars.append(next)
            }
        }
        return result
    }

    /// Escapes TEXT. Line breaks of any kind (CRLF, LF, CR) become `\n`, since a raw one would
    /// end the content line. vCard leaves `;` or `,` unescaped in some properties, hence the flags.
    public static func escape(_ text: String, semicolons: Bool = true, commas: Bool = true) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\": result.append("\\\\")
            case "\r": result.append("\\n")
            case "\n": if !previousCR { result.append("\\n") }
            case ",": result.append(commas ? "\\," : ",")
            case ";": result.append(semicolons ? "\\;" : ";")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Splits at every unescaped `separator`, keeping escapes in the pieces so that each piece
    /// can be unescaped (or kept raw) by the caller.
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

    /// Replaces raw line breaks with the `\n` escape and leaves everything else alone: the last
    /// defence of a writer against a value that would otherwise end its content line.
    public static func escapingLineBreaks(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { return value }
        var result = ""
        var previousCR = false
        for scalar in value.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\r": result.append("\\n")
            case "\n": if !previousCR { result.append("\\n") }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
