import ContentLine
import Testing

/// RFC 5545 §3.1 / RFC 6350 §3.3 content-line syntax, RFC 6868 parameter values.
@Suite struct ContentLineParserTests {
    func parse(_ line: String, groups: Bool = true) throws -> (ContentLine, [String]) {
        var warnings: [String] = []
        let parsed = try ContentLine.parse(line, groups: groups, warnings: &warnings)
        return (parsed, warnings)
    }

    /// RFC 6350 §3.3: `group "." name`; RFC 5545 has no groups, so the dot stays in the name.
    @Test func groupIsSplitOnlyWhenAsked() throws {
        let (vcard, _) = try parse("item1.TEL;TYPE=home:+1")
        #expect(vcard.group == "item1")
        #expect(vcard.name == "TEL")
        let (ical, _) = try parse("X-A.B:v", groups: false)
        #expect(ical.group == nil)
        #expect(ical.name == "X-A.B")
    }

    /// RFC 5545 §3.2: quoted values may hold `:`, `;` and `,`; multi-valued parameters split at
    /// unquoted commas; the value starts after the first unquoted colon.
    @Test func quotedAndMultiValuedParameters() throws {
        let (line, warnings) = try parse(
            "ATTENDEE;MEMBER=\"mailto:a@x\",\"mailto:b@x\";CN=\"Doe, J\";ROLE=CHAIR:mailto:j@x", groups: false)
        #expect(warnings.isEmpty)
        #expect(
            line.parameters == [
                ContentLine.Parameter("MEMBER", ["mailto:a@x", "mailto:b@x"]),
                ContentLine.Parameter("CN", ["Doe, J"]),
                ContentLine.Parameter("ROLE", ["CHAIR"]),
            ])
        #expect(line.value == "mailto:j@x")
    }

    /// RFC 6868 §3: `^n`, `^'`, `^^`; any other caret stays as written.
    @Test func caretEncodingIsDecodedAndEncoded() throws {
        let (line, _) = try parse("ADR;LABEL=\"1 Main^nTown ^'Old^' ^^ ^x\":;;")
        #expect(line.parameters.first?.values == ["1 Main\nTown \"Old\" ^ ^x"])
        #expect(ParameterValue.encodeCaret("a\"b\r\nc^n ^x") == "a^'b^nc^^n ^x")
        #expect(ParameterValue.format("Doe, J") == "\"Doe, J\"")
        #expect(ParameterValue.format("") == "\"\"")
        #expect(ParameterValue.format("plain") == "plain")
    }

    /// A bare parameter (vCard 2.1, vCalendar) has no values; `NAME=` has one empty value.
    @Test func bareAndEmptyParametersDiffer() throws {
        let (line, _) = try parse("TEL;HOME;X-E=:1")
        #expect(line.parameters == [ContentLine.Parameter("HOME", []), ContentLine.Parameter("X-E", [""])])
    }

    @Test func malformedLinesAreReportedNotCrashed() throws {
        #expect(throws: ContentLineSyntaxError.missingColon) { try parse("no colon here") }
        #expect(throws: ContentLineSyntaxError.missingColon) { try parse("X;P=\"open:value") }
        #expect(throws: ContentLineSyntaxError.missingName) { try parse(":value") }
        let (line, warnings) = try parse("X;=a;P=\"q\"tail:v")
        #expect(line.parameters == [ContentLine.Parameter("P", ["qtail"])])
        #expect(warnings.count == 1)
    }

    /// The value is everything after the first unquoted colon, colons included.
    @Test func valueKeepsColonsAndEscapes() throws {
        let (line, _) = try parse("DESCRIPTION:a\\, b: c\\nd")
        #expect(line.value == "a\\, b: c\\nd")
    }
}
