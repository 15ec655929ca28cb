import Foundation
import Testing

@testable import JSCalendar

/// Hand-checked recurrence sets: RDATE PERIOD durations and to-dos with only DUE.
@Suite struct RecurrenceSetTests {
    static func expand(_ components: String) -> [RecurrenceExpander.Instance] {
        let text = "BEGIN:VCALENDAR\r\n\(components)END:VCALENDAR\r\n"
        return RecurrenceExpander.instances(
            uid: "r", in: ICalParser.parse(text).calendar,
            window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800), limit: 20)
    }

    /// An RDATE PERIOD gives its instance its own end (start/end) or duration (start/duration):
    /// the period is "a precise period of time" (RFC 5545 §3.3.9) and converts to the override's
    /// duration (jscalendar-icalendar §2.3.33). The master's own instance lasts its DTEND (4h).
    @Test func rdatePeriodsKeepTheirLength() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:r\r
            DTSTART:19961230T020000Z\r
            DTEND:19961230T060000Z\r
            RDATE;VALUE=PERIOD:19970101T180000Z/19970102T070000Z,19970103T100000Z/PT90M\r
            RDATE:19970105T020000Z\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.utcStart) == [
                utc("1996-12-30T02:00:00Z"), utc("1997-01-01T18:00:00Z"), utc("1997-01-03T10:00:00Z"),
                utc("1997-01-05T02:00:00Z"),
            ])
        #expect(
            instances.map(\.utcEnd) == [
                utc("1996-12-30T06:00:00Z"), utc("1997-01-02T07:00:00Z"), utc("1997-01-03T11:30:00Z"),
                utc("1997-01-05T06:00:00Z"),
            ])
    }

    /// An RDATE PERIOD in a zone: 2015-03-28 10:00 to 2015-03-29 10:00 Berlin spans the
    /// spring-forward (CET → CEST), so it lasts 23 hours: 09:00Z to 08:00Z.
    @Test func rdatePeriodInAZone() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:r\r
            DTSTART;TZID=Europe/Berlin:20150301T100000\r
            DURATION:PT1H\r
            RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20150328T100000/20150329T100000\r
            END:VEVENT\r

            """)
        #expect(instances.last?.utcStart == utc("2015-03-28T09:00:00Z"))
        #expect(instances.last?.utcEnd == utc("2015-03-29T08:00:00Z"))
    }

    /// A to-do with DUE and no DTSTART is one instance at DUE, with no duration (RFC 5545
    /// §3.6.2: DUE is when it is expected to be completed).
    @Test func dueOnlyTodo() {
        let instances = Self.expand(
            """
            BEGIN:VTODO\r
            UID:r\r
            DUE:19980415T235959Z\r
            END:VTODO\r

            """)
        #expect(instances.map(\.utcStart) == [utc("1998-04-15T23:59:59Z")])
        #expect(instances.map(\.utcEnd) == [utc("1998-04-15T23:59:59Z")])
    }

    /// An all-day event's DTEND-DTSTART is a number of days, not of hours: floating in
    /// Pacific/Auckland, 2012-04-01 lasts 25 hours (NZDT ends at 03:00), and the instance still
    /// ends at midnight of 2012-04-02 (RFC 5545 §3.3.4: DATE values have no zone).
    @Test func allDayInstancesEndAtMidnightAcrossDST() {
        let text = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            UID:r\r
            DTSTART;VALUE=DATE:20110401\r
            DTEND;VALUE=DATE:20110402\r
            RRULE:FREQ=YEARLY;COUNT=2\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let auckland = ICalTimeZone.iana(TimeZone(identifier: "Pacific/Auckland") ?? .gmt)
        let instances = RecurrenceExpander.instances(
            uid: "r", in: ICalParser.parse(text).calendar,
            window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800), limit: 5,
            floatingZone: auckland)
        // 2012-04-01 00:00 NZDT (+13) = 2012-03-31 11:00Z; 2012-04-02 00:00 NZST (+12) = 12:00Z.
        #expect(instances.last?.utcStart == utc("2012-03-31T11:00:00Z"))
        #expect(instances.last?.utcEnd == utc("2012-04-01T12:00:00Z"))
    }

    /// EXRULE (RFC 2445 §4.8.5.2, deprecated in RFC 5545 Appendix A.3) removes the instances it
    /// generates: the RFC 2445 example "every Friday the 13th" excluded from every Friday.
    /// Fridays from 1998-02-06: 02-06, (02-13 excluded), 02-20, 02-27, 03-06, (03-13 excluded), 03-20.
    @Test func exruleExcludesItsInstances() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:r\r
            DTSTART:19980206T090000Z\r
            RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=19980321T000000Z\r
            EXRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.utcStart) == [
                utc("1998-02-06T09:00:00Z"), utc("1998-02-20T09:00:00Z"), utc("1998-02-27T09:00:00Z"),
                utc("1998-03-06T09:00:00Z"), utc("1998-03-20T09:00:00Z"),
            ])
    }

    /// A small limit is the first instances in the window, however many came before it: "does any
    /// instance overlap?" (RFC 4791 §9.9, limit 1) of a daily series that began months earlier.
    @Test func aSmallLimitCountsFromTheWindow() throws {
        let text = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            UID:d\r
            DTSTART:20260101T090000Z\r
            DTEND:20260101T100000Z\r
            RRULE:FREQ=DAILY;COUNT=400\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:w\r
            DTSTART;VALUE=DATE:20260105\r
            RRULE:FREQ=WEEKLY;BYDAY=MO,WE,SA\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let calendar = ICalParser.parse(text).calendar
        let june = utc("2026-06-10T00:00:00Z")...utc("2026-06-11T00:00:00Z")
        let daily = RecurrenceExpander.instances(uid: "d", in: calendar, window: june, limit: 1)
        #expect(daily.map(\.utcStart) == [utc("2026-06-10T09:00:00Z")])
        // June 10th 2026 is a Wednesday.
        let weekly = RecurrenceExpander.instances(uid: "w", in: calendar, window: june, limit: 1)
        #expect(weekly.map(\.utcStart) == [utc("2026-06-10T00:00:00Z")])
    }
}
