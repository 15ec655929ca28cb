import Foundation
import Testing

@testable import JSCalendar

/// CalDAV's calendar-timezone (RFC 4791 §5.2.2) ↔ JMAP's Calendar timeZone (draft-ietf-jmap-calendars-27 §4).
@Suite struct CalendarTimeZonePropertyTests {
    /// What the gateway writes holds one VTIMEZONE with the IANA id as TZID, and reads back as that id.
    @Test(arguments: ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Etc/UTC"])
    func writtenZoneReadsBack(identifier: String) throws {
        let text = try #require(CalendarTimeZoneProperty.text(for: identifier, fromYear: 2026))
        let parsed = ICalendar.parse(text)
        #expect(parsed.diagnostics.isEmpty)
        let calendar = try #require(parsed.calendar.calendar)
        #expect(calendar.upperName == "VCALENDAR")
        #expect(calendar.components.map(\.upperName) == ["VTIMEZONE"])
        #expect(calendar.components.first?.property("TZID")?.text == identifier)
        #expect(!(calendar.components.first?.components.isEmpty ?? true), "at least one observance")
        #expect(CalendarTimeZoneProperty.identifier(in: text) == identifier)
    }

    @Test func berlinHasSummerTime() throws {
        let text = try #require(CalendarTimeZoneProperty.text(for: "Europe/Berlin", fromYear: 2026))
        #expect(text.contains("BEGIN:DAYLIGHT"))
        #expect(text.contains("TZOFFSETTO:+0200"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
    }

    /// A JMAP TimeZoneId is an IANA id as spelt there; abbreviations, Windows names and made-up ids are not.
    @Test func onlyIANAIdsAreAccepted() {
        for id in ["Europe/Berlin", "UTC", "Etc/UTC", "America/Argentina/Buenos_Aires"] {
            #expect(CalendarTimeZoneProperty.isIANAIdentifier(id), "\(id)")
        }
        for id in ["", "europe/berlin", "W. Europe Standard Time", "Mars/Olympus_Mons", "CEST"] {
            #expect(!CalendarTimeZoneProperty.isIANAIdentifier(id), "\(id)")
            #expect(CalendarTimeZoneProperty.text(for: id, fromYear: 2026) == nil, "\(id)")
        }
    }

    /// Other clients write other TZIDs: a Windows name, a prefixed id, or a custom one with X-LIC-LOCATION.
    @Test func foreignTZIDsAreMapped() {
        func property(_ lines: String) -> String {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\n\(lines)BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                + "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"
        }
        #expect(
            CalendarTimeZoneProperty.identifier(in: property("TZID:W. Europe Standard Time\r\n")) == "Europe/Berlin")
        #expect(
            CalendarTimeZoneProperty.identifier(in: property("TZID:/mozilla.org/20050126_1/Europe/Paris\r\n"))
                == "Europe/Paris")
        #expect(
            CalendarTimeZoneProperty.identifier(in: property("TZID:Custom 1\r\nX-LIC-LOCATION:Europe/Rome\r\n"))
                == "Europe/Rome")
        #expect(CalendarTimeZoneProperty.identifier(in: property("TZID:Somewhere\r\n")) == nil)
        #expect(CalendarTimeZoneProperty.identifier(in: "garbage") == nil)
        #expect(CalendarTimeZoneProperty.identifier(in: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == nil)
    }
}
