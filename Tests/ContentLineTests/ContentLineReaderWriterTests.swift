import ContentLine
import Testing

/// RFC 5545 §3.1 / RFC 6350 §3.2: unfolding, folding at 75 octets, CRLF.
@Suite struct ContentLineReaderWriterTests {
    func readAll(_ text: String) -> [UnfoldedLine] {
        var reader = ContentLineReader(text)
        var lines: [UnfoldedLine] = []
        while let line = reader.next() { lines.append(line) }
        return lines
    }

    /// Unfolding removes the line break and the one white-space character after it (space or tab).
    @Test func unfoldsSpaceAndTabContinuationsAcrossLineEnds() {
        let lines = readAll("\u{FEFF}A:one\r\n  two\n\tthree\rB:x\r\r\nC:y\r\n\r\n")
        #expect(lines.map(\.text) == ["A:one two" + "three", "B:x", "C:y"])
        #expect(lines[0].rawLines == ["A:one", "  two", "\tthree"])
        #expect(lines.map(\.lineNumber) == [1, 4, 5])
    }

    @Test func blankLinesAreSkippedAndOrphanContinuationsFlagged() {
        let lines = readAll("   \r\n continued:x\r\nA:b\r\n")
        #expect(lines.count == 2)
        #expect(lines[0].isOrphanContinuation)
        #expect(lines[0].text == "continued:x")
        #expect(!lines[1].isOrphanContinuation)
    }

    /// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets; a multi-octet UTF-8 sequence
    /// must not be split.
    @Test func foldsAt75OctetsWithoutSplittingUTF8() {
        let long = "SUMMARY:" + String(repeating: "é😀a", count: 40)
        let folded = ContentLine.fold(long)
        let physical = folded.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(physical.count > 1)
        for line in physical { #expect(line.utf8.count <= 75) }
        let unfolded = readAll(folded + "\r\n")
        #expect(unfolded.map(\.text) == [long])
        #expect(ContentLine.fold("SHORT:x") == "SHORT:x")
    }

    @Test func serializesHeaderParametersAndLineBreaks() {
        let line = ContentLine(
            group: "g", name: "NOTE",
            parameters: [ContentLine.Parameter("X-A", ["a,b", "c\"d"]), ContentLine.Parameter("BARE", [])],
            value: "one\r\ntwo\nthree")
        #expect(line.serialized() == "g.NOTE;X-A=\"a,b\",c^'d;BARE:one\\ntwo\\nthree")
    }

    @Test func parseAndSerializeRoundTrip() throws {
        let text = "ATTENDEE;CN=\"Doe, J\";MEMBER=\"mailto:a@x\",\"mailto:b@x\";X-N=l1^nl2:mailto:j@x"
        var warnings: [String] = []
        let parsed = try ContentLine.parse(text, groups: false, warnings: &warnings)
        #expect(parsed.serialized() == text)
    }
}
