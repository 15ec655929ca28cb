import Foundation
import JSON
import Testing

@testable import JSCalendar

/// RDATE PERIOD (draft-ietf-calext-jscalendar-icalendar-25 §2.3.33, Figure 69) and
/// SHOW-WITHOUT-TIME (§2.3.38, §3.2; draft-ietf-calext-icalendar-jscalendar-extensions-06).
@Suite struct ConverterGapTests {
    static func read(_ components: String) -> JSONObject {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\(components)END:VCALENDAR\r\n"
        return JSCalendarConverter.jsCalendar(from: ICalParser.parse(text).calendar)
    }

    static func entry(_ group: JSONObject) -> JSONObject {
        group["entries"]?.arrayValue?.first?.objectValue ?? [:]
    }

    static func write(_ group: JSONObject) -> String { JSCalendarConverter.iCalendar(from: group).serialized() }

    static func isStable(_ group: JSONObject) -> Bool {
        JSCalendarConverter.jsCalendar(from: ICalParser.parse(write(group)).calendar) == group
    }

    static func instances(_ text: String) -> [RecurrenceExpander.Instance] {
        RecurrenceExpander.instances(
            uid: "p", in: ICalParser.parse(text).calendar,
            window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800), limit: 20)
    }

    // MARK: RDATE PERIOD (§2.3.33)

    /// Figure 69: each period is an override keyed by its start with its duration, noted as an
    /// "rdate" of value type "period"; it is written back as RDATE;VALUE=PERIOD, not as a
    /// RECURRENCE-ID component.
    @Test func rdatePeriodBecomesAnOverrideWithItsDuration() {
        let group = Self.read(
            "BEGIN:VEVENT\r\nUID:p\r\nDTSTART:20230101T130000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=MONTHLY\r\n"
                + "RDATE;VALUE=PERIOD:20231223T150000Z/PT2H\r\nEND:VEVENT\r\n")
        let entry = Self.entry(group)
        #expect(entry["recurrenceOverrides"] == ["2023-12-23T15:00:00": ["duration": "PT2H"]])
        let noted = entry["iCalendar"]?.objectValue?["convertedProperties"]?.objectValue
        #expect(
            noted?["recurrenceOverrides/2023-12-23T15:00:00"]
                == ["@type": "ICalProperty", "name": "rdate", "valueType": "period"])
        #expect(entry["iCalendar"]?.objectValue?["properties"] == nil)
        let written = Self.write(group)
        #expect(written.contains("RDATE;VALUE=PERIOD:20231223T150000Z/PT2H\r\n"), "\(written)")
        #expect(!written.contains("RECURRENCE-ID"))
        #expect(Self.isStable(group))
    }

    /// RFC 5545 §3.3.9: a period with an explicit end converts to the exact time between the
    /// two instants (here across a DST change), in another zone than DTSTART's too, and the
    /// written RDATE expands to the same instances.
    @Test func explicitEndPeriodsKeepTheirInstances() {
        let original = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            UID:p\r
            DTSTART;TZID=Europe/Berlin:20240301T100000\r
            DURATION:PT1H\r
            RRULE:FREQ=WEEKLY;COUNT=3\r
            RDATE;VALUE=PERIOD;TZID=Europe/Berlin:20240330T120000/20240331T120000,20240402T090000/PT90M\r
            RDATE;VALUE=PERIOD;TZID=America/New_York:20240405T080000/20240405T083000\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let group = JSCalendarConverter.jsCalendar(from: ICalParser.parse(original).calendar)
        let entry = Self.entry(group)
        #expect(
            entry["recurrenceOverrides"] == [
                "2024-03-30T12:00:00": ["duration": "PT23H"], "2024-04-02T09:00:00": ["duration": "PT1H30M"],
                "2024-04-05T14:00:00": ["duration": "PT30M"],
            ], "\(encodeJSON(.object(entry)))")
        #expect(entry["iCalendar"]?.objectValue?["properties"] == nil)
        let written = Self.write(group)
        #expect(written.contains("RDATE;VALUE=PERIOD;TZID=America/New_York:20240405T080000/PT30M\r\n"), "\(written)")
        #expect(Self.isStable(group))
        let before = Self.instances(original)
        #expect(before.count == 6)
        #expect(Self.instances(written) == before)
    }

    /// A period whose instance a RECURRENCE-ID component also overrides cannot be one patch: the
    /// RDATE stays in iCalendar/properties, as does an unreadable one.
    @Test func rdatePeriodsThatCannotConvertAreKept() {
        let group = Self.read(
            "BEGIN:VEVENT\r\nUID:p\r\nDTSTART:20230101T130000Z\r\nRRULE:FREQ=MONTHLY\r\n"
                + "RDATE;VALUE=PERIOD:20230205T100000Z/PT2H\r\n"
                + "RDATE;VALUE=PERIOD:20230301T180000Z/20230301T170000Z\r\nEND:VEVENT\r\n"
                + "BEGIN:VEVENT\r\nUID:p\r\nRECURRENCE-ID:20230205T100000Z\r\nDTSTART:20230205T110000Z\r\n"
                + "SUMMARY:moved\r\nEND:VEVENT\r\n")
        let entry = Self.entry(group)
        let kept = entry["iCalendar"]?.objectValue?["properties"]?.arrayValue ?? []
        #expect(kept.count == 2)
        #expect(entry["recurrenceOverrides"]?.objectValue?.keys.sorted() == ["2023-02-05T10:00:00"])
        #expect(Self.isStable(group))
    }

    /// §3.2: an override that is more than a duration, or a duration patch not noted as an RDATE
    /// PERIOD, is a recurrence override component.
    @Test func otherDurationPatchesAreComponents() {
        let event: JSONObject = [
            "@type": "Event", "uid": "p", "start": "2023-01-01T13:00:00", "timeZone": "Etc/UTC",
            "duration": "PT1H", "recurrenceRule": ["@type": "RecurrenceRule", "frequency": "monthly"],
            "recurrenceOverrides": ["2023-02-01T13:00:00": ["duration": "PT2H"]],
        ]
        let written = JSCalendarConverter.iCalendar(from: event).serialized()
        #expect(written.contains("RECURRENCE-ID:20230201T130000Z\r\n"), "\(written)")
        #expect(!written.contains("RDATE"))
    }
}
