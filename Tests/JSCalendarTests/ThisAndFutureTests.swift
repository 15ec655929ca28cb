import Foundation
import Testing

@testable import JSCalendar

/// RECURRENCE-ID;RANGE=THISANDFUTURE (RFC 5545 §3.8.4.4): the override's shift of start and its
/// duration apply to its instance and to every later one by RECURRENCE-ID; later instances that
/// have their own override are not impacted; a later THISANDFUTURE override starts a new range.
/// All expectations worked out by hand.
@Suite struct ThisAndFutureTests {
    static func expand(_ components: String, limit: Int = 20) -> [RecurrenceExpander.Instance] {
        let text = "BEGIN:VCALENDAR\r\n\(components)END:VCALENDAR\r\n"
        return RecurrenceExpander.instances(
            uid: "t", in: ICalParser.parse(text).calendar,
            window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800), limit: limit)
    }

    /// Daily 09:00-10:00 Berlin (CET, +01) from 2024-01-01, five instances. The third
    /// (2024-01-03 09:00 = 08:00Z) is moved two hours later and made 30 minutes long: it and the
    /// fourth and fifth start at 11:00 (10:00Z) and end at 11:30 (10:30Z) (§3.8.4.4: "all
    /// subsequent instances are also rescheduled by the same time difference" and "modified to
    /// have this same duration"); the first two are untouched.
    @Test func shiftAndDurationApplyToLaterInstances() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:t\r
            DTSTART;TZID=Europe/Berlin:20240101T090000\r
            DTEND;TZID=Europe/Berlin:20240101T100000\r
            RRULE:FREQ=DAILY;COUNT=5\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;TZID=Europe/Berlin;RANGE=THISANDFUTURE:20240103T090000\r
            DTSTART;TZID=Europe/Berlin:20240103T110000\r
            DTEND;TZID=Europe/Berlin:20240103T113000\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.utcStart) == [
                utc("2024-01-01T08:00:00Z"), utc("2024-01-02T08:00:00Z"), utc("2024-01-03T10:00:00Z"),
                utc("2024-01-04T10:00:00Z"), utc("2024-01-05T10:00:00Z"),
            ])
        #expect(
            instances.map(\.utcEnd) == [
                utc("2024-01-01T09:00:00Z"), utc("2024-01-02T09:00:00Z"), utc("2024-01-03T10:30:00Z"),
                utc("2024-01-04T10:30:00Z"), utc("2024-01-05T10:30:00Z"),
            ])
        // The later instances keep their own RECURRENCE-ID and take the override's properties.
        #expect(instances.map(\.isOverride) == [false, false, true, false, false])
        #expect(instances[3].recurrenceId.local == LocalDateTime(year: 2024, month: 1, day: 4, hour: 9))
        let rangeId = LocalDateTime(year: 2024, month: 1, day: 3, hour: 9)
        #expect(instances.map { $0.overrideId?.local } == [nil, nil, rangeId, rangeId, rangeId])
    }

    /// The shift is one of wall time in the series' zone: weekly Fridays 09:00 New York moved to
    /// Thursdays 09:00 from 2024-03-01 on keeps 09:00 local after the spring-forward of
    /// 2024-03-10 (EST -05 → EDT -04): 14:00Z, then 13:00Z.
    @Test func shiftIsWallClockAcrossDST() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:t\r
            DTSTART;TZID=America/New_York:20240223T090000\r
            DURATION:PT1H\r
            RRULE:FREQ=WEEKLY;COUNT=4\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;TZID=America/New_York;RANGE=THISANDFUTURE:20240301T090000\r
            DTSTART;TZID=America/New_York:20240229T090000\r
            DURATION:PT1H\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.utcStart) == [
                utc("2024-02-23T14:00:00Z"), utc("2024-02-29T14:00:00Z"), utc("2024-03-07T14:00:00Z"),
                utc("2024-03-14T13:00:00Z"),
            ])
    }

    /// A later instance with its own override is not impacted ("Subsequent instances defined in
    /// separate components are not impacted"), and the range goes on after it; a second
    /// THISANDFUTURE override replaces the first from its instance on.
    @Test func laterOverridesStandAlone() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:t\r
            DTSTART:20240101T090000Z\r
            DTEND:20240101T100000Z\r
            RRULE:FREQ=DAILY;COUNT=6\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;RANGE=THISANDFUTURE:20240102T090000Z\r
            DTSTART:20240102T100000Z\r
            DTEND:20240102T110000Z\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID:20240103T090000Z\r
            DTSTART:20240103T070000Z\r
            DTEND:20240103T073000Z\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;RANGE=THISANDFUTURE:20240105T090000Z\r
            DTSTART:20240105T080000Z\r
            DTEND:20240105T081500Z\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.utcStart) == [
                utc("2024-01-01T09:00:00Z"), utc("2024-01-02T10:00:00Z"), utc("2024-01-03T07:00:00Z"),
                utc("2024-01-04T10:00:00Z"), utc("2024-01-05T08:00:00Z"), utc("2024-01-06T08:00:00Z"),
            ])
        #expect(
            instances.map(\.utcEnd) == [
                utc("2024-01-01T10:00:00Z"), utc("2024-01-02T11:00:00Z"), utc("2024-01-03T07:30:00Z"),
                utc("2024-01-04T11:00:00Z"), utc("2024-01-05T08:15:00Z"), utc("2024-01-06T08:15:00Z"),
            ])
    }

    /// A cancelled THISANDFUTURE override ends the series at its instance: STATUS is one of "its
    /// other properties" that the later instances take.
    @Test func cancelledRangeEndsTheSeries() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:t\r
            DTSTART;VALUE=DATE:20240101\r
            RRULE:FREQ=DAILY;COUNT=5\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;VALUE=DATE;RANGE=THISANDFUTURE:20240103\r
            DTSTART;VALUE=DATE:20240103\r
            STATUS:CANCELLED\r
            END:VEVENT\r

            """)
        #expect(
            instances.map(\.recurrenceId.local) == [
                LocalDateTime(year: 2024, month: 1, day: 1), LocalDateTime(year: 2024, month: 1, day: 2),
            ])
    }

    /// An unbounded rule moved later by a THISANDFUTURE override is still capped by `limit`.
    @Test func unboundedRuleStaysCapped() {
        let instances = Self.expand(
            """
            BEGIN:VEVENT\r
            UID:t\r
            DTSTART:20240101T090000Z\r
            RRULE:FREQ=MINUTELY\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:t\r
            RECURRENCE-ID;RANGE=THISANDFUTURE:20240101T090200Z\r
            DTSTART:20240101T093200Z\r
            END:VEVENT\r

            """, limit: 7)
        #expect(instances.count == 7)
        #expect(instances.last?.utcStart == utc("2024-01-01T09:36:00Z"))
    }
}
