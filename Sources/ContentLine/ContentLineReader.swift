/// One logical line: physical lines joined by unfolding (RFC 5545 §3.1, RFC 6350 §3.2).
public struct UnfoldedLine: Sendable, Hashable {
    /// The unfolded text.
    public var text: String
    /// The physical lines it was read from, as written: joined with CRLF they are the text an
    /// unchanged property is written back as.
    public var rawLines: [String]
    /// The 1-based number of its first physical line.
    public var lineNumber: Int
    /// Whether its first physical line itself started with white space, that is, a folded
    /// line with nothing to continue. `text` then has that white space removed.
    public var isOrphanContinuation: Bool
}

/// Splits text into physical lines and unfolds them.
///
/// The reader is a cursor over the physical lines rather than a plain sequence because vCard 2.1
/// continues quoted-printable and base64 values on lines that are not folded; its parser reads
/// those lines itself through `lines` and `index`.
public struct ContentLineReader: Sendable {
    public let lines: [Substring]
    /// The next physical line to read.
    public var index = 0

    public init(_ text: String) {
        lines = Self.physicalLines(text)
    }

    /// Splits at CRLF, LF or CR only: form feeds and Unicode line separators are content. A
    /// leading byte order mark is dropped, `\r\r\n` (files converted twice by iOS exports) is one
    /// line end, and trailing empty lines are dropped.
    public static func physicalLines(_ text: String) -> [Substring] {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        if text.contains("\r\r\n") {
            text = Substring(
                text.split(separator: "\r\r\n", omittingEmptySubsequences: false).joined(separator: "\r\n"))
        }
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// A physical line that starts with a space or tab continues the previous one.
    public static func isContinuation(_ line: Substring) -> Bool {
        line.first == " " || line.first == "\t"
    }

    /// The next logical line: a physical line and its continuations with the first white-space
    /// character of each continuation removed. Lines of nothing but white space are skipped.
    public mutating func next() -> UnfoldedLine? {
        while index < lines.count {
            let lineNumber = index + 1
            let first = lines[index]
            index += 1
            if first.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let orphan = Self.isContinuation(first)
            var text = orphan ? String(first.drop { $0 == " " || $0 == "\t" }) : String(first)
            var raw = [String(first)]
            while index < lines.count, Self.isContinuation(lines[index]) {
                text += lines[index].dropFirst()
                raw.append(String(lines[index]))
                index += 1
            }
            return UnfoldedLine(text: text, rawLines: raw, lineNumber: lineNumber, isOrphanContinuation: orphan)
        }
        return nil
    }
}
