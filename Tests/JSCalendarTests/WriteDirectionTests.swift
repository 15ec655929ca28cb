import Foundation
import JSON
import Testing

@testable import JSCalendar

/// JSCalendar → iCalendar requirements of RFC 5545 the JSCalendar side cannot express.
@Suite struct WriteDirectionTests {
    static let event: JSONObject = [
        "@type": "Event", "uid": "w-1", "title": "Flight", "start": "2024-07-01T10:00:00",
        "timeZone": "Europe/Berlin", "duration": "PT2H",
        "alerts": ["a1": ["@type": "Alert", "trigger": ["@type": "OffsetTrigger", "offset": "-PT15M"]]],
    ]

    /// RFC 5545 §3.6.6: a DISPLAY alarm MUST have a DESCRIPTION; it is written, and reading it
    /// back adds nothing to the alert but the ACTION it needs, as "action": "display" (draft-25
    /// §2.3.2 Fig. 15: the default made explicit).
    @Test func displayAlarmGetsADescription() throws {
        let calendar = JSCalendarConverter.iCalendar(from: Self.event)
        let alarm = try #require(calendar.calendar?.components.first?.components(named: "VALARM").first)
        #expect(alarm.property("ACTION")?.value == "DISPLAY")
        #expect(alarm.property("DESCRIPTION")?.value == "Reminder")
        let back = JSCalendarConverter.jsCalendar(from: ICalParser.parse(calendar.serialized()).calendar)
        let entry = try #require(back["entries"]?.arrayValue?.first?.objectValue)
        var expected = Self.event["alerts"]?.objectValue?["a1"]?.objectValue ?? [:]
        expected["action"] = "display"
        #expect(entry["alerts"] == .object(["a1": .object(expected)]))
    }

    /// Vendor members inside map entries are written as JSPROP with a pointer into the entry
    /// (draft-25 §4.1.2 Fig. 91) and come back; so do endTimeZone, locale, categories and a
    /// main location written as a VLOCATION.
    @Test func nestedMembersComeBack() throws {
        let event: JSONObject = [
            "@type": "Event", "uid": "w-2", "title": "Trip", "locale": "de", "start": "2024-07-01T10:00:00",
            "timeZone": "Europe/Berlin", "duration": "PT10H", "endTimeZone": "Asia/Tokyo",
            "categories": ["https://example.com/c/travel": true],
            "links": [
                "l1": ["@type": "Link", "href": "https://example.com/a.pdf", "rel": "enclosure", "example.com:x": 1],
                "l/2": ["@type": "Link", "href": "https://example.com/", "rel": "alternate", "title": "Home"],
            ],
            "locations": [
                "a": ["@type": "Location", "name": "FRA", "description": "Terminal 1", "example.com:gate": "B2"],
                "b": ["@type": "Location", "name": "NRT", "locationTypes": ["airport": true]],
                "c": ["@type": "Location", "coordinates": "geo:35.76,140.38"],
            ],
            "mainLocationId": "a",
            "participants": [
                "p": [
                    "@type": "Participant", "calendarAddress": "mailto:p@example.com", "roles": ["required": true],
                    "example.com:seat": "12A",
                ]
            ],
        ]
        let text = JSCalendarConverter.iCalendar(from: event).serialized()
        #expect(text.contains("JSPROP;JSPTR=\"links/l1/example.com:x\":1"))
        #expect(text.contains("DTEND;TZID=Asia/Tokyo:20240702T030000"))
        let back = JSCalendarConverter.jsCalendar(from: ICalParser.parse(text).calendar)
        var entry = try #require(back["entries"]?.arrayValue?.first?.objectValue)
        // What the VLOCATION components add: their "iCalendar" name.
        var locations = try #require(entry["locations"]?.objectValue)
        for key in ["a", "b", "c"] {
            var location = locations[key]?.objectValue ?? [:]
            location["iCalendar"] = nil
            locations[key] = .object(location)
        }
        entry["locations"] = .object(locations)
        entry["iCalendar"] = nil
        #expect(entry == event)
    }

    /// RFC 5545 §3.2.19: every TZID needs a VTIMEZONE. Generated from Foundation's transitions;
    /// Europe/Berlin in 2024: CEST from 2024-03-31 02:00 (+0100 → +0200), CET from 2024-10-27
    /// 03:00 (+0200 → +0100), DTSTART in the local time before the onset (§3.6.5).
    @Test func vtimezoneForBerlin() throws {
        let zone = try #require(VTimeZoneGeneration.component(for: "Europe/Berlin", fromYear: 2024))
        let daylight = zone.components(named: "DAYLIGHT").first
        #expect(daylight?.property("DTSTART")?.value == "20240331T020000")
        #expect(daylight?.property("TZOFFSETFROM")?.value == "+0100")
        #expect(daylight?.property("TZOFFSETTO")?.value == "+0200")
        let standard = zone.components(named: "STANDARD").dropFirst().first
        #expect(standard?.property("DTSTART")?.value == "20241027T030000")
        #expect(standard?.property("TZOFFSETTO")?.value == "+0100")
        #expect(VTimeZoneGeneration.component(for: "Etc/UTC", fromYear: 2024) == nil)
    }

    /// The generated VTIMEZONE, read as a custom zone, agrees with Foundation over its span,
    /// including the America/New_York transitions.
    @Test func generatedZoneAgreesWithFoundation() throws {
        for identifier in ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Tokyo"] {
            var definition = try #require(VTimeZoneGeneration.component(for: identifier, fromYear: 2020))
            definition.properties[0] = ICalProperty(name: "TZID", value: "Custom " + identifier)
            let custom = try #require(CustomTimeZone(definition))
            let foundation = try #require(TimeZone(identifier: identifier))
            var seconds = Int(utc("2020-01-01T00:00:00Z").timeIntervalSince1970)
            let end = Int(utc("2030-12-31T00:00:00Z").timeIntervalSince1970)
            while seconds < end {
                let expected = foundation.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
                #expect(custom.offset(atUTC: seconds) == expected, "\(identifier) at \(seconds)")
                seconds += 86400 * 7 + 3600
            }
        }
    }

    /// Opt-in on the create path; the update path adds one for a zone the edit introduces.
    @Test func missingZoneIsAddedOnRequestAndOnUpdate() throws {
        let created = JSCalendarConverter.iCalendar(from: Self.event, generatingTimeZones: true)
        let root = try #require(created.calendar)
        #expect(root.components.first?.upperName == "VTIMEZONE")
        #expect(root.components.first?.property("TZID")?.value == "Europe/Berlin")
        #expect(
            JSCalendarConverter.iCalendar(from: Self.event).calendar?.components(named: "VTIMEZONE").isEmpty == true)

        let stored = ICalParser.parse(UpdateTests.stored).calendar
        var event = try #require(
            JSCalendarConverter.jsCalendar(from: stored)["entries"]?.arrayValue?.first?.objectValue)
        event["timeZone"] = "Asia/Tokyo"
        let updated = JSCalendarConverter.updatedICalendar(stored: stored, newEvent: event)
        let zones = updated.calendar?.components(named: "VTIMEZONE").compactMap { $0.property("TZID")?.value }
        #expect(zones == ["Asia/Tokyo"])
    }
}
