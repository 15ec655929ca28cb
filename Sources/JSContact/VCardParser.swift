import ContentLine
import Foundation

/// Reads vCard 2.1, 3.0 and 4.0 text, as strictly as needed and as leniently as real exports
/// require: anything it cannot read becomes a `VCardDiagnostic`, never a failure.
public enum VCardParser {
    /// Parses every vCard in `text` (several `BEGIN:VCARD` … `END:VCARD` blocks are allowed).
    public static func parse(_ text: String) -> (cards: [VCard], diagnostics: [VCardDiagnostic]) {
        var parser = Parser(reader: ContentLineReader(text))
        parser.run()
        return (parser.cards, parser.diagnostics)
    }

    /// vCard 2.1 bare parameter values that are not TYPE values (vCard 2.1 §2.1.2–2.1.3).
    static let bareEncodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"]
    static let bareValueTypes: Set<String> = ["INLINE", "URL", "CONTENT-ID", "CID"]

    private struct Parser {
        var reader: ContentLineReader
        var cards: [VCard] = []
        var diagnostics: [VCardDiagnostic] = []
        var current: VCard?
        var currentStart = 0

        init(reader: ContentLineReader) {
            self.reader = reader
        }

        var lines: [Substring] { reader.lines }

        mutating func diagnose(_ line: Int, _ message: String) {
            diagnostics.append(VCardDiagnostic(line: line, message: message))
        }

        mutating func run() {
            while let line = reader.next() {
                if line.isOrphanContinuation {
                    diagnose(line.lineNumber, "continuation line without a preceding property; ignored")
                    continue
                }
                var rawLines = line.rawLines
                handle(logicalLine: line.text, rawLines: &rawLines, lineNumber: line.lineNumber)
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
                while value.hasSuffix("="), reader.index < lines.count {
                    let next = lines[reader.index]
                    if next.isEmpty { break }
                    value.removeLast()
                    value += ContentLineReader.isContinuation(next) ? next.dropFirst() : next
                    rawLines.append(String(next))
                    reader.index += 1
                }
                property.value = value
            }
            // vCard 2.1 base64 data is often continued on lines that are not folded.
            if property.isInlineBinary {
                var value = property.value
                while reader.index < lines.count, !lines[reader.index].isEmpty,
                    lines[reader.index].allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber || "+/=".contains($0) })
                {
                    value += lines[reader.index]
                    rawLines.append(String(lines[reader.index]))
                    reader.index += 1
                }
                property.value = value
            }
            property = VCardProperty(
                group: property.group, name: property.name, parameters: property.parameters,
                value: property.value, source: rawLines.joined(separator: "\r\n"))
            current?.properties.append(property)
        }

        /// `[group "."] name *(";" param) ":" value` (RFC 6350 §3.3); bare vCard 2.1 parameters
        /// get the name they imply.
        mutating func parseContentLine(_ line: String, lineNumber: Int) -> VCardProperty? {
            var warnings: [String] = []
            defer { for warning in warnings { diagnose(lineNumber, warning) } }
            let parsed: ContentLine
            do {
                parsed = try ContentLine.parse(line, groups: true, warnings: &warnings)
            } catch .missingName {
                diagnose(lineNumber, "property without a name ignored")
                return nil
            } catch {
                diagnose(lineNumber, "line without ':' ignored: \(line.prefix(40))")
                return nil
            }
            let parameters = parsed.parameters.map { parameter in
                parameter.values.isEmpty
                    ? Self.bareParameter(parameter.name) : parameter
            }
            return VCardProperty(group: parsed.group, name: parsed.name, parameters: parameters, value: parsed.value)
        }

        static func bareParameter(_ value: String) -> VCardParameter {
            let upper = value.uppercased()
            if VCardParser.bareEncodings.contains(upper) { return VCardParameter("ENCODING", value) }
            if VCardParser.bareValueTypes.contains(upper) { return VCardParameter("VALUE", value) }
            return VCardParameter("TYPE", value)
        }
    }
}
