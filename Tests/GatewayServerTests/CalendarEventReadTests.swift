import DAV
import Foundation
import JMAPCore
import TestSupport
import Testing

/// draft-ietf-jmap-calendars-27 §5 over HTTP against the real servers: events written directly on the
/// CalDAV server read back as JSCalendar, queried by time range with and without expansion, single
/// occurrences by synthetic id, changes after DAV-side edits, and CalendarEvent/parse.
extension BobBackedTests {
    @Suite struct CalendarEventReadTests {
        static let using =
            #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:calendars","urn:ietf:params:jmap:calendars:parse"]"#

        /// A weekly series in Europe/Berlin (Mondays 09:00, January to March 2026: 10 occurrences), the
        /// second one excluded and the third moved to 11:00 with its own title; with an alarm, an
        /// organizer, an attendee and a vendor property no JMAP property models.
        static func series(uid: String, title: String) -> String {
            """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//jmap-gateway tests//EN\r
            BEGIN:VTIMEZONE\r
            TZID:Europe/Berlin\r
            BEGIN:STANDARD\r
            DTSTART:19701025T030000\r
            RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
            TZOFFSETFROM:+0200\r
            TZOFFSETTO:+0100\r
            END:STANDARD\r
            BEGIN:DAYLIGHT\r
            DTSTART:19700329T020000\r
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
            TZOFFSETFROM:+0100\r
            TZOFFSETTO:+0200\r
            END:DAYLIGHT\r
            END:VTIMEZONE\r
            BEGIN:VEVENT\r
            UID:\(uid)\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Europe/Berlin:20260105T090000\r
            DTEND;TZID=Europe/Berlin:20260105T100000\r
            RRULE:FREQ=WEEKLY;COUNT=10\r
            EXDATE;TZID=Europe/Berlin:20260112T090000\r
            SUMMARY:\(title)\r
            DESCRIPTION:Weekly planning\r
            LOCATION:Room 4B\r
            ORGANIZER;CN=Bob:mailto:bob@example.com\r
            ATTENDEE;CN=Carla Rossi;PARTSTAT=ACCEPTED:mailto:carla@example.com\r
            X-VENDOR-THING;X-P=1:kept\r
            BEGIN:VALARM\r
            ACTION:DISPLAY\r
            DESCRIPTION:Reminder\r
            TRIGGER:-PT15M\r
            END:VALARM\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:\(uid)\r
            DTSTAMP:20260101T000000Z\r
            RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r
            DTSTART;TZID=Europe/Berlin:20260119T110000\r
            DTEND;TZID=Europe/Berlin:20260119T120000\r
            SUMMARY:\(title) (moved)\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        }

        static func allDay(uid: String, title: String) -> String {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//jmap-gateway tests//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)\r\n"
                + "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260210\r\nDTEND;VALUE=DATE:20260211\r\n"
                + "SUMMARY:\(title)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        }

        @Test("§1.5.1: the calendars capabilities, in the session and the account")
        func capability() async throws {
            try await TestGateway().run { client in
                let session = try await client.session(as: TestBackends.bob)
                let capabilities = try #require(session["capabilities"]?.objectValue)
                for uri in [
                    "urn:ietf:params:jmap:calendars", "urn:ietf:params:jmap:calendars:parse",
                    "urn:ietf:params:jmap:principals", "urn:ietf:params:jmap:principals:availability",
                ] {
                    #expect(capabilities[uri] == .object([:]), "\(uri)")
                }
                let account = try #require(session["accounts"]?.objectValue?.values.first?.objectValue)
                let calendars = account["accountCapabilities"]?.objectValue?["urn:ietf:params:jmap:calendars"]
                #expect(calendars?.objectValue?["maxCalendarsPerEvent"] == .int(1))
                #expect(calendars?.objectValue?["mayCreateCalendar"] == .bool(true), "the user owns the home")
                #expect(calendars?.objectValue?["maxExpandedQueryDuration"]?.stringValue?.hasPrefix("P") == true)
                #expect(calendars?.objectValue?["sendsSchedulingMessages"] == .bool(false), "said, not promised")
            }
        }

        @Test(arguments: TestBackends.Server.allCases)
        func eventsWrittenOnTheServerAreReadQueriedAndExpanded(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let calendar = try TestBackends.load().collection(server, "CAL", user: bob)
            let dav = bob.davClient
            let tag = UUID().uuidString.lowercased().prefix(8)
            let title = "Planning \(tag)"
            let seriesURL = try #require(URL(string: calendar.absoluteString + "series-\(tag).ics"))
            let dayURL = try #require(URL(string: calendar.absoluteString + "day-\(tag).ics"))
            _ = try await dav.put(
                seriesURL, body: Data(Self.series(uid: "series-\(tag)", title: title).utf8),
                contentType: "text/calendar", precondition: .create)
            defer { Task { try? await dav.delete(seriesURL) } }
            _ = try await dav.put(
                dayURL, body: Data(Self.allDay(uid: "day-\(tag)", title: "Offsite \(tag)").utf8),
                contentType: "text/calendar", precondition: .create)
            defer { Task { try? await dav.delete(dayURL) } }
            // Floating (RFC 5545 §3.3.5 form #1): the same wall time in every zone.
            let floatingURL = try #require(URL(string: calendar.absoluteString + "floating-\(tag).ics"))
            _ = try await dav.put(
                floatingURL,
                body: Data(
                    Self.event(
                        uid: "floating-\(tag)",
                        ["DTSTART:20260301T100000", "DTEND:20260301T110000", "SUMMARY:Floating \(tag)"]
                    ).utf8),
                contentType: "text/calendar", precondition: .create)
            defer { Task { try? await dav.delete(floatingURL) } }

            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                func calls(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    let (status, body) = try await client.jmap(
                        #"{"using":\#(Self.using),"methodCalls":[\#(calls)]}"#, as: bob)
                    #expect(status == .ok)
                    return body.methodResponses
                }
                // §5.11.1: a text filter finds the three events by the tag.
                var responses = try await calls(
                    #"""
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","filter":{"text":"\#(tag)"},
                      "sort":[{"property":"start"}]},"q"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","#ids":{"resultOf":"q","name":"CalendarEvent/query","path":"/ids"}},"g"]
                    """#)
                try #require(responses.map(\.name) == ["CalendarEvent/query", "CalendarEvent/get"])
                let ids = try #require(responses[0].arguments["ids"]?.arrayValue).compactMap(\.stringValue)
                #expect(ids.count == 3)
                let events = try #require(responses[1].arguments["list"]?.arrayValue).compactMap(\.objectValue)
                try #require(events.count == 3)
                // Sorted by start: the series (January) before the all-day event (February).
                let series = events[0]
                #expect(series["title"] == .string(title))
                #expect(series["timeZone"] == .string("Europe/Berlin"))
                #expect(series["start"] == .string("2026-01-05T09:00:00"))
                #expect(series["isDraft"] == .bool(false))
                #expect(series["calendarIds"]?.objectValue?.count == 1, "maxCalendarsPerEvent is 1")
                // Bob is the organizer, but only once discovery names his address is he the origin.
                #expect(series["isOrigin"] != nil)
                #expect(series["iCalendar"] == nil, "§5.7: iCalendar only when asked for by name")
                let overrides = try #require(series["recurrenceOverrides"]?.objectValue)
                #expect(overrides["2026-01-12T09:00:00"]?.objectValue?["excluded"] == .bool(true))
                #expect(overrides["2026-01-19T09:00:00"]?.objectValue?["title"] == .string("\(title) (moved)"))
                #expect(series["alerts"]?.objectValue?.count == 1)
                let allDay = events[1]
                #expect(allDay["showWithoutTime"] == .bool(true))
                #expect(allDay["start"] == .string("2026-02-10T00:00:00"))
                let seriesId = try #require(series["id"]?.stringValue)
                let dayId = try #require(allDay["id"]?.stringValue)
                let floating = events[2]
                #expect(floating["start"] == .string("2026-03-01T10:00:00"))
                #expect(floating["timeZone"] == nil || floating["timeZone"] == .null, "floating: no zone")
                let floatingId = try #require(floating["id"]?.stringValue)

                // §5.7: utcStart of a floating event is read in the `timeZone` argument (default Etc/UTC).
                responses = try await calls(
                    #"""
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["\#(floatingId)"],"properties":["utcStart","utcEnd"]},"u"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["\#(floatingId)"],"properties":["utcStart"],
                      "timeZone":"Asia/Tokyo"},"t"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["\#(floatingId)"],"properties":["utcStart","recurrenceOverrides"]},"x"]
                    """#)
                #expect(
                    responses[0].arguments["list"]?.arrayValue?.first?.objectValue?["utcStart"]
                        == .string("2026-03-01T10:00:00Z"))
                #expect(
                    responses[0].arguments["list"]?.arrayValue?.first?.objectValue?["utcEnd"]
                        == .string("2026-03-01T11:00:00Z"))
                #expect(
                    responses[1].arguments["list"]?.arrayValue?.first?.objectValue?["utcStart"]
                        == .string("2026-03-01T01:00:00Z"))
                #expect(responses[2].name == "error", "§5.7: utcStart cannot come with recurrenceOverrides")

                // §5.11: a time range without expansion: the series matches January, the all-day event not.
                responses = try await calls(
                    #"""
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","filter":{"operator":"AND","conditions":[
                      {"text":"\#(tag)"},{"after":"2026-01-01T00:00:00","before":"2026-02-01T00:00:00"}]}},"q"]
                    """#)
                #expect(responses.first?.arguments["ids"] == .array([.string(seriesId)]))
                #expect(responses.first?.arguments["canCalculateChanges"] == .bool(true))
                // The series' ninth occurrence (March 2nd), far past its first ones, still matches.
                responses = try await calls(
                    #"""
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","filter":{"operator":"AND","conditions":[
                      {"text":"\#(tag)"},{"after":"2026-03-02T00:00:00","before":"2026-03-02T23:00:00"}]}},"q"]
                    """#)
                #expect(responses.first?.arguments["ids"] == .array([.string(seriesId)]))

                // With expandRecurrences: January has the Mondays 5, 12, 19 and 26; the 12th is excluded.
                responses = try await calls(
                    #"""
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","expandRecurrences":true,
                      "filter":{"title":"\#(tag)","after":"2026-01-01T00:00:00","before":"2026-02-01T00:00:00"},
                      "sort":[{"property":"start"}]},"q"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)",
                      "#ids":{"resultOf":"q","name":"CalendarEvent/query","path":"/ids"},
                      "properties":["title","start","recurrenceId","recurrenceRule","utcStart","utcEnd","baseEventId"]},"g"]
                    """#)
                let instanceIds = try #require(responses[0].arguments["ids"]?.arrayValue).compactMap(\.stringValue)
                #expect(instanceIds.count == 3)
                #expect(responses[0].arguments["canCalculateChanges"] == .bool(false))
                let instances = try #require(responses[1].arguments["list"]?.arrayValue).compactMap(\.objectValue)
                try #require(instances.count == 3)
                #expect(instances.allSatisfy { $0["baseEventId"] == .string(seriesId) })
                #expect(instances.allSatisfy { $0["recurrenceRule"] == .null }, "§5.7: null for an occurrence")
                #expect(
                    instances.map { $0["recurrenceId"]?.stringValue } == [
                        "2026-01-05T09:00:00", "2026-01-19T09:00:00", "2026-01-26T09:00:00",
                    ])
                // Berlin is UTC+1 in January: 09:00 is 08:00Z; the moved occurrence starts 11:00 (10:00Z).
                #expect(instances[0]["utcStart"] == .string("2026-01-05T08:00:00Z"))
                #expect(instances[0]["utcEnd"] == .string("2026-01-05T09:00:00Z"))
                #expect(instances[1]["title"] == .string("\(title) (moved)"))
                #expect(instances[1]["start"] == .string("2026-01-19T11:00:00"))
                #expect(instances[1]["utcStart"] == .string("2026-01-19T10:00:00Z"))
                #expect(instances[2]["start"] == .string("2026-01-26T09:00:00"))

                // §5.11: expansion needs both after and before.
                responses = try await calls(
                    #"["CalendarEvent/query",{"accountId":"\#(accountId)","expandRecurrences":true,"filter":{"after":"2026-01-01T00:00:00"}},"q"]"#
                )
                #expect(responses.first?.name == "error")
                #expect(responses.first?.arguments["type"] == .string("invalidArguments"))
                responses = try await calls(
                    #"["CalendarEvent/query",{"accountId":"\#(accountId)","expandRecurrences":true,"filter":{"after":"2026-01-01T00:00:00","before":"2028-01-01T00:00:00"}},"q"]"#
                )
                #expect(responses.first?.arguments["type"] == .string("expandDurationTooLarge"))

                // §5.8: a DAV-side edit of the all-day event is exactly one updated id.
                responses = try await calls(#"["CalendarEvent/get",{"accountId":"\#(accountId)","ids":[]},"s"]"#)
                let state = try #require(responses.first?.arguments["state"]?.stringValue)
                _ = try await dav.put(
                    dayURL, body: Data(Self.allDay(uid: "day-\(tag)", title: "Offsite moved \(tag)").utf8),
                    contentType: "text/calendar", precondition: .none)
                responses = try await calls(
                    #"""
                    ["CalendarEvent/changes",{"accountId":"\#(accountId)","sinceState":"\#(state)"},"c"],
                    ["CalendarEvent/queryChanges",{"accountId":"\#(accountId)","sinceQueryState":"\#(state)",
                      "filter":{"text":"\#(tag)"},"sort":[{"property":"start"}]},"qc"]
                    """#)
                #expect(responses[0].arguments["updated"] == .array([.string(dayId)]))
                #expect(responses[0].arguments["created"] == .array([]))
                #expect(responses[1].arguments["removed"] == .array([.string(dayId)]))
                #expect(responses[1].arguments["added"]?.arrayValue?.count == 1)
            }
        }

        @Test("§5.13: CalendarEvent/parse of uploaded .ics files, one from the corpus; nothing stored")
        func parseUploadedCalendar() async throws {
            let bob = TestBackends.bob
            let corpusFile = try #require(sharedCorpus, "corpus not found: set JMAP_GATEWAY_CORPUS")
                .appending(path: "calcard/resources/ical/011.ics")
            let corpusBytes = try [UInt8](Data(contentsOf: corpusFile))
            try await TestGateway().run { client in
                let accountId = try await client.accountId(of: bob)
                let ics = Array(Self.series(uid: "parsed-only", title: "Parsed").utf8)
                let (status, upload) = try await BlobTests.upload(
                    client, ics, type: "text/calendar", accountId: accountId, as: bob)
                #expect(status == .created)
                let blobId = try #require(upload["blobId"]?.stringValue)
                let (_, text) = try await BlobTests.upload(
                    client, Array("not a calendar".utf8), type: "text/plain", accountId: accountId, as: bob)
                let textId = try #require(text["blobId"]?.stringValue)
                let (_, corpus) = try await BlobTests.upload(
                    client, corpusBytes, type: "text/calendar", accountId: accountId, as: bob)
                let corpusId = try #require(corpus["blobId"]?.stringValue)
                let (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[
                      ["CalendarEvent/parse",{"accountId":"\#(accountId)","blobIds":["\#(blobId)","\#(textId)","Bnope","\#(corpusId)"]},"p"],
                      ["CalendarEvent/query",{"accountId":"\#(accountId)","filter":{"uid":"parsed-only"}},"q"]]}
                    """#, as: bob)
                let responses = body.methodResponses
                try #require(responses.count == 2)
                let parsed = try #require(responses[0].arguments["parsed"]?.objectValue?[blobId]?.arrayValue)
                let event = try #require(parsed.first?.objectValue)
                #expect(event["title"] == .string("Parsed"))
                #expect(event["id"] == .null && event["calendarIds"] == .null, "§5.13: metadata is null")
                #expect(event["recurrenceOverrides"]?.objectValue?.count == 2)
                // The corpus file: a weekly series with one moved occurrence, and a single event.
                let fromCorpus = try #require(responses[0].arguments["parsed"]?.objectValue?[corpusId]?.arrayValue)
                    .compactMap(\.objectValue)
                #expect(fromCorpus.count == 2)
                let series = try #require(fromCorpus.first { $0["recurrenceRule"] != nil })
                #expect(series["title"]?.stringValue?.hasPrefix("Recurring weekly meeting") == true)
                #expect(series["recurrenceOverrides"]?.objectValue?["2017-06-29T09:00:00"] != nil)
                #expect(fromCorpus.contains { $0["title"] == .string("Single event on Dec 1") })
                #expect(responses[0].arguments["notParsable"] == .array([.string(textId)]))
                #expect(responses[0].arguments["notFound"] == .array([.string("Bnope")]))
                #expect(responses[1].arguments["ids"] == .array([]), "parse stores nothing")
            }
        }
    }
}

