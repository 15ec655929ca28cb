extension ContentLine {
    /// The longest physical line, in octets without the CRLF (RFC 5545 §3.1, RFC 6350 §3.2).
    public static let maxLineOctets = 75

    /// Everything up to and including the `:`: group, name and parameters, each parameter value
    /// written by `formatParameterValue` (by default RFC 6868 caret encoding and quoting; vCard
    /// 2.1, which predates RFC 6868, passes its own).
    public func header(formatParameterValue: (String) -> String = ParameterValue.format) -> String {
        var line = ""
        if let group, !group.isEmpty { line += group + "." }
        line += name
        for parameter in parameters {
            line += ";" + parameter.name
            if parameter.values.isEmpty { continue }
            line += "=" + parameter.values.map(formatParameterValue).joined(separator: ",")
        }
        return line + ":"
    }

    /// The logical line, unfolded. A raw line break in the value would end the content line, so
    /// it is written as the `\n` escape.
    public func unfolded(formatParameterValue: (String) -> String = ParameterValue.format) -> String {
        header(formatParameterValue: formatParameterValue) + TextValue.escapingLineBreaks(value)
    }

    /// The content line folded, without the final CRLF.
    public func serialized(formatParameterValue: (String) -> String = ParameterValue.format) -> String {
        Self.fold(unfolded(formatParameterValue: formatParameterValue))
    }

    /// Folds a logical line: at most `maxLineOctets` octets per physical line, CRLF and one space
    /// before each continuation, split only between Unicode scalars so that no UTF-8 sequence is
    /// broken (RFC 5545 §3.1 "SHOULD NOT" split one; RFC 6350 §3.2 likewise).
    public static func fold(_ line: String, maxLineOctets: Int = maxLineOctets) -> String {
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
