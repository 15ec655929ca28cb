import Foundation
import JSON
import Testing

@testable import JSCalendar

@Suite struct UpdateTests {
    static let stored = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//Test//EN\r
        BEGIN:VEVENT\r
        UID:abc-1\r
        DTSTAMP:20240101T000000Z\r
        DTSTART;TZID=Europe/Berlin:20240101T140000\r
        DTEND;TZID=Europe/Berlin:20240101T150000\r
        RRULE:FREQ=DAILY;COUNT=5\r
        SUMMARY;LANGUAGE=en:Standup\r
        X-CUSTOM;X-P=1:keep me\r
        BEGIN:VALARM\r
        ACTION:DISPLAY\r
        DESCRIPTION:Reminder\r
        TRIGGER:-PT15M\r
        END:VALARM\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:abc-1\r
        RECURRENCE-ID;TZID=Europe/Berlin:20240103T140000\r
        DTSTART;TZID=Europe/Berlin:20240103T160000\r
        DTEND;TZID=Europe/Berlin:20240103T170000\r
        SUMMARY;LANGUAGE=en:Standup\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    /// Unchanged event → byte-identical iCalendar.
    @Test func unchangedIsByteIdentical() throws {
        let calendar = ICalParser.parse(Self.stored).calendar
        let event = try #require(
            JSCalendarConverter.jsCalendar(from: calendar)["entries"]?.arrayValue?.first?.objectValue)
        let updated = JSCalendarConverter.updatedICalendar(stored: calendar, newEvent: event)
        #expect(updated.serialized() == Self.stored)
    }

    /// A title change rewrites only SUMMARY lines: the master's, and the override's, whose
    /// patch has no title (jscalendarbis §4.3.5: the override inherits the new title).
    @Test func titleChangeRewritesOnlySummary() throws {
        let calendar = ICalParser.parse(Self.stored).calendar
        var event = try #require(
            JSCalendarConverter.jsCalendar(from: calendar)["entries"]?.arrayValue?.first?.objectValue)
        event["title"] = "Daily standup"
        let output = JSCalendarConverter.updatedICalendar(stored: calendar, newEvent: event).serialized()
        let before = Self.stored.components(separatedBy: "\r\n")
        let after = output.components(separatedBy: "\r\n")
        #expect(before.count == after.count)
        let differing = zip(before, after).filter { $0 != $1 }
        #expect(differing.count == 2)
        #expect(differing.allSatisfy { $0.1 == "SUMMARY;LANGUAGE=en:Daily standup" })
    }
}

