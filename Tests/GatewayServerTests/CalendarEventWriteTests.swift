import DAV
import Foundation
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// CalendarEvent/set (draft-ietf-jmap-calendars-27 §5.9) over HTTP against the real servers: create,
/// updates of a series and of one occurrence, a DAV-side edit between get and set, destroy of one
/// occurrence and of a series, a move between calendars; what the server holds is checked directly.
extension BobBackedTests {
    @Suite struct CalendarEventWriteTests {
        typealias Responses = [(name: String, arguments: JSONObject, id: String)]

        /// Sends `calls` with the calendars capability as bob.
        static func calls(_ client: any TestClientProtocol, _ calls: String) async throws -> Responses {
            let (status, body) = try await client.jmap(
                #"{"using":\#(CalendarEventReadTests.using),"methodCalls":[\#(calls)]}"#, as: TestBackends.bob)
            #expect(status == .ok)
            return body.methodResponses
        }

        static func body(_ dav: DAVClient, _ href: URL) async throws -> String {
            String(decoding: try await dav.get(href).body, as: UTF8.self)
        }

        @Test(arguments: TestBackends.Server.allCases)
        func createUpdateOccurrencesAndDestroy(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let calendar = try TestBackends.load().collection(server, "CAL", user: bob)
            let dav = bob.davClient
            let tag = UUID().uuidString.lowercased().prefix(8)

            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                // Create: no calendarIds (the default calendar), no uid (server-set), weekly five times.
                var responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/set",{"accountId":"\#(accountId)","create":{"e1":{
                      "title":"Standup \#(tag)","start":"2026-03-02T09:30:00","timeZone":"America/New_York",
                      "duration":"PT15M","description":null,
                      "recurrenceRule":{"@type":"RecurrenceRule","frequency":"daily","count":5},
                      "alerts":{"a1":{"@type":"Alert","trigger":{"@type":"OffsetTrigger","offset":"-PT5M"}}}}}},"s"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["#e1"]},"g"]
                    """#)
                try #require(responses.map(\.name) == ["CalendarEvent/set", "CalendarEvent/get"])
                let created = try #require(responses[0].arguments["created"]?.objectValue?["e1"]?.objectValue)
                let id = try #require(created["id"]?.stringValue)
                let uid = try #require(created["uid"]?.stringValue, "§5.9: uid is server-set when omitted")
                #expect(created["calendarIds"]?.objectValue?.count == 1)
                #expect(created["created"]?.stringValue?.hasSuffix("Z") == true)
                #expect(created["updated"] != nil, "§5.9: the origin sets updated")
                let event = try #require(responses[1].arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(event["title"] == .string("Standup \(tag)"))
                #expect(event["description"] == nil, "§5.9: null on create is the same as omitted")
                let href = try #require(URL(string: calendar.absoluteString + Self.resourceName(uid)))
                var stored = try await Self.body(dav, href)
                #expect(stored.contains("SUMMARY:Standup \(tag)"))
                #expect(stored.contains("RRULE:FREQ=DAILY;COUNT=5"))
                #expect(stored.contains("BEGIN:VTIMEZONE"), "RFC 5545 §3.2.19: the zone is defined")
                #expect(stored.contains("BEGIN:VALARM"))

                // A property only the DAV side knows, added behind the gateway's back (between the
                // client's get and its set): the patch applies to that version and keeps it.
                let withVendor = stored.replacingOccurrences(
                    of: "SUMMARY:Standup \(tag)\r\n", with: "SUMMARY:Standup \(tag)\r\nX-VENDOR-NOTE:keep me\r\n")
                try #require(withVendor != stored)
                _ = try await dav.put(
                    href, body: Data(withVendor.utf8), contentType: "text/calendar", precondition: .none)
                responses = try await Self.calls(
                    client,
                    #"["CalendarEvent/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"title":"Daily \#(tag)"}}},"u"]"#
                )
                let updated = try #require(responses.first?.arguments["updated"]?.objectValue)
                #expect(updated[id]?.objectValue?["sequence"] == .int(1), "§5.9: a new sequence")
                stored = try await Self.body(dav, href)
                #expect(stored.contains("SUMMARY:Daily \(tag)"))
                #expect(stored.contains("X-VENDOR-NOTE:keep me"), "nothing the DAV side wrote is lost")
                #expect(stored.contains("BEGIN:VALARM"))

                // One occurrence (§5.9: the synthetic id's patch becomes its override).
                responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","expandRecurrences":true,"timeZone":"America/New_York",
                      "filter":{"uid":"\#(uid)","after":"2026-03-01T00:00:00","before":"2026-03-10T00:00:00"},
                      "sort":[{"property":"start"}]},"q"]
                    """#)
                let occurrences = try #require(responses.first?.arguments["ids"]?.arrayValue).compactMap(\.stringValue)
                try #require(occurrences.count == 5)
                responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/set",{"accountId":"\#(accountId)",
                      "update":{"\#(occurrences[1])":{"title":"Retro \#(tag)","start":"2026-03-03T14:00:00"}},
                      "destroy":["\#(occurrences[3])"]},"s"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["\#(id)","\#(occurrences[1])"]},"g"],
                    ["CalendarEvent/query",{"accountId":"\#(accountId)","expandRecurrences":true,"timeZone":"America/New_York",
                      "filter":{"uid":"\#(uid)","after":"2026-03-01T00:00:00","before":"2026-03-10T00:00:00"}},"q"]
                    """#)
                #expect(responses[0].arguments["updated"]?.objectValue?.keys.contains(occurrences[1]) == true)
                #expect(responses[0].arguments["destroyed"] == .array([.string(occurrences[3])]))
                let got = try #require(responses[1].arguments["list"]?.arrayValue).compactMap(\.objectValue)
                try #require(got.count == 2)
                let overrides = try #require(got[0]["recurrenceOverrides"]?.objectValue)
                #expect(overrides["2026-03-03T09:30:00"]?.objectValue?["title"] == .string("Retro \(tag)"))
                #expect(overrides["2026-03-05T09:30:00"]?.objectValue?["excluded"] == .bool(true))
                #expect(got[1]["title"] == .string("Retro \(tag)"))
                #expect(got[1]["start"] == .string("2026-03-03T14:00:00"))
                #expect(responses[2].arguments["ids"]?.arrayValue?.count == 4, "one occurrence destroyed")
                stored = try await Self.body(dav, href)
                #expect(stored.contains("RECURRENCE-ID"))
                #expect(stored.contains("EXDATE"))
                #expect(stored.contains("X-VENDOR-NOTE:keep me"))

                // A patch that changes nothing writes nothing.
                let etagBefore = try await dav.get(href).etag
                responses = try await Self.calls(
                    client,
                    #"["CalendarEvent/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"title":"Daily \#(tag)"}}},"u"]"#
                )
                #expect(responses.first?.arguments["updated"]?.objectValue?.keys.contains(id) == true)
                #expect(try await dav.get(href).etag == etagBefore, "an unchanged event is not rewritten")

                // Bad input is a SetError, and nothing is written (§5.9).
                responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/set",{"accountId":"\#(accountId)","create":{
                      "m":{"title":"x","start":"2026-03-02T09:30:00","method":"request"},
                      "d":{"title":"x","start":"2026-03-02T09:30:00","isDraft":true},
                      "t":{"title":"x","start":"not a date"}},
                      "update":{"\#(id)":{"utcStart":"2026-03-02T10:00:00Z","start":"2026-03-02T09:00:00"}}},"s"]
                    """#)
                let notCreated = try #require(responses.first?.arguments["notCreated"]?.objectValue)
                #expect(Set(notCreated.keys) == ["m", "d", "t"])
                #expect(notCreated.values.allSatisfy { $0.objectValue?["type"] == .string("invalidProperties") })
                #expect(
                    responses.first?.arguments["notUpdated"]?.objectValue?[id]?.objectValue?["type"]
                        == .string("invalidProperties"))

                // Destroy the series.
                responses = try await Self.calls(
                    client, #"["CalendarEvent/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#)
                #expect(responses.first?.arguments["destroyed"] == .array([.string(id)]))
                await #expect(throws: DAVError.self) { _ = try await dav.get(href) }
            }
        }

        @Test(arguments: TestBackends.Server.allCases)
        func moveBetweenCalendars(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let calendar = try TestBackends.load().collection(server, "CAL", user: bob)
            let dav = bob.davClient
            let tag = UUID().uuidString.lowercased().prefix(8)
            let otherURL = try #require(URL(string: "../other-\(tag)/", relativeTo: calendar)?.absoluteURL)
            try await dav.makeCalendar(otherURL, displayName: "Other \(tag)")
            defer { Task { try? await dav.delete(otherURL) } }

            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                var responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/set",{"accountId":"\#(accountId)","create":{"e":{"uid":"move-\#(tag)",
                      "title":"Move me \#(tag)","start":"2026-04-01T10:00:00","duration":"PT1H"}}},"s"]
                    """#)
                let id = try #require(
                    responses.first?.arguments["created"]?.objectValue?["e"]?.objectValue?["id"]?.stringValue)
                let from = try #require(URL(string: calendar.absoluteString + "move-\(tag).ics"))
                #expect(try await dav.get(from).body.isEmpty == false)
                let otherId = try await Self.calendarId(client, accountId: accountId, name: "Other \(tag)")
                responses = try await Self.calls(
                    client,
                    #"""
                    ["CalendarEvent/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"calendarIds":{"\#(otherId)":true}}}},"s"],
                    ["CalendarEvent/get",{"accountId":"\#(accountId)","ids":["\#(id)"],"properties":["calendarIds","title"]},"g"]
                    """#)
                #expect(responses[0].arguments["updated"]?.objectValue?.keys.contains(id) == true)
                let moved = try #require(responses[1].arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(moved["calendarIds"] == .object([otherId: .bool(true)]), "same id, new calendar")
                await #expect(throws: DAVError.self) { _ = try await dav.get(from) }
                let to = try #require(URL(string: otherURL.absoluteString + "move-\(tag).ics"))
                #expect(String(decoding: try await dav.get(to).body, as: UTF8.self).contains("Move me \(tag)"))
                try? await dav.delete(to)
            }
        }

        /// The id Calendar/get gives the calendar named `name`.
        static func calendarId(_ client: any TestClientProtocol, accountId: String, name: String) async throws -> String
        {
            let responses = try await calls(client, #"["Calendar/get",{"accountId":"\#(accountId)"},"c"]"#)
            let calendars = try #require(responses.first?.arguments["list"]?.arrayValue).compactMap(\.objectValue)
            return try #require(calendars.first { $0["name"] == .string(name) }?["id"]?.stringValue)
        }

        static func resourceName(_ uid: String) -> String {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            return String(uid.map { allowed.contains($0) ? $0 : "-" }) + ".ics"
        }
    }
}
