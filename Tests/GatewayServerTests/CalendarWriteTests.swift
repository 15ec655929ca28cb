import DAV
import Foundation
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// Calendar/get, /changes and /set (draft-ietf-jmap-calendars-27 §4) over HTTP against the real servers:
/// the DAV server is checked directly after every step, and changes made behind the gateway's back show
/// up in Calendar/changes.
extension BobBackedTests {
    @Suite struct CalendarWriteTests {
        /// Requests sync every time; the home listing is reused for a second (the poll interval), so a
        /// test that changes collections behind the gateway's back waits that long.
        static func gateway(_ server: TestBackends.Server) throws -> TestGateway {
            try TestGateway(server: server) {
                $0.backend.minSyncAge = .zero
                $0.backend.pollInterval = .seconds(1)
            }
        }

        static func waitForListing() async throws {
            try await Task.sleep(for: .milliseconds(1100))
        }

        static func home(_ server: TestBackends.Server) throws -> URL {
            try TestBackends.load().collection(server, "CAL", user: TestBackends.bob).deletingLastPathComponent()
        }

        static func davCalendar(_ server: TestBackends.Server, named name: String) async throws -> DAVCollection? {
            let home = try home(server)
            return try await DAVDiscovery(client: TestBackends.bob.davClient, baseURL: home).collections(
                inHome: home, properties: DAVCollection.listingProperties
            ).first { $0.displayName == name }
        }

        @Test(
            "§4.3: create, get, update, default, destroy with and without onDestroyRemoveEvents",
            arguments: TestBackends.Server.allCases)
        func createUpdateDefaultDestroy(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let dav = bob.davClient
            let name = "Team \(UUID().uuidString.prefix(8))"
            try await Self.gateway(server).run { client in
                let accountId = try await client.accountId(of: bob)
                let session = try await client.session(as: bob)
                let capability = session["accounts"]?.objectValue?[accountId]?.objectValue?["accountCapabilities"]?
                    .objectValue?["urn:ietf:params:jmap:calendars"]?.objectValue
                #expect(capability?["mayCreateCalendar"] == .bool(true), "bob owns his calendar home")
                func call(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    try await client.calendarCollectionCalls(calls, as: bob)
                }
                let before = try await call(#"["Calendar/get",{"accountId":"\#(accountId)"},"g"]"#)
                let defaultId = try #require(
                    before.first?.arguments["list"]?.arrayValue?.compactMap(\.objectValue).first {
                        $0["isDefault"] == .bool(true)
                    }?["id"]?.stringValue)

                // Create: MKCALENDAR with the name, description, color, order and time zone; the rest is
                // the user's own.
                let alertId = UUID().uuidString.lowercased()
                let created = try await call(
                    """
                    ["Calendar/set",{"accountId":"\(accountId)","create":{"c1":{
                      "name":"\(name)","description":"Team meetings","color":"Orange","sortOrder":5,
                      "timeZone":"Europe/Berlin","isVisible":false,"includeInAvailability":"attending",
                      "defaultAlertsWithTime":{"\(alertId)":{"@type":"Alert","trigger":{"offset":"-PT15M"}}}},
                      "empty":{"name":"\(name) (empty)"},
                      "sameAlertId":{"name":"x","defaultAlertsWithoutTime":{"\(alertId)":{"trigger":{"offset":"PT0S"}}}}
                    }},"c"]
                    """)
                // §4: default alert ids are unique across the account's calendars.
                #expect(
                    created.first?.arguments["notCreated"]?.objectValue?["sameAlertId"]?.objectValue?["properties"]
                        == .array([.string("defaultAlertsWithoutTime/\(alertId)")]))
                let createdCalendar = try #require(
                    created.first?.arguments["created"]?.objectValue?["c1"]?.objectValue)
                let calendarId = try #require(createdCalendar["id"]?.stringValue)
                let emptyId = try #require(
                    created.first?.arguments["created"]?.objectValue?["empty"]?.objectValue?["id"]?.stringValue)
                let stateAfterCreate = try #require(created.first?.arguments["newState"]?.stringValue)
                #expect(createdCalendar["isDefault"] == .bool(false))
                #expect(createdCalendar["color"] == "#FFA500", "a color name is kept as its value (§4, CSS3 §4.3)")
                #expect(createdCalendar["isSubscribed"] == .bool(true))
                #expect(createdCalendar["myRights"]?.objectValue?["mayShare"] == .bool(false))
                let onServer = try #require(try await Self.davCalendar(server, named: name))
                #expect(onServer.description == "Team meetings")
                #expect(onServer.color == "#FFA500")
                #expect(onServer.order == 5)
                #expect(onServer.timeZone?.contains("TZID:Europe/Berlin") == true)

