import Foundation
import Testing

@testable import JSCalendar

/// Hand-checked expansions around DST and month-length edges (RFC 5545 §3.3.10, §3.8.5.3).
@Suite struct DSTExpansionTests {
    static func utcStarts(_ event: String, limit: Int = 20) -> [Date] {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:h\r\n\(event)END:VEVENT\r\nEND:VCALENDAR\r\n"
        return RecurrenceExpander.instances(
            uid: "h", in: ICalParser.parse(text).calendar,
            window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800), limit: limit
        ).map(\.utcStart)
    }

    /// Europe/Berlin springs forward on 2024-03-31 (CET +01 → CEST +02): 10:00 local stays
    /// 10:00, so the UTC time moves one hour earlier.
    @Test func berlinSpringForward() {
        let starts = Self.utcStarts("DTSTART;TZID=Europe/Berlin:20240330T100000\r\nRRULE:FREQ=DAILY;COUNT=3\r\n")
        #expect(starts == [utc("2024-03-30T09:00:00Z"), utc("2024-03-31T08:00:00Z"), utc("2024-04-01T08:00:00Z")])
    }

    /// Europe/Berlin falls back on 2024-10-27 (CEST → CET).
    @Test func berlinFallBack() {
        let starts = Self.utcStarts("DTSTART;TZID=Europe/Berlin:20241026T100000\r\nRRULE:FREQ=DAILY;COUNT=2\r\n")
        #expect(starts == [utc("2024-10-26T08:00:00Z"), utc("2024-10-27T09:00:00Z")])
    }

    /// America/New_York springs forward on 2024-03-10 (EST -05 → EDT -04); weekly at 09:00.
    @Test func newYorkSpringForwardWeekly() {
        let starts = Self.utcStarts(
            "DTSTART;TZID=America/New_York:20240303T090000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n")
        #expect(starts == [utc("2024-03-03T14:00:00Z"), utc("2024-03-10T13:00:00Z")])
    }

    /// BYDAY=-1SU: the last Sunday of each month (RFC 5545 §3.3.10 BYDAY with an ordinal),
    /// across the New York spring-forward on 2024-03-10. DTSTART is synchronised with the rule
    /// (§3.8.5.3: otherwise the set is undefined; we would add DTSTART as an instance).
    @Test func lastSundayOfTheMonth() {
        let dates = RecurrenceExampleTests.expand("FREQ=MONTHLY;BYDAY=-1SU;COUNT=3", start: "20240128T100000")
        #expect(dates == ["20240128T100000", "20240225T100000", "20240331T100000"])
    }

    /// BYMONTHDAY=31 skips months without a 31st: invalid dates are ignored (RFC 5545 §3.3.10).
    @Test func thirtyFirstSkipsShortMonths() {
        let dates = RecurrenceExampleTests.expand("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4", start: "20240131T090000")
        #expect(dates == ["20240131T090000", "20240331T090000", "20240531T090000", "20240731T090000"])
    }

    /// UNTIL in UTC for a zoned DTSTART is compared as an instant: 10:00 CET is 09:00Z, so an
    /// UNTIL of exactly 09:00Z includes that day (UNTIL is inclusive, RFC 5545 §3.3.10).
    @Test func untilInUTCForAZonedStart() {
        let starts = Self.utcStarts(
            "DTSTART;TZID=Europe/Berlin:20240101T100000\r\nRRULE:FREQ=DAILY;UNTIL=20240103T090000Z\r\n")
        #expect(starts == [utc("2024-01-01T09:00:00Z"), utc("2024-01-02T09:00:00Z"), utc("2024-01-03T09:00:00Z")])
    }

    /// With a floating DTSTART, UNTIL is floating too and compared as wall time.
    @Test func floatingUntilForAFloatingStart() {
        let starts = Self.utcStarts("DTSTART:20240101T100000\r\nRRULE:FREQ=DAILY;UNTIL=20240103T095959\r\n")
        #expect(starts.count == 2)
    }

    /// An unbounded rule stops at the caller's limit, quickly, even for FREQ=SECONDLY.
    @Test func unboundedRuleIsCapped() {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let starts = Self.utcStarts("DTSTART:20240101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n", limit: 1000)
            #expect(starts.count == 1000)
            let never = Self.utcStarts("DTSTART:20240101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n")
            #expect(never.count <= 1)
        }
        #expect(elapsed < .seconds(5))
    }
}