/// RFC 5545 §3.8.5.3 examples with their expected dates (America/New_York, DST included).
@Suite struct RecurrenceExampleTests {
    static func expand(_ rule: String, start: String, count: Int = 400, tzid: String = "America/New_York") -> [String] {
        let text =
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=\(tzid):\(start)\r\nRRULE:\(rule)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let calendar = ICalParser.parse(text).calendar
        let zone = TimeZone(identifier: tzid) ?? .gmt
        let instances = RecurrenceExpander.instances(
            uid: "x", in: calendar, window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800),
            limit: count)
        return instances.map { instance in
            ICalTimeZone.iana(zone).local(ofUTC: Int(instance.utcStart.timeIntervalSince1970)).icalDateTime
        }
    }

    @Test func dailyForTenOccurrences() {
        let dates = Self.expand("FREQ=DAILY;COUNT=10", start: "19970902T090000")
        #expect(dates.count == 10)
        #expect(dates.last == "19970911T090000")
    }

    @Test func everyOtherDayUntil() {
        let dates = Self.expand("FREQ=DAILY;INTERVAL=10;COUNT=5", start: "19970902T090000")
        #expect(
            dates == ["19970902T090000", "19970912T090000", "19970922T090000", "19971002T090000", "19971012T090000"])
    }

    @Test func weeklyTuesdayThursdayForFiveWeeks() {
        let dates = Self.expand("FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", start: "19970902T090000")
        #expect(
            dates == [
                "19970902T090000", "19970904T090000", "19970909T090000", "19970911T090000", "19970916T090000",
                "19970918T090000", "19970923T090000", "19970925T090000", "19970930T090000", "19971002T090000",
            ])
    }

    @Test func monthlyFirstFriday() {
        let dates = Self.expand("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", start: "19970905T090000")
        #expect(dates.prefix(4) == ["19970905T090000", "19971003T090000", "19971107T090000", "19971205T090000"])
        #expect(dates.last == "19980605T090000")
    }

    @Test func monthlySecondToLastMonday() {
        let dates = Self.expand("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", start: "19970922T090000")
        #expect(
            dates == [
                "19970922T090000", "19971020T090000", "19971117T090000", "19971222T090000", "19980119T090000",
                "19980216T090000",
            ])
    }

    @Test func monthlyThirdToLastDay() {
        let dates = Self.expand("FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6", start: "19970928T090000")
        #expect(
            dates == [
                "19970928T090000", "19971029T090000", "19971128T090000", "19971229T090000", "19980129T090000",
                "19980226T090000",
            ])
    }

    @Test func yearlyEveryThirdYearOnDays() {
        let dates = Self.expand("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", start: "19970101T090000")
        #expect(
            dates == [
                "19970101T090000", "19970410T090000", "19970719T090000", "20000101T090000", "20000409T090000",
                "20000718T090000", "20030101T090000", "20030410T090000", "20030719T090000", "20060101T090000",
            ])
    }

    @Test func yearlyMondayOfWeek20() {
        let dates = Self.expand("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3", start: "19970512T090000")
        #expect(dates == ["19970512T090000", "19980511T090000", "19990517T090000"])
    }

    @Test func fridayThe13th() {
        let dates = Self.expand("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5", start: "19970902T090000")
        // DTSTART counts as the first instance (RFC 5545 §3.8.5.3).
        #expect(
            dates == ["19970902T090000", "19980213T090000", "19980313T090000", "19981113T090000", "19990813T090000"])
    }

    @Test func lastWorkdayOfMonth() {
        let dates = Self.expand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4", start: "19970930T090000")
        #expect(dates == ["19970930T090000", "19971031T090000", "19971128T090000", "19971231T090000"])
    }

    @Test func everyThreeHoursUntil() {
        let dates = Self.expand("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z", start: "19970902T090000")
        #expect(dates == ["19970902T090000", "19970902T120000", "19970902T150000"])
    }

    @Test func everyFifteenMinutesSixTimes() {
        let dates = Self.expand("FREQ=MINUTELY;INTERVAL=15;COUNT=6", start: "19970902T090000")
        #expect(dates.last == "19970902T101500")
    }

    @Test func uSPresidentialElection() {
        let dates = Self.expand(
            "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8;COUNT=3", start: "19961105T090000")
        #expect(dates == ["19961105T090000", "20001107T090000", "20041102T090000"])
    }

    @Test func wkstChangesResult() {
        #expect(
            Self.expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", start: "19970805T090000")
                == ["19970805T090000", "19970810T090000", "19970819T090000", "19970824T090000"])
        #expect(
            Self.expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", start: "19970805T090000")
                == ["19970805T090000", "19970817T090000", "19970819T090000", "19970831T090000"])
    }

    @Test func invalidDatesAreSkipped() {
        let dates = Self.expand("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", start: "20070115T090000")
        #expect(
            dates == ["20070115T090000", "20070130T090000", "20070215T090000", "20070315T090000", "20070330T090000"])
    }

    /// Local wall time is kept across DST (RFC 5545 §3.3.10): 09:00 EDT then 09:00 EST.
    @Test func wallTimeKeptAcrossDST() throws {
        let text =
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=America/New_York:19971025T090000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let calendar = ICalParser.parse(text).calendar
        let instances = RecurrenceExpander.instances(
            uid: "d", in: calendar, window: Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_102_444_800),
            limit: 10)
        #expect(
            instances.map(\.utcStart) == [
                utc("1997-10-25T13:00:00Z"), utc("1997-10-26T14:00:00Z"), utc("1997-10-27T14:00:00Z"),
            ])
    }
}

