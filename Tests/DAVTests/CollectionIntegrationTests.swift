import Foundation
import TestSupport
import Testing

@testable import DAV

/// MKCOL, MKCALENDAR, PROPPATCH, calendar-query and free-busy against the real servers.
@Suite struct CollectionIntegrationTests {
    static let berlin = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//jmap-gateway//tests//EN\r
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
        END:VCALENDAR\r

        """

    @Test(arguments: TestBackends.Server.allCases)
    func addressBookIsCreatedRenamedAndDeleted(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        let url = try scratch.scratchURL(in: scratch.addressBookHome)
        try await client.makeAddressBook(url, displayName: "Friends & <Family>", description: "People I \"know\"")
        do {
            let created = try await client.collectionState(url)
            #expect(created.kind == .addressBook)
            #expect(created.displayName == "Friends & <Family>")
            #expect(created.description == "People I \"know\"")
            #expect(created.supportsSyncCollection)

            try await client.proppatch(url, set: [(.displayName, "Renamed ✓"), (.addressbookDescription, "new")])
            let renamed = try await client.collectionState(url)
            #expect(renamed.displayName == "Renamed ✓")
            #expect(renamed.description == "new")
        } catch {
            try? await client.delete(url)
            throw error
        }
        try await client.delete(url)
        await #expect {
            try await client.collectionState(url)
        } throws: { isDAVError($0) { if case .notFound = $0 { true } else { false } } }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func calendarIsCreatedWithItsProperties(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        let url = try scratch.scratchURL(in: scratch.calendarHome)
        try await client.makeCalendar(
            url, displayName: "Work", description: "Meetings", color: "#FF8800FF", order: 4, timeZone: Self.berlin,
            components: ["VEVENT", "VTODO"])
        do {
            let created = try await client.collectionState(url)
            #expect(created.kind == .calendar)
            #expect(created.displayName == "Work")
            #expect(created.description == "Meetings")
            #expect(created.color == "#FF8800FF")
            #expect(created.order == 4)
            #expect(created.timeZone?.contains("TZID:Europe/Berlin") == true)
            let timeZone = try await client.propfind(
                url, depth: 0, properties: [.calendarTimezone, .supportedCalendarComponentSet])
            #expect(timeZone.responses.first?.property(.calendarTimezone)?.text.contains("TZID:Europe/Berlin") == true)
            let components = timeZone.responses.first?.property(.supportedCalendarComponentSet)?.children.compactMap {
                $0.attributes["name"]
            }
            #expect(Set(components ?? []) == ["VEVENT", "VTODO"])

            try await client.proppatch(
                url, set: [(.displayName, "Work (old)"), (.calendarColor, "#0000FFFF"), (.calendarOrder, "3")])
            let patched = try await client.propfind(
                url, depth: 0, properties: [.displayName, .calendarColor, .calendarOrder])
            let response = try #require(patched.responses.first)
            #expect(response.property(.displayName)?.text == "Work (old)")
            #expect(response.property(.calendarColor)?.text == "#0000FFFF")
            #expect(response.property(.calendarOrder)?.text == "3")

            // Cleared by setting it empty (Xandikos answers 500 to removing): no time zone either way.
            try await client.proppatch(url, set: [(.calendarTimezone, "")])
            #expect(try await client.collectionState(url).timeZone == nil)
        } catch {
            try? await client.delete(url)
            throw error
        }
        try await client.delete(url)
    }

    @Test(arguments: TestBackends.Server.allCases)
    func removedDisplayNameIsNoLongerTheOneSet(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withAddressBook { book in
            try await scratch.client.proppatch(book, set: [(.displayName, "Temporary")])
            #expect(try await scratch.client.collectionState(book).displayName == "Temporary")
            try await scratch.client.proppatch(book, remove: [.displayName])
            // Radicale then has none; Xandikos falls back to the path segment.
            #expect(try await scratch.client.collectionState(book).displayName != "Temporary")
        }
    }

    /// Xandikos refuses a protected property with 403 but applies the rest (Radicale accepts it silently).
    @Test func rejectedPropertyFailsTheProppatch() async throws {
        let scratch = try ScratchServer(.xandikos)
        try await scratch.withAddressBook { book in
            await #expect {
                try await scratch.client.proppatch(book, set: [(.displayName, "Partly"), (.getETag, "\"forged\"")])
            } throws: { error in
                isDAVError(error) {
                    $0 == .propertiesRejected(url: book.absoluteString, statuses: ["{DAV:}getetag": 403])
                }
            }
        }
    }

    /// A property the caller can do without may be refused: the rest is set, and the refused one returned.
    /// Xandikos refuses a protected property (getetag stands in for a calendar-order a server might refuse).
    @Test func refusedOptionalPropertyLeavesTheRestSet() async throws {
        let scratch = try ScratchServer(.xandikos)
        try await scratch.withCalendar { calendar in
            let refused = try await scratch.client.proppatch(
                calendar, set: [(.displayName, "Kept"), (.getETag, "\"forged\"")], optional: [.getETag])
            #expect(refused == [.getETag])
            #expect(try await scratch.client.collectionState(calendar).displayName == "Kept")
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func calendarQueryFindsEventsInTheTimeRange(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        try await scratch.withCalendar { calendar in
            let march = try scratch.newResource(in: calendar, "ics")
            let may = try scratch.newResource(in: calendar, "ics")
            let marchETag = try await client.put(
                march, body: TestDAV.event(uid: "q-march", start: "20260310T100000", end: "20260310T110000"),
                contentType: "text/calendar", precondition: .create)
            try await client.put(
                may, body: TestDAV.event(uid: "q-may", start: "20260510T100000", end: "20260510T110000"),
                contentType: "text/calendar", precondition: .create)

            let start = try TestDAV.date("2026-03-01T00:00:00Z")
            let end = try TestDAV.date("2026-04-01T00:00:00Z")
            let matches = try await client.calendarQuery(calendar, start: start, end: end)
            #expect(
                matches == [
                    CalendarQueryMatch(
                        href: DAVHref.normalize(march.absoluteString, relativeTo: calendar), etag: marchETag)
                ])

            let withData = try await client.calendarQuery(calendar, start: start, end: end, includeData: true)
            #expect(withData.count == 1)
            #expect(withData.first.flatMap { $0.calendarData.map(TestDAV.text) }?.contains("UID:q-march") == true)

            let todos = try await client.calendarQuery(calendar, start: start, end: end, component: "VTODO")
            #expect(todos.isEmpty)
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func freeBusyQueryReportsTheBusyPeriod(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withCalendar { calendar in
            try await scratch.client.put(
                try scratch.newResource(in: calendar, "ics"),
                body: TestDAV.event(uid: "fb-\(UUID())", start: "20260310T100000", end: "20260310T110000"),
                contentType: "text/calendar", precondition: .create)
            let busy = try await scratch.client.freeBusyQuery(
                calendar, start: try TestDAV.date("2026-03-01T00:00:00Z"), end: try TestDAV.date("2026-04-01T00:00:00Z")
            )
            #expect(busy.contains("BEGIN:VFREEBUSY"))
            #expect(busy.contains("20260310T100000Z/20260310T110000Z"))
            let free = try await scratch.client.freeBusyQuery(
                calendar, start: try TestDAV.date("2026-04-01T00:00:00Z"), end: try TestDAV.date("2026-05-01T00:00:00Z")
            )
            #expect(free.contains("BEGIN:VFREEBUSY"))
            #expect(!free.contains("20260310T100000Z"))
        }
    }
}
