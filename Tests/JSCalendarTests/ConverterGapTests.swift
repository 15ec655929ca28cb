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

    // MARK: SHOW-WITHOUT-TIME (§2.3.38, §3.2)

    /// Figure 74: SHOW-WITHOUT-TIME:TRUE with DATE-TIME values is "showWithoutTime"; with a zone
    /// the writer keeps the DATE-TIME and writes the property (with its REQUIRED VALUE=BOOLEAN,
    /// extensions-06 §4.2).
    @Test func showWithoutTimeIsReadAndWrittenBack() {
        let group = Self.read(
            "BEGIN:VEVENT\r\nUID:s\r\nDTSTART;TZID=America/Chicago:20250521T080000\r\nDURATION:PT12H\r\n"
                + "SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE\r\nEND:VEVENT\r\n")
        let entry = Self.entry(group)
        #expect(entry["showWithoutTime"] == true)
        #expect(entry["start"] == "2025-05-21T08:00:00")
        #expect(entry["timeZone"] == "America/Chicago")
        #expect(entry["iCalendar"] == nil, "\(encodeJSON(.object(entry)))")
        let written = Self.write(group)
        #expect(written.contains("DTSTART;TZID=America/Chicago:20250521T080000\r\n"), "\(written)")
        #expect(written.contains("SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE\r\n"))
        #expect(Self.isStable(group))
    }

    /// §3.2: DATE values only with "showWithoutTime", no "timeZone" and no time in any value
    /// (start, duration, until, override keys); otherwise DATE-TIME plus SHOW-WITHOUT-TIME.
    @Test(
        arguments: [
            (JSONObject(), true),
            (["timeZone": "Europe/Berlin"], false),
            (["start": "2024-05-01T09:30:00"], false),
            (["duration": "PT2H"], false),
            (["duration": "PT48H"], true),
            (
                ["recurrenceRule": ["@type": "RecurrenceRule", "frequency": "daily", "until": "2024-05-09T12:00:00"]],
                false
            ),
            (["recurrenceOverrides": ["2024-05-03T10:00:00": [:]]], false),
            (["recurrenceOverrides": ["2024-05-03T00:00:00": ["title": "moved"]]], true),
        ] as [(JSONObject, Bool)])
    func showWithoutTimeWritesDatesOnlyWithoutTimes(_ change: JSONObject, _ dates: Bool) {
        var event: JSONObject = [
            "@type": "Event", "uid": "s", "start": "2024-05-01T00:00:00", "duration": "P1D",
            "showWithoutTime": true,
            "recurrenceRule": ["@type": "RecurrenceRule", "frequency": "daily", "count": 5],
        ]
        for (key, value) in change { event[key] = value }
        let written = JSCalendarConverter.iCalendar(from: event).serialized()
        #expect(written.contains("DTSTART;VALUE=DATE:") == dates, "\(written)")
        #expect(written.contains("SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE\r\n") == !dates)
        if written.contains("RECURRENCE-ID") {
            // RFC 5545 §3.8.4.4: RECURRENCE-ID has the type of the series' DTSTART.
            #expect(written.contains("RECURRENCE-ID;VALUE=DATE:20240503\r\n") == dates)
        }
        let back = JSCalendarConverter.jsCalendar(from: ICalParser.parse(written).calendar)
        #expect(Self.entry(back)["showWithoutTime"] == true)
        #expect(Self.entry(back)["duration"] == event["duration"])
        #expect(Self.isStable(back))
    }

    /// §2.3.38: with DATE values the property MUST be ignored, and extensions-06 §4.2 says not
    /// to preserve it; an ill-specified FALSE is not read but kept.
    @Test func showWithoutTimeIsIgnoredWithDatesOrFalse() {
        let dated = Self.entry(
            Self.read(
                "BEGIN:VEVENT\r\nUID:s\r\nDTSTART;VALUE=DATE:20250521\r\n"
                    + "SHOW-WITHOUT-TIME;VALUE=BOOLEAN:TRUE\r\nEND:VEVENT\r\n"))
        #expect(dated["showWithoutTime"] == true)
        #expect(dated["iCalendar"] == nil)
        let group = Self.read(
            "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20250521T080000Z\r\n"
                + "SHOW-WITHOUT-TIME;VALUE=BOOLEAN:FALSE\r\nEND:VEVENT\r\n")
        let entry = Self.entry(group)
        #expect(entry["showWithoutTime"] == nil)
        #expect(entry["iCalendar"]?.objectValue?["properties"]?.arrayValue?.count == 1)
        #expect(Self.isStable(group))
    }

    /// The update path rewrites SHOW-WITHOUT-TIME with DTSTART when "showWithoutTime" changes.
    @Test func updateWritesShowWithoutTime() {
        let stored = ICalParser.parse(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20250101T000000Z\r\n"
                + "DTSTART;TZID=America/Chicago:20250521T080000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ).calendar
        var event = Self.entry(JSCalendarConverter.jsCalendar(from: stored))
        event["showWithoutTime"] = true
        let on = JSCalendarConverter.updatedICalendar(stored: stored, newEvent: event)
        #expect(on.serialized().components(separatedBy: "SHOW-WITHOUT-TIME").count == 2, "\(on.serialized())")
        #expect(Self.entry(JSCalendarConverter.jsCalendar(from: on)) == event)
        event["showWithoutTime"] = nil
        let off = JSCalendarConverter.updatedICalendar(stored: on, newEvent: event)
        #expect(!off.serialized().contains("SHOW-WITHOUT-TIME"), "\(off.serialized())")
    }
}
