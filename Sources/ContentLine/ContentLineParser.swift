/// Why a logical line is not a content line. The formats react differently (vCard drops the
/// line, iCalendar glues it to the previous property as an unfolded continuation), so the parser
/// only reports.
public enum ContentLineSyntaxError: Error, Sendable, Hashable {
    /// No `:` outside quotes: not `name ... ":" value`.
    case missingColon
    /// Nothing before the first `;` or `:`.
    case missingName
}

extension ContentLine {
    /// Parses one unfolded line, `[group "."] name *(";" param) ":" value`, reading anything up
    /// to the first unquoted `:` as name and parameters.
    ///
    /// Lenient where real exports need it: an unterminated quote runs to the end of the line,
    /// text after a closing quote is kept, a parameter without `=` is kept with no values.
    /// Recovered problems are appended to `warnings` as text for the caller's diagnostics.
    /// - Parameter groups: whether `a.NAME` names group `a` (vCard); iCalendar has no groups, so
    ///   there the dot stays in the name.
    public static func parse(
        _ line: String, groups: Bool, warnings: inout [String]
    ) throws(ContentLineSyntaxError) -> ContentLine {
        let scalars = Array(line.unicodeScalars)
        var position = 0
        var nameScalars = String.UnicodeScalarView()
        while position < scalars.count, scalars[position] != ";", scalars[position] != ":" {
            nameScalars.append(scalars[position])
            position += 1
        }
        guard position < scalars.count else { throw .missingColon }
        var name = trimmingBlanks(String(nameScalars))
        var group: String? = nil
        if groups, let dot = name.lastIndex(of: ".") {
            group = String(name[..<dot])
            name = String(name[name.index(after: dot)...])
        }
        guard !name.isEmpty else { throw .missingName }
        var parameters: [Parameter] = []
        while position < scalars.count, scalars[position] == ";" {
            position += 1
            var nameScalars = String.UnicodeScalarView()
            while position < scalars.count, !";:=".unicodeScalars.contains(scalars[position]) {
                nameScalars.append(scalars[position])
                position += 1
            }
            let parameterName = trimmingBlanks(String(nameScalars))
            guard position < scalars.count, scalars[position] == "=" else {
                if !parameterName.isEmpty { parameters.append(Parameter(parameterName, [])) }
                continue
            }
            position += 1
            var values: [String] = []
            while true {
                var value = String.UnicodeScalarView()
                if position < scalars.count, scalars[position] == "\"" {
                    position += 1
                    while position < scalars.count, scalars[position] != "\"" {
                        value.append(scalars[position])
                        position += 1
                    }
                    if position < scalars.count {
                        position += 1
                    } else {
                        warnings.append("unterminated quoted parameter value in \(name)")
                    }
                }
                // Unquoted text, or text after a closing quote, runs to the next delimiter.
                while position < scalars.count, !",;:".unicodeScalars.contains(scalars[position]) {
                    value.append(scalars[position])
                    position += 1
                }
                values.append(ParameterValue.decodeCaret(String(value)))
                guard position < scalars.count, scalars[position] == "," else { break }
                position += 1
            }
            if parameterName.isEmpty {
                warnings.append("parameter without a name in \(name) ignored")
            } else {
                parameters.append(Parameter(parameterName, values))
            }
        }
        guard position < scalars.count, scalars[position] == ":" else { throw .missingColon }
        position += 1
        var value = String.UnicodeScalarView()
        value.append(contentsOf: scalars[position...])
        return ContentLine(group: group, name: name, parameters: parameters, value: String(value))
    }

    /// Spaces and tabs around names are tolerated (RFC 5545 §3.1 allows none; exports have them).
    static func trimmingBlanks(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