extension BobBackedTests.CalendarEventReadTests {
    /// A VCALENDAR of one event with `lines` inside its VEVENT.
    static func event(uid: String, _ lines: [String]) -> String {
        ([
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//jmap-gateway tests//EN", "BEGIN:VEVENT", "UID:\(uid)",
            "DTSTAMP:20260101T000000Z",
        ] + lines + ["END:VEVENT", "END:VCALENDAR", ""]).joined(separator: "\r\n")
    }

    @Test(
        "§2.2: Principal/getAvailability for a week with a recurring busy event",
        arguments: TestBackends.Server.allCases)
    func availabilityOfAWeek(server: TestBackends.Server) async throws {
        let bob = TestBackends.bob
        let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
        let calendar = try TestBackends.load().collection(server, "CAL", user: bob)
        let dav = bob.davClient
        let tag = UUID().uuidString.lowercased().prefix(8)
        // In the week of 2027-02-01 (a Monday), UTC: a daily 09:00-10:00 standup Monday to Friday with
        // Wednesday's moved to 09:30-11:00, a tentative 09:45-12:00 on Monday, a free event and a
        // cancelled one (neither counts).
        let events: [(String, [String])] = [
            (
                "standup",
                [
                    "DTSTART:20270201T090000Z", "DTEND:20270201T100000Z", "RRULE:FREQ=DAILY;COUNT=5",
                    "SUMMARY:Standup \(tag)",
                ]
            ),
            ("tentative", ["DTSTART:20270201T094500Z", "DTEND:20270201T120000Z", "STATUS:TENTATIVE", "SUMMARY:Maybe"]),
            ("free", ["DTSTART:20270202T130000Z", "DTEND:20270202T140000Z", "TRANSP:TRANSPARENT", "SUMMARY:Free"]),
            ("cancelled", ["DTSTART:20270203T130000Z", "DTEND:20270203T140000Z", "STATUS:CANCELLED", "SUMMARY:Off"]),
        ]
        var urls: [URL] = []
        for (name, lines) in events {
            let url = try #require(URL(string: calendar.absoluteString + "\(name)-\(tag).ics"))
            var body = Self.event(uid: "\(name)-\(tag)", lines)
            if name == "standup" {
                body = body.replacingOccurrences(
                    of: "END:VCALENDAR",
                    with: "BEGIN:VEVENT\r\nUID:standup-\(tag)\r\nDTSTAMP:20260101T000000Z\r\n"
                        + "RECURRENCE-ID:20270203T090000Z\r\nDTSTART:20270203T093000Z\r\nDTEND:20270203T110000Z\r\n"
                        + "SUMMARY:Long standup\r\nEND:VEVENT\r\nEND:VCALENDAR")
            }
            _ = try await dav.put(url, body: Data(body.utf8), contentType: "text/calendar", precondition: .create)
            urls.append(url)
        }
        let written = urls
        defer { Task { for url in written { try? await dav.delete(url) } } }

        try await gateway.run { client in
            let session = try await client.session(as: bob)
            let accountId = try await client.accountId(of: bob)
            let principalId = try #require(
                session["accounts"]?.objectValue?[accountId]?.objectValue?["accountCapabilities"]?.objectValue?[
                    "urn:ietf:params:jmap:principals"]?.objectValue?["currentUserPrincipalId"]?.stringValue)
            let using =
                #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:calendars","urn:ietf:params:jmap:principals","urn:ietf:params:jmap:principals:availability"]"#
            let (status, body) = try await client.jmap(
                #"""
                {"using":\#(using),"methodCalls":[
                  ["Principal/getAvailability",{"accountId":"\#(accountId)","id":"\#(principalId)",
                    "utcStart":"2027-02-01T00:00:00Z","utcEnd":"2027-02-08T00:00:00Z"},"a"],
                  ["Principal/getAvailability",{"accountId":"\#(accountId)","id":"\#(principalId)",
                    "utcStart":"2027-02-03T00:00:00Z","utcEnd":"2027-02-04T00:00:00Z","showDetails":true,
                    "eventProperties":["title","start"]},"d"],
                  ["Principal/getAvailability",{"accountId":"\#(accountId)","id":"pNobody",
                    "utcStart":"2027-02-01T00:00:00Z","utcEnd":"2027-02-08T00:00:00Z"},"n"],
                  ["Principal/getAvailability",{"accountId":"\#(accountId)","id":"\#(principalId)",
                    "utcStart":"2027-01-01T00:00:00Z","utcEnd":"2029-01-01T00:00:00Z"},"t"]]}
                """#, as: bob)
            #expect(status == .ok)
            let responses = body.methodResponses
            try #require(responses.count == 4)
            let periods = try #require(responses[0].arguments["list"]?.arrayValue).compactMap(\.objectValue).map {
                "\($0["utcStart"]?.stringValue ?? "?")-\($0["utcEnd"]?.stringValue ?? "?") \($0["busyStatus"]?.stringValue ?? "?")"
            }
            // Monday: confirmed 09:00-10:00 wins over the tentative 09:45-12:00 where they overlap.
            #expect(
                periods == [
                    "2027-02-01T09:00:00Z-2027-02-01T10:00:00Z confirmed",
                    "2027-02-01T10:00:00Z-2027-02-01T12:00:00Z tentative",
                    "2027-02-02T09:00:00Z-2027-02-02T10:00:00Z confirmed",
                    "2027-02-03T09:30:00Z-2027-02-03T11:00:00Z confirmed",
                    "2027-02-04T09:00:00Z-2027-02-04T10:00:00Z confirmed",
                    "2027-02-05T09:00:00Z-2027-02-05T10:00:00Z confirmed",
                ])
            let detailed = try #require(responses[1].arguments["list"]?.arrayValue?.first?.objectValue)
            let event = try #require(detailed["event"]?.objectValue)
            #expect(event["title"] == .string("Long standup"))
            #expect(Set(event.keys) == ["title", "start"], "eventProperties")
            #expect(detailed["accountId"] == .string(accountId))
            #expect(responses[2].name == "error" && responses[2].arguments["type"] == .string("notFound"))
            #expect(responses[3].arguments["type"] == .string("tooLarge"))
        }
    }
}