                let got = try await call(
                    #"["Calendar/get",{"accountId":"\#(accountId)","ids":["\#(calendarId)"]},"g"]"#)
                let calendar = try #require(got.first?.arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(got.first?.arguments["state"] == .string(stateAfterCreate))
                #expect(calendar["name"] == .string(name))
                #expect(calendar["sortOrder"] == 5)
                #expect(calendar["timeZone"] == "Europe/Berlin")
                #expect(calendar["isVisible"] == false)
                #expect(calendar["includeInAvailability"] == "attending")
                #expect(calendar["defaultAlertsWithTime"]?.objectValue?.keys.sorted() == [alertId])
                #expect(calendar["defaultAlertsWithoutTime"] == .null)
                #expect(calendar["shareWith"] == .null)

                // Update: the names, color, order and time zone on the server, the rest in the cache.
                let renamed = name + " (renamed)"
                let update = try await call(
                    """
                    ["Calendar/set",{"accountId":"\(accountId)","update":{"\(calendarId)":{
                      "name":"\(renamed)","description":null,"color":"#112233","sortOrder":2,"timeZone":null,
                      "isSubscribed":false,"defaultAlertsWithoutTime":{"a\(alertId.prefix(8))":{
                        "trigger":{"@type":"OffsetTrigger","offset":"PT9H","relativeTo":"start"}}}}}},"u"]
                    """)
                #expect(update.first?.arguments["updated"]?.objectValue?.keys.contains(calendarId) == true)
                // The cache already holds what the server now reports: the next sync finds nothing new.
                let stateAfterUpdate = update.first?.arguments["newState"]
                let unchanged = try await call(#"["Calendar/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#)
                #expect(unchanged.first?.arguments["state"] == stateAfterUpdate)
                let renamedOnServer = try #require(try await Self.davCalendar(server, named: renamed))
                #expect((renamedOnServer.description ?? "").isEmpty)
                #expect(renamedOnServer.color == "#112233")
                #expect(renamedOnServer.order == 2)
                #expect(renamedOnServer.timeZone == nil)

                // A rename behind the gateway's back: the next sync takes the name and keeps the user's
                // own settings (§4.3: stored per user).
                let direct = renamed + " (direct)"
                try await dav.proppatch(renamedOnServer.url, set: [(.displayName, direct)])
                try await Self.waitForListing()
                let resynced = try await call(
                    #"["Calendar/get",{"accountId":"\#(accountId)","ids":["\#(calendarId)"]},"g"]"#)
                let after = try #require(resynced.first?.arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(after["name"] == .string(direct))
                #expect(after["description"] == .null)
                #expect(after["color"] == "#112233")
                #expect(after["sortOrder"] == 2)
                #expect(after["timeZone"] == .null)
                #expect(after["isSubscribed"] == false)
                #expect(after["isVisible"] == false)
                #expect(after["includeInAvailability"] == "attending")
                #expect(after["defaultAlertsWithTime"]?.objectValue?.keys.sorted() == [alertId])
                #expect(after["defaultAlertsWithoutTime"]?.objectValue?.count == 1)

                // onSuccessSetIsDefault (§4.3, example §8.4): both calendars' isDefault reported as changed.
                let madeDefault = try await call(
                    #"["Calendar/set",{"accountId":"\#(accountId)","onSuccessSetIsDefault":"\#(calendarId)"},"def"]"#)
                let updated = madeDefault.first?.arguments["updated"]?.objectValue
                #expect(updated?[calendarId]?.objectValue?["isDefault"] == .bool(true))
                #expect(updated?[defaultId]?.objectValue?["isDefault"] == .bool(false))
                let defaults = try await call(#"["Calendar/get",{"accountId":"\#(accountId)"},"g"]"#)
                #expect(
                    defaults.first?.arguments["list"]?.arrayValue?.compactMap(\.objectValue).filter {
                        $0["isDefault"] == .bool(true)
                    }.map { $0["id"] } == [.string(calendarId)])

                // Destroy: an empty calendar goes without onDestroyRemoveEvents; one holding an event put
                // there by another client only with it (calendarHasEvent, §4.3).
                let uid = "cal-destroy-\(UUID().uuidString.lowercased())"
                let event = renamedOnServer.url.appendingPathComponent("\(uid).ics")
                try await dav.put(
                    event, body: Data(Self.event(uid: uid).utf8), contentType: "text/calendar",
                    precondition: .create)
                let refused = try await call(
                    """
                    ["Calendar/set",{"accountId":"\(accountId)","destroy":["\(calendarId)","\(emptyId)"]},"d"]
                    """)
                #expect(
                    refused.first?.arguments["notDestroyed"]?.objectValue?[calendarId]?.objectValue?["type"]
                        == "calendarHasEvent")
                #expect(refused.first?.arguments["destroyed"] == .array([.string(emptyId)]))
                #expect(try await Self.davCalendar(server, named: "\(name) (empty)") == nil)
                #expect(try await dav.get(event).body.isEmpty == false, "the refused destroy left the event")

                let destroyed = try await call(
                    """
                    ["Calendar/set",{"accountId":"\(accountId)","destroy":["\(calendarId)"],
                      "onDestroyRemoveEvents":true},"d"]
                    """)
                #expect(destroyed.first?.arguments["destroyed"] == .array([.string(calendarId)]))
                #expect(try await Self.davCalendar(server, named: direct) == nil)
                await #expect(throws: DAVError.self) { try await dav.get(event) }
                let changes = try await call(
                    #"["Calendar/changes",{"accountId":"\#(accountId)","sinceState":"\#(stateAfterCreate)"},"ch"]"#)
                let gone = changes.first?.arguments["destroyed"]?.arrayValue ?? []
                #expect(gone.contains(.string(calendarId)) && gone.contains(.string(emptyId)))
            }
        }

        /// §4.2: calendars made, changed and deleted by another CalDAV client are Calendar changes.
        @Test(arguments: TestBackends.Server.allCases)
        func changesMadeOnTheServerAreCalendarChanges(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let dav = bob.davClient
            let url = try Self.home(server).appendingPathComponent("direct-\(UUID().uuidString.lowercased())/")
            try await Self.gateway(server).run { client in
                let accountId = try await client.accountId(of: bob)
                func call(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    try await client.calendarCollectionCalls(calls, as: bob)
                }
                func changes(since state: String) async throws -> JSONObject {
                    try await call(
                        #"["Calendar/changes",{"accountId":"\#(accountId)","sinceState":"\#(state)"},"ch"]"#
                    ).first?.arguments ?? [:]
                }
                func get() async throws -> [JSONObject] {
                    try await call(#"["Calendar/get",{"accountId":"\#(accountId)"},"g"]"#).first?.arguments["list"]?
                        .arrayValue?.compactMap(\.objectValue) ?? []
                }
                let initial = try #require(
                    try await call(#"["Calendar/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#).first?
                        .arguments["state"]?.stringValue)

                try await dav.makeCalendar(url, displayName: "Made elsewhere")
                do {
                    try await Self.waitForListing()
                    let made = try #require(try await get().first { $0["name"] == "Made elsewhere" })
                    let id = try #require(made["id"]?.stringValue)
                    let created = try await changes(since: initial)
                    #expect(created["created"]?.arrayValue?.contains(.string(id)) == true)
                    #expect(made["sortOrder"] == 0)
                    #expect(made["color"] == .null)
                    let afterCreate = try #require(created["newState"]?.stringValue)

                    // Apple's calendar-color (with its alpha) and calendar-order, and a calendar-timezone.
                    try await dav.proppatch(
                        url,
                        set: [
                            (.calendarOrder, "9"), (.calendarColor, "#00FF00FF"),
                            (.calendarTimezone, Self.timeZone("America/New_York")),
                        ])
                    try await Self.waitForListing()
                    let patched = try await changes(since: afterCreate)
                    #expect(patched["updated"] == .array([.string(id)]))
                    let changed = try #require(try await get().first { $0["id"] == .string(id) })
                    #expect(changed["sortOrder"] == 9)
                    #expect(changed["color"] == "#00FF00")
                    #expect(changed["timeZone"] == "America/New_York")
                    let afterPatch = try #require(patched["newState"]?.stringValue)

                    try await dav.delete(url)
                    try await Self.waitForListing()
                    #expect(try await changes(since: afterPatch)["destroyed"] == .array([.string(id)]))
                } catch {
                    try? await dav.delete(url)
                    throw error
                }
            }
        }

        /// §4 and RFC 8620 §5.3: values a Calendar may not have are invalidProperties, and no calendar is
        /// made on the server for them.
        @Test func invalidCalendarsAreRefused() async throws {
            let bob = TestBackends.bob
            try await Self.gateway(.radicale).run { client in
                let accountId = try await client.accountId(of: bob)
                let response = try await client.calendarCollectionCalls(
                    """
                    ["Calendar/set",{"accountId":"\(accountId)","create":{
                      "color":{"name":"x","color":"not-a-colour"},
                      "absolute":{"name":"x","defaultAlertsWithTime":{"a1":{"trigger":{"@type":"AbsoluteTrigger",
                        "when":"2026-01-01T09:00:00Z"}}}},
                      "availability":{"name":"x","includeInAvailability":"sometimes"},
                      "shared":{"name":"x","shareWith":{"p1":{"mayReadItems":true}}},
                      "zone":{"name":"x","timeZone":"Mars/Olympus_Mons"}}},"c"]
                    """, as: bob)
                let notCreated = try #require(response.first?.arguments["notCreated"]?.objectValue)
                func error(_ key: String) -> JSONObject? { notCreated[key]?.objectValue }
                #expect(error("color")?["properties"] == .array(["color"]))
                #expect(error("absolute")?["properties"] == .array(["defaultAlertsWithTime/a1/trigger"]))
                #expect(error("availability")?["properties"] == .array(["includeInAvailability"]))
                #expect(error("shared")?["type"] == "forbidden", "mayShare is false")
                #expect(error("zone")?["properties"] == .array(["timeZone"]))
                #expect(response.first?.arguments["created"] == .null)
            }
        }

        static func event(uid: String) -> String {
            """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//jmap-gateway//tests//EN\r
            BEGIN:VEVENT\r
            UID:\(uid)\r
            DTSTAMP:20260101T000000Z\r
            DTSTART:20260310T100000Z\r
            DTEND:20260310T110000Z\r
            SUMMARY:Put directly\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        }

        static func timeZone(_ id: String) -> String {
            """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//other client//EN\r
            BEGIN:VTIMEZONE\r
            TZID:\(id)\r
            BEGIN:STANDARD\r
            DTSTART:19701101T020000\r
            TZOFFSETFROM:-0400\r
            TZOFFSETTO:-0500\r
            END:STANDARD\r
            END:VTIMEZONE\r
            END:VCALENDAR\r

            """
        }
    }
}

extension TestClientProtocol {
    /// Sends `calls` with the core, calendars and principals capabilities as `user`, expects 200 and
    /// returns the method responses.
    func calendarCollectionCalls(
        _ calls: String, as user: TestBackends.User
    ) async throws -> [(name: String, arguments: JSONObject, id: String)] {
        let using = """
            ["urn:ietf:params:jmap:core","urn:ietf:params:jmap:calendars","urn:ietf:params:jmap:principals"]
            """
        let (status, body) = try await jmap(#"{"using":\#(using),"methodCalls":[\#(calls)]}"#, as: user)
        #expect(status == .ok)
        return body.methodResponses
    }
}
