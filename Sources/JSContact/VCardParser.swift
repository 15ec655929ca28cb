import Foundation

/// Reads vCard 2.1, 3.0 and 4.0 text, as strictly as needed and as leniently as real exports
/// require: anything it cannot read becomes a `VCardDiagnostic`, never a failure.
public enum VCardParser {
    /// Parses every vCard in `text` (several `BEGIN:VCARD` … `END:VCARD` blocks are allowed).
    public static func parse(_ text: String) -> (cards: [VCard], diagnostics: [VCardDiagnostic]) {
        var parser = Parser(lines: physicalLines(text))
        parser.run()
        return (parser.cards, parser.diagnostics)
    }

    /// Splits at CRLF, LF or CR only: form feeds and Unicode line separators are content.
    static func physicalLines(_ text: String) -> [Substring] {
        // "\r\r\n" (seen in iOS exports that were converted twice) is one line end.
        let normalized = text.contains("\r\r\n") ? text.replacingOccurrences(of: "\r\r\n", with: "\r\n") : text
        var lines = normalized.split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// vCard 2.1 bare parameter values that are not TYPE values (vCard 2.1 §2.1.2–2.1.3).
    static let bareEncodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"]
    static let bareValueTypes: Set<String> = ["INLINE", "URL", "CONTENT-ID", "CID"]

    private struct Parser {
        let lines: [Substring]
        var index = 0
        var cards: [VCard] = []
        var diagnostics: [VCardDiagnostic] = []
        var current: VCard?
        var currentStart = 0

        init(lines: [Substring]) {
            self.lines = lines
        }

        mutating func diagnose(_ line: Int, _ message: String) {
            diagnostics.append(VCardDiagnostic(line: line, message: message))
        }

        static func isContinuation(_ line: Substring) -> Bool {
            line.first == " " || line.first == "\t"
        }

        mutating func run() {
            while index < lines.count {
                let lineNumber = index + 1
                let first = lines[index]
                index += 1
                if first.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    continue
                }
                if Self.isContinuation(first) {
                    diagnose(lineNumber, "continuation line without a preceding property; ignored")
                    continue
                }
                var unfolded = String(first)
                var rawLines = [String(first)]
                while index < lines.count, Self.isContinuation(lines[index]) {
                    unfolded += lines[index].dropFirst()
                    rawLines.append(String(lines[index]))
                    index += 1
                }
                handle(logicalLine: unfolded, rawLines: &rawLines, lineNumber: lineNumber)
            }
            if let card = current {
                diagnose(lines.count, "missing END:VCARD; card ended at end of input")
                cards.append(card)
                current = nil
            }
        }

        mutating func handle(logicalLine: String, rawLines: inout [String], lineNumber: Int) {
            guard var property = parseContentLine(logicalLine, lineNumber: lineNumber) else { return }
            let upper = property.upperName
            if upper == "BEGIN", property.value.trimmingCharacters(in: .whitespaces).uppercased() == "VCARD" {
                if let card = current {
                    diagnose(lineNumber, "BEGIN:VCARD inside a card; the previous card is closed here")
                    cards.append(card)
                }
                current = VCard()
                currentStart = lineNumber
                return
            }
            if upper == "END", property.value.trimmingCharacters(in: .whitespaces).uppercased() == "VCARD" {
                if let card = current {
                    cards.append(card)
                    current = nil
                } else {
                    diagnose(lineNumber, "END:VCARD without BEGIN:VCARD; ignored")
                }
                return
            }
            guard current != nil else {
                diagnose(lineNumber, "content outside BEGIN:VCARD/END:VCARD; ignored")
                return
            }
            // vCard 2.1 quoted-printable soft line breaks: a value ending in "=" continues on the
            // next physical line, which need not start with white space.
            if property.firstParameter("ENCODING")?.uppercased() == "QUOTED-PRINTABLE" {
                var value = property.value
                if rawLines.count > 1 {
                    // A soft line break ("=") followed by a folded line: drop the "=" as well.
                    let prefixCount = logicalLine.unicodeScalars.count - value.unicodeScalars.count
                    var rebuilt = ""
                    for (offset, raw) in rawLines.enumerated() {
                        if offset > 0, rebuilt.hasSuffix("="), rebuilt.unicodeScalars.count > prefixCount {
                            rebuilt.removeLast()
                        }
                        rebuilt += offset == 0 ? Substring(raw) : raw.dropFirst()
                    }
                    value = String(String.UnicodeScalarView(rebuilt.unicodeScalars.dropFirst(prefixCount)))
                }
                while value.hasSuffix("="), index < lines.count {
                    let next = lines[index]
                    if next.isEmpty { break }
                    value.removeLast()
                    value += Self.isContinuation(next) ? next.dropFirst() : next
                    rawLines.append(String(next))
                    index += 1
                }
                property.value = value
            }
            // vCard 2.1 base64 data is often continued on lines that are not folded.
            if property.isInlineBinary {
                var value = property.value
                while index < lines.count, !lines[index].isEmpty,
                    lines[index].allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber || "+/=".contains($0) })
                {
                    value += lines[index]
                    rawLines.append(String(lines[index]))
                    index += 1
                }
                property.value = value
            }
            property = VCardProperty(
                group: property.group, name: property.name, parameters: property.parameters,
                value: property.value, source: rawLines.joined(separator: "\r\n"))
            current?.properties.append(property)
        }

        /// `[group "."] name *(";" param) ":" value` (RFC 6350 §3.3), reading anything up to the
        /// first unquoted `:` as name and parameters.
        mutating func parseContentLine(_ line: String, lineNumber: Int) -> VCardProperty? {
            let scalars = Array(line.unicodeScalars)
            var position = 0
            var nameScalars = String.UnicodeScalarView()
            while position < scalars.count, scalars[position] != ";", scalars[position] != ":" {
                nameScalars.append(scalars[position])
                position += 1
            }
            guard position < scalars.count else {
                diagnose(lineNumber, "line without ':' ignored: \(line.prefix(40))")
                return nil
            }
            var fullName = String(nameScalars).trimmingCharacters(in: .whitespaces)
            var group: String? = nil
            if let dot = fullName.lastIndex(of: ".") {
                group = String(fullName[..<dot])
                fullName = String(fullName[fullName.index(after: dot)...])
            }
            if fullName.isEmpty {
                diagnose(lineNumber, "property without a name ignored")
                return nil
            }
            var parameters: [VCardParameter] = []
            while position < scalars.count, scalars[position] == ";" {
                position += 1
                var paramName = String.UnicodeScalarView()
                while position < scalars.count, !";:=".unicodeScalars.contains(scalars[position]) {
                    paramName.append(scalars[position])
                    position += 1
                }
                let name = String(paramName).trimmingCharacters(in: .whitespaces)
                guard position < scalars.count, scalars[position] == "=" else {
                    if !name.isEmpty { parameters.append(Self.bareParameter(name)) }
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
                            diagnose(lineNumber, "unterminated quoted parameter value in \(fullName)")
                        }
                        // Tolerate text after a closing quote up to the next delimiter.
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
                    values.append(VCardValueCoding.decodeCaret(String(value)))
                    if position < scalars.count, scalars[position] == "," {
                        position += 1
                        continue
                    }
                    break
                }
                if name.isEmpty {
                    diagnose(lineNumber, "parameter without a name in \(fullName) ignored")
                } else {
                    parameters.append(VCardParameter(name, values))
                }
            }
            guard position < scalars.count, scalars[position] == ":" else {
                diagnose(lineNumber, "line without ':' ignored: \(line.prefix(40))")
                return nil
            }
            position += 1
            var value = String.UnicodeScalarView()
            value.append(contentsOf: scalars[position...])
            return VCardProperty(group: group, name: fullName, parameters: parameters, value: String(value))
        }

        static func bareParameter(_ value: String) -> VCardParameter {
            let upper = value.uppercased()
            if VCardParser.bareEncodings.contains(upper) { return VCardParameter("ENCODING", value) }
            if VCardParser.bareValueTypes.contains(upper) { return VCardParameter("VALUE", value) }
            return VCardParameter("TYPE", value)
        }
    }
}
