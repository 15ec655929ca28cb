import Foundation
import JSON
import Testing

@testable import JSCalendar

/// The update path (draft-ietf-jmap-calendars §5.8 "updating a recurring event"): moving one
/// occurrence adds one override component (RFC 5545 §3.8.4.4 RECURRENCE-ID) and leaves every
/// stored line as it was.
@Suite struct UpdateMoveOccurrenceTests {
    static let stored = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//Test//EN\r
        BEGIN:VEVENT\r
        UID:weekly-1\r
        DTSTAMP:20240101T000000Z\r
        DTSTART;TZID=America/New_York:20240102T090000\r
        DTEND;TZID=America/New_York:20240102T100000\r
        RRULE:FREQ=WEEKLY;BYDAY=TU\r
        SUMMARY:Team sync\r
        X-VENDOR;X-P="a,b":kept as is\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    @Test func movingOneOccurrenceAddsOneOverride() throws {
        let calendar = ICalParser.parse(Self.stored).calendar
        var event = try #require(
            JSCalendarConverter.jsCalendar(from: calendar)["entries"]?.arrayValue?.first?.objectValue)
        event["recurrenceOverrides"] = ["2024-01-16T09:00:00": ["start": "2024-01-16T11:00:00"]]
        let output = JSCalendarConverter.updatedICalendar(stored: calendar, newEvent: event).serialized()
        let before = Self.stored.components(separatedBy: "\r\n")
        let after = output.components(separatedBy: "\r\n")
        // The stored lines up to the master's END:VEVENT, unchanged and in place.
        let masterEnd = try #require(before.firstIndex(of: "END:VEVENT"))
        #expect(Array(after.prefix(masterEnd + 1)) == Array(before.prefix(masterEnd + 1)))
        // Then exactly one new VEVENT, then the rest of the stored lines.
        let added = Array(after.dropFirst(masterEnd + 1).prefix(after.count - before.count))
        #expect(added.first == "BEGIN:VEVENT")
        #expect(added.last == "END:VEVENT")
        #expect(added.filter { $0.hasPrefix("BEGIN:") } == ["BEGIN:VEVENT"])
        #expect(added.contains("UID:weekly-1"))
        #expect(added.contains("RECURRENCE-ID;TZID=America/New_York:20240116T090000"))
        #expect(added.contains("DTSTART;TZID=America/New_York:20240116T110000"))
        #expect(Array(after.suffix(before.count - masterEnd - 1)) == Array(before.suffix(before.count - masterEnd - 1)))
        // And the override reads back as the patch the client sent.
        let reread = JSCalendarConverter.jsCalendar(from: ICalParser.parse(output).calendar)
        let entry = try #require(reread["entries"]?.arrayValue?.first?.objectValue)
        #expect(entry["recurrenceOverrides"] == event["recurrenceOverrides"])
    }
}
