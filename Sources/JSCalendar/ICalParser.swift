import Foundation

/// Reads iCalendar text (RFC 5545 §3.1) as leniently as real exports require: CRLF, LF or CR line
/// ends, folding with space or tab, quoted and multi-valued parameters, RFC 6868 carets, nested
/// and unknown components. Anything it cannot read becomes an `ICalDiagnostic`, never a failure.
public enum ICalParser {
    public static func parse(_ text: String) -> (calendar: ICalendar, diagnostics: [ICalDiagnostic]) {
        var parser = Parser(lines: physicalLines(text))
        parser.run()
        return (ICalendar(components: parser.roots), parser.diagnostics)
    }

    /// Splits at CRLF, LF or CR; a BOM at the start is dropped.
    static func physicalLines(_ text: String) -> [Substring] {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private struct Parser {
        let lines: [Substring]
        var index = 0
        var roots: [ICalComponent] = []
        var stack: [ICalComponent] = []
        var diagnostics: [ICalDiagnostic] = []

        init(lines: [Substring]) { self.lines = lines }

        mutating func diagnose(_ line: Int, _ message: String) {
            diagnostics.append(ICalDiagnostic(line: line, message: message))
        }

        static func isContinuation(_ line: Substring) -> Bool { line.first == " " || line.first == "\t" }

        mutating func run() {
            while index < lines.count {
                let lineNumber = index + 1
                let first = lines[index]
                index += 1
                if first.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                var unfolded = String(first)
                var raw = [String(first)]
                if Self.isContinuation(first) {
                    // A folded line with nothing to continue: read it as a line of its own.
                    diagnose(lineNumber, "continuation line without a preceding property")
                    unfolded = String(first.drop { $0 == " " || $0 == "\t" })
                }
                while index < lines.count, Self.isContinuation(lines[index]) {
                    unfolded += lines[index].dropFirst()
                    raw.append(String(lines[index]))
                    index += 1
                }
                handle(unfolded, raw: raw, lineNumber: lineNumber)
            }
            if !stack.isEmpty {
                diagnose(lines.count, "missing END:\(stack.last?.name ?? ""); closed at end of input")
                while !stack.isEmpty { closeTop() }
            }
        }

        mutating func closeTop() {
            guard let top = stack.popLast() else { return }
            if stack.isEmpty {
                roots.append(top)
            } else {
                stack[stack.count - 1].components.append(top)
            }
        }

        mutating func handle(_ line: String, raw: [String], lineNumber: Int) {
            guard let property = parseContentLine(line, lineNumber: lineNumber) else {
                // Outlook and Lotus sometimes break long values without folding: glue the line to
                // the previous property so no text is lost.
                if !stack.isEmpty, var last = stack[stack.count - 1].properties.popLast() {
                    diagnose(lineNumber, "line without ':' read as an unfolded continuation")
                    let source = (last.source ?? "") + "\r\n" + raw.joined(separator: "\r\n")
                    last = ICalProperty(
                        name: last.name, parameters: last.parameters, value: last.value + line, source: source)
                    stack[stack.count - 1].properties.append(last)
                } else {
                    diagnose(lineNumber, "line without ':' ignored: \(line.prefix(40))")
                }
                return
            }
            let upper = property.upperName
            if upper == "BEGIN" {
                let name = property.value.trimmingCharacters(in: .whitespaces)
                stack.append(ICalComponent(name: name.isEmpty ? "X-UNNAMED" : name))
                return
            }
            if upper == "END" {
                let name = property.value.trimmingCharacters(in: .whitespaces).uppercased()
                guard let match = stack.lastIndex(where: { $0.upperName == name }) else {
                    diagnose(lineNumber, "END:\(name) without BEGIN; ignored")
                    return
                }
                while stack.count > match + 1 {
                    diagnose(lineNumber, "missing END:\(stack.last?.name ?? ""); closed by END:\(name)")
                    closeTop()
                }
                closeTop()
                return
            }
            guard !stack.isEmpty else {
                diagnose(lineNumber, "property \(property.name) outside any component ignored")
                return
            }
            stack[stack.count - 1].properties.append(
                ICalProperty(
                    name: property.name, parameters: property.parameters, value: property.value,
                    source: raw.joined(separator: "\r\n")))
        }

        /// `name *(";" param) ":" value` (RFC 5545 §3.1), with quoted parameter values.
        mutating func parseContentLine(_ line: String, lineNumber: Int) -> ICalProperty? {
            let scalars = Array(line.unicodeScalars)
            var position = 0
            var nameScalars = String.UnicodeScalarView()
            while position < scalars.count, scalars[position] != ";", scalars[position] != ":" {
                nameScalars.append(scalars[position])
                position += 1
            }
            guard position < scalars.count else { return nil }
            let name = String(nameScalars).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && $0 != " " }) else { return nil }
            var parameters: [ICalParameter] = []
            while position < scalars.count, scalars[position] == ";" {
                position += 1
                var paramName = String.UnicodeScalarView()
                while position < scalars.count, !";:=".unicodeScalars.contains(scalars[position]) {
                    paramName.append(scalars[position])
                    position += 1
                }
                let pname = String(paramName).trimmingCharacters(in: .whitespaces)
                guard position < scalars.count, scalars[position] == "=" else {
                    // vCalendar-style bare parameter: kept with no value.
                    if !pname.isEmpty { parameters.append(ICalParameter(pname, [])) }
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
                            diagnose(lineNumber, "unterminated quoted parameter value in \(name)")
                        }
                        while position < scalars.count, !",;:".unicodeScalars.contains(scalars[position]) {
                            value.append(scalars[position])
                            position += 1
                        }
                    } else {
                        while position < scalars.count, !",;:".unicodeScalars.contains(scalars[position]) {
                            value.append(scalars[position])
                            position += 1
                        }
                    }
                    values.append(ICalValueCoding.decodeCaret(String(value)))
                    if position < scalars.count, scalars[position] == "," {
                        position += 1
                        continue
                    }
                    break
                }
                if pname.isEmpty {
                    diagnose(lineNumber, "parameter without a name in \(name) ignored")
                } else {
                    parameters.append(ICalParameter(pname, values))
                }
            }
            guard position < scalars.count, scalars[position] == ":" else {
                diagnose(lineNumber, "property \(name) without ':' after its parameters")
                return nil
            }
            position += 1
            var value = String.UnicodeScalarView()
            value.append(contentsOf: scalars[position...])
            return ICalProperty(name: name, parameters: parameters, value: String(value))
        }
    }
}
