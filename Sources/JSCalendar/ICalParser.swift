import ContentLine
import Foundation

/// Reads iCalendar text (RFC 5545 §3.1) as leniently as real exports require: CRLF, LF or CR line
/// ends, folding with space or tab, quoted and multi-valued parameters, RFC 6868 carets, nested
/// and unknown components. Anything it cannot read becomes an `ICalDiagnostic`, never a failure.
public enum ICalParser {
    public static func parse(_ text: String) -> (calendar: ICalendar, diagnostics: [ICalDiagnostic]) {
        var parser = Parser(reader: ContentLineReader(text))
        parser.run()
        return (ICalendar(components: parser.roots), parser.diagnostics)
    }

    private struct Parser {
        var reader: ContentLineReader
        var roots: [ICalComponent] = []
        var stack: [ICalComponent] = []
        var diagnostics: [ICalDiagnostic] = []

        init(reader: ContentLineReader) { self.reader = reader }

        mutating func diagnose(_ line: Int, _ message: String) {
            diagnostics.append(ICalDiagnostic(line: line, message: message))
        }

        mutating func run() {
            while let line = reader.next() {
                if line.isOrphanContinuation {
                    // A folded line with nothing to continue: read it as a line of its own.
                    diagnose(line.lineNumber, "continuation line without a preceding property")
                }
                handle(line.text, raw: line.rawLines, lineNumber: line.lineNumber)
            }
            if !stack.isEmpty {
                diagnose(reader.lines.count, "missing END:\(stack.last?.name ?? ""); closed at end of input")
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

        /// `name *(";" param) ":" value` (RFC 5545 §3.1). A name that is not an ASCII token is
        /// no property name: such a line is read as text that lost its folding.
        mutating func parseContentLine(_ line: String, lineNumber: Int) -> ICalProperty? {
            var warnings: [String] = []
            defer { for warning in warnings { diagnose(lineNumber, warning) } }
            guard let parsed = try? ContentLine.parse(line, groups: false, warnings: &warnings),
                parsed.name.unicodeScalars.allSatisfy({ $0.isASCII && $0 != " " })
            else { return nil }
            return ICalProperty(name: parsed.name, parameters: parsed.parameters, value: parsed.value)
        }
    }
}
