import Foundation
import TestSupport
import Testing

@testable import JSCalendar

/// RFC 5545 §3.1 content lines, folding and parameters.
@Suite struct ParserWriterTests {
    @Test func unfoldsAndParsesParameters() {
        let text =
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nATTENDEE;MEMBER=\"mailto:a@x\",\"mailto:b@x\";CN=\"Doe, J\":mailto:j\n @x\nSUMMARY;X-P=a^'b^nc:Hi\\, there\nEND:VEVENT\nEND:VCALENDAR\n"
        let (calendar, diagnostics) = ICalParser.parse(text)
        #expect(diagnostics.isEmpty)
        let event = calendar.calendar?.components.first
        let attendee = event?.property("ATTENDEE")
        #expect(attendee?.parameter("MEMBER") == ["mailto:a@x", "mailto:b@x"])
        #expect(attendee?.firstParameter("CN") == "Doe, J")
        #expect(attendee?.value == "mailto:j@x")
        // RFC 6868 caret encoding.
        #expect(event?.property("SUMMARY")?.firstParameter("X-P") == "a\"b\nc")
        #expect(event?.property("SUMMARY")?.text == "Hi, there")
    }

    @Test func untouchedPropertiesKeepTheirBytes() {
        let text =
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY;x-a=1:a long\r\n  line\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let (calendar, _) = ICalParser.parse(text)
        #expect(calendar.serialized() == text)
    }

    @Test func foldsAt75OctetsWithoutSplittingUTF8() {
        var property = ICalProperty(name: "SUMMARY", value: String(repeating: "é", count: 100))
        property.value += "x"
        let folded = ICalWriter.serialize(property)
        for line in folded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
        let (calendar, _) = ICalParser.parse("BEGIN:VEVENT\r\n" + folded + "\r\nEND:VEVENT\r\n")
        #expect(calendar.components.first?.property("SUMMARY")?.value == property.value)
    }

    @Test func recoversFromBrokenInput() {
        let text = "junk\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nDESCRIPTION:first\nsecond line without colon\nEND:VCALENDAR\n"
        let (calendar, diagnostics) = ICalParser.parse(text)
        #expect(diagnostics.count >= 2)
        #expect(calendar.calendar?.components.first?.property("DESCRIPTION")?.value.contains("second") == true)
    }

    /// Seeded fuzz: random mutations of corpus files never crash the parser, the converter or
    /// the expander.
    @Test func fuzzNeverCrashes() throws {
        let files = Corpus.files(in: Corpus.ical, suffix: ".ics")
        #expect(!files.isEmpty, "corpus not found")
        var generator = SeededGenerator(seed: 0x5EED)
        let alphabet = Array(";:=,\"\\\r\n ^TZ0123456789-+PWDHMS/BEGIN:END:VEVENTRRULE:FREQ=BYDAY=-1MO")
        for _ in 0..<150 {
            guard let file = files.randomElement(using: &generator) else { break }
            var scalars = Array(Corpus.text(file))
            for _ in 0..<20 where !scalars.isEmpty {
                let index = Int.random(in: 0..<scalars.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: scalars[index] = alphabet.randomElement(using: &generator) ?? "x"
                case 1: scalars.remove(at: index)
                default: scalars.insert(alphabet.randomElement(using: &generator) ?? "x", at: index)
                }
            }
            let (calendar, _) = ICalParser.parse(String(scalars))
            let object = JSCalendarConverter.jsCalendar(from: calendar)
            _ = JSCalendarConverter.iCalendar(from: object).serialized()
            let resolver = TimeZoneResolver(calendar)
            for component in calendar.calendar?.components ?? [] where component.upperName == "VEVENT" {
                _ = RecurrenceExpander.instances(
                    of: [component], resolver: resolver,
                    in: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_000_000_000), limit: 50)
            }
            _ = JSCalendarValidation.validate(object)
        }
    }
}