@Suite struct TimeZoneTests {
    @Test func windowsAndPrefixedIds() {
        #expect(TimeZoneResolver.ianaIdentifier(for: "W. Europe Standard Time") == "Europe/Berlin")
        #expect(
            TimeZoneResolver.ianaIdentifier(for: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna")
                == "Europe/Berlin")
        #expect(
            TimeZoneResolver.ianaIdentifier(for: "/freeassociation.sourceforge.net/Tzfile/Europe/London")
                == "Europe/London")
        #expect(TimeZoneResolver.ianaIdentifier(for: "Europe/Paris") == "Europe/Paris")
        #expect(TimeZoneResolver.ianaIdentifier(for: "Customized Time Zone") == nil)
    }

    /// A VTIMEZONE with a non-IANA TZID is evaluated from its own rules (RFC 5545 §3.6.5).
    @Test func customVTimezone() {
        let text = """
            BEGIN:VCALENDAR\r
            BEGIN:VTIMEZONE\r
            TZID:My Zone\r
            BEGIN:STANDARD\r
            DTSTART:16011028T030000\r
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
            TZOFFSETFROM:+0200\r
            TZOFFSETTO:+0100\r
            END:STANDARD\r
            BEGIN:DAYLIGHT\r
            DTSTART:16010325T020000\r
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
            TZOFFSETFROM:+0100\r
            TZOFFSETTO:+0200\r
            END:DAYLIGHT\r
            END:VTIMEZONE\r
            END:VCALENDAR\r

            """
        let resolver = TimeZoneResolver(ICalParser.parse(text).calendar)
        let zone = resolver.zone(for: "My Zone")
        #expect(
            zone.utcSeconds(of: LocalDateTime(year: 2024, month: 7, day: 1, hour: 12))
                == Int(utc("2024-07-01T10:00:00Z").timeIntervalSince1970))
        #expect(
            zone.utcSeconds(of: LocalDateTime(year: 2024, month: 1, day: 1, hour: 12))
                == Int(utc("2024-01-01T11:00:00Z").timeIntervalSince1970))
    }

    @Test func floatingAndDateValues() throws {
        let value = try #require(ICalDateTime.parse("20240301"))
        #expect(value.isDate)
        let floating = try #require(ICalDateTime.parse("20240301T100000"))
        #expect(floating.zone == .floating)
        #expect(ICalTimeZone.floating.utcSeconds(of: floating.local) == floating.local.secondsSinceEpoch)
    }

    /// RFC 5545 §3.3.5: a time in the spring-forward gap is read with the offset before it.
    @Test func gapTime() {
        let zone = ICalTimeZone.iana(TimeZone(identifier: "America/New_York") ?? .gmt)
        #expect(
            zone.utcSeconds(of: LocalDateTime(year: 2024, month: 3, day: 10, hour: 2, minute: 30))
                == Int(utc("2024-03-10T07:30:00Z").timeIntervalSince1970))
    }
}

@Suite struct ValidationTests {
    @Test func flagsInvalidProperties() {
        let event: JSONObject = [
            "@type": "Event", "uid": "u", "start": "2024-01-01T10:00:00Z", "priority": 12, "duration": "1h",
            "alerts": ["a": ["@type": "Alert"]],
        ]
        #expect(JSCalendarValidation.validate(event) == ["alerts/a/trigger", "duration", "priority", "start"])
        #expect(JSCalendarValidation.validate(["@type": "Event", "uid": "u", "start": "2024-01-01T10:00:00"]).isEmpty)
    }
}
