import Foundation
import JMAPCore
import JSCalendar
import Testing

@testable import Gateway

/// The pure parts of JMAP Calendars: synthetic ids, occurrences, filters, availability rules.
@Suite struct CalendarUnitTests {
    static func date(_ text: String) -> Date {
        EventInstances.parseUTCDateTime(text) ?? .distantPast
    }

    @Test("§5.11: a synthetic id carries its event id and recurrenceId, and no stored id parses as one")
    func syntheticIds() throws {
        let base = "eAbCdEfGhIjKlMn_-"
        let recurrenceId = LocalDateTime(year: 2026, month: 3, day: 5, hour: 9, minute: 30)
        let id = EventInstances.syntheticId(base: base, recurrenceId: recurrenceId)
        #expect(id == "eAbCdEfGhIjKlMn_-_20260305T093000")
        #expect(Id.isValid(id), "RFC 8620 §1.2 alphabet")
        let parsed = try #require(EventInstances.parse(id))
        #expect(parsed.base == base && parsed.recurrenceId == recurrenceId)
        #expect(EventInstances.parse(base) == nil)
        #expect(EventInstances.parse(base + "_20261301T000000") == nil, "month 13")
        #expect(EventInstances.parse(base + "-20260305T093000") == nil)
    }

    @Test("§5.7: an occurrence has its override applied, no rules, and an excluded one is none")
    func occurrences() throws {
        let event: JSONObject = [
            "@type": "Event", "uid": "u", "title": "Series", "start": "2026-03-02T09:00:00",
            "recurrenceRule": ["@type": "RecurrenceRule", "frequency": "daily"],
            "participants": ["p": ["name": "Ann", "participationStatus": "accepted"]],
            "recurrenceOverrides": [
                "2026-03-03T09:00:00": ["title": "Moved", "participants/p/participationStatus": "declined"],
                "2026-03-04T09:00:00": ["excluded": true],
            ],
        ]
        let plain = try #require(
            EventInstances.occurrence(of: event, recurrenceId: LocalDateTime(year: 2026, month: 3, day: 5, hour: 9)))
        #expect(plain["start"] == "2026-03-05T09:00:00" && plain["recurrenceId"] == "2026-03-05T09:00:00")
        #expect(plain["recurrenceRule"] == .null && plain["recurrenceOverrides"] == .null)
        #expect(plain["title"] == "Series")
        let moved = try #require(
            EventInstances.occurrence(of: event, recurrenceId: LocalDateTime(year: 2026, month: 3, day: 3, hour: 9)))
        #expect(moved["title"] == "Moved")
        #expect(moved["participants"]?.objectValue?["p"]?.objectValue?["participationStatus"] == "declined")
        #expect(
            EventInstances.occurrence(of: event, recurrenceId: LocalDateTime(year: 2026, month: 3, day: 4, hour: 9))
                == nil)
    }

    @Test("§5.11.1: text conditions, each on the right properties, phrases and case folded")
    func filterConditions() throws {
        let event: JSONObject = [
            "title": "Quarterly Review", "description": "Budget numbers",
            "locations": ["l": ["name": "Room 4B"]],
            "participants": [
                "o": ["name": "Olga Owner", "email": "olga@example.com", "roles": ["owner": true]],
                "a": ["name": "Arno Attendee", "roles": ["attendee": true]],
            ],
            "keywords": ["finance": true],
        ]
        func matches(_ json: JSONObject) throws -> Bool {
            try CalendarEventFilterCondition.parse(json).matchesContent([event], calendarId: "k1")
        }
        #expect(try matches(["title": "quarterly"]))
        #expect(try matches(["title": "\"quarterly review\""]))
        #expect(try !matches(["title": "budget"]))
        #expect(try matches(["description": "BUDGET"]))
        #expect(try matches(["location": "4b"]))
        #expect(try matches(["owner": "olga"]))
        #expect(try !matches(["owner": "arno"]))
        #expect(try matches(["attendee": "arno"]))
        #expect(try matches(["text": "finance room"]))
        #expect(try matches(["inCalendar": "k1"]) && !matches(["inCalendar": "k2"]))
        #expect(throws: MethodError.self) { try CalendarEventFilterCondition.parse(["color": "red"]) }
        #expect(throws: MethodError.self) { try CalendarEventFilterCondition.parse(["after": "2026-01-01T00:00:00Z"]) }
    }

    @Test("§2.2: which occurrences count as busy, and as what")
    func busyStatus() {
        let me: Set<String> = ["mailto:bob@example.com"]
        func status(_ event: JSONObject, _ inclusion: Availability.Inclusion = .all) -> Availability.BusyStatus? {
            Availability.status(of: event, inclusion: inclusion, addresses: me)
        }
        #expect(status([:]) == .confirmed)
        #expect(status(["status": "tentative"]) == .tentative)
        #expect(status(["status": "cancelled"]) == nil)
        #expect(status(["freeBusyStatus": "free"]) == nil)
        #expect(status(["privacy": "secret"]) == nil)
        #expect(status([:], .none) == nil)
        let invited: JSONObject = [
            "participants": ["b": ["calendarAddress": "mailto:BOB@example.com", "participationStatus": "tentative"]]
        ]
        #expect(status(invited) == .tentative)
        #expect(status(invited, .attending) == .tentative)
        #expect(status([:], .attending) == nil, "attending: only events the principal attends")
        let declined: JSONObject = [
            "participants": ["b": ["calendarAddress": "mailto:bob@example.com", "participationStatus": "declined"]]
        ]
        #expect(status(declined, .attending) == nil)
        #expect(status(declined) == .unavailable)
    }

    @Test("§2.2: periods without details are merged and split; confirmed > unavailable > tentative")
    func mergedPeriods() {
        typealias Period = Availability.BusyPeriod
        let periods = [
            Period(
                start: Self.date("2026-01-05T09:00:00Z"), end: Self.date("2026-01-05T11:00:00Z"), status: .tentative),
            Period(
                start: Self.date("2026-01-05T10:00:00Z"), end: Self.date("2026-01-05T10:30:00Z"), status: .confirmed),
            Period(
                start: Self.date("2026-01-05T11:00:00Z"), end: Self.date("2026-01-05T12:00:00Z"), status: .tentative),
            Period(
                start: Self.date("2026-01-05T14:00:00Z"), end: Self.date("2026-01-05T15:00:00Z"), status: .unavailable),
        ]
        let merged = Availability.merged(periods).map {
            "\(EventInstances.utcDateTime($0.start))-\(EventInstances.utcDateTime($0.end)) \($0.status.rawValue)"
        }
        #expect(
            merged == [
                "2026-01-05T09:00:00Z-2026-01-05T10:00:00Z tentative",
                "2026-01-05T10:00:00Z-2026-01-05T10:30:00Z confirmed",
                "2026-01-05T10:30:00Z-2026-01-05T12:00:00Z tentative",
                "2026-01-05T14:00:00Z-2026-01-05T15:00:00Z unavailable",
            ])
    }

    @Test("§5.9: utcStart and utcEnd become start and duration in the event's zone")
    func utcTimes() throws {
        var event: JSONObject = [
            "timeZone": "Europe/Berlin", "utcStart": "2026-07-01T08:00:00Z", "utcEnd": "2026-07-01T09:30:00Z",
        ]
        var serverSet: JSONObject = [:]
        try CalendarEventWriter.applyUTCTimes(&event, serverSet: &serverSet)
        #expect(event["start"] == "2026-07-01T10:00:00", "Berlin is UTC+2 in July")
        #expect(event["duration"] == "PT1H30M")
        #expect(event["utcStart"] == nil && serverSet.isEmpty)
        var floating: JSONObject = ["utcStart": "2026-07-01T08:00:00Z"]
        try CalendarEventWriter.applyUTCTimes(&floating, serverSet: &serverSet)
        #expect(floating["timeZone"] == "Etc/UTC" && serverSet["timeZone"] == "Etc/UTC")
        #expect(CalendarEventWriter.duration(seconds: 0) == "PT0S")
        #expect(CalendarEventWriter.duration(seconds: 90_061) == "P1DT1H1M1S")
        #expect(CalendarEventWriter.duration(seconds: 86_400) == "P1D")
    }
}
