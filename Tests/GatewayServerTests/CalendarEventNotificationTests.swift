import Foundation
import JMAPCore
import TestSupport
import Testing

/// CalendarEventNotification (draft-ietf-jmap-calendars-27 §7): CalDAV does not say who changed an event,
/// so there are none, and every method says so in the standard way.
@Suite struct CalendarEventNotificationTests {
    @Test func thereAreNoNotificationsAndEveryMethodSaysSo() async throws {
        let alice = TestBackends.alice
        try await TestGateway().run { client in
            let accountId = try await client.accountId(of: alice)
            let first = try await client.calendarCollectionCalls(
                """
                ["CalendarEventNotification/get",{"accountId":"\(accountId)","ids":["n1"]},"get"],
                ["CalendarEventNotification/query",{"accountId":"\(accountId)","filter":{"operator":"AND",
                  "conditions":[{"after":"2026-01-01T00:00:00Z","type":"updated"},{"calendarEventIds":["e1"]}]},
                  "sort":[{"property":"created","isAscending":false}],"calculateTotal":true},"query"]
                """, as: alice)
            let get = try #require(first.first?.arguments)
            #expect(get["list"] == [])
            #expect(get["notFound"] == ["n1"])
            let state = try #require(get["state"]?.stringValue)
            let query = try #require(first.last?.arguments)
            #expect(query["ids"] == [] && query["total"] == 0)
            let queryState = try #require(query["queryState"]?.stringValue)

            let rest = try await client.calendarCollectionCalls(
                """
                ["CalendarEventNotification/changes",{"accountId":"\(accountId)","sinceState":"\(state)"},"ch"],
                ["CalendarEventNotification/changes",{"accountId":"\(accountId)","sinceState":"other"},"old"],
                ["CalendarEventNotification/queryChanges",{"accountId":"\(accountId)",
                  "sinceQueryState":"\(queryState)"},"qc"],
                ["CalendarEventNotification/query",{"accountId":"\(accountId)","filter":{"colour":"red"}},"f1"],
                ["CalendarEventNotification/query",{"accountId":"\(accountId)","filter":{"type":"moved"}},"f2"],
                ["CalendarEventNotification/query",{"accountId":"\(accountId)","sort":[{"property":"type"}]},"s"],
                ["CalendarEventNotification/set",{"accountId":"\(accountId)","create":{"x":{"type":"created"}},
                  "update":{"n1":{"comment":"hi"}},"destroy":["n2"]},"set"]
                """, as: alice)
            func response(_ id: String) -> (name: String, arguments: JSONObject)? {
                rest.first { $0.id == id }.map { ($0.name, $0.arguments) }
            }
            #expect(response("ch")?.arguments["newState"] == .string(state))
            #expect(response("ch")?.arguments["destroyed"] == [])
            #expect(response("old")?.arguments["type"] == "cannotCalculateChanges")
            #expect(response("qc")?.arguments["added"] == [] && response("qc")?.arguments["removed"] == [])
            #expect(response("f1")?.arguments["type"] == "unsupportedFilter")
            #expect(response("f2")?.arguments["type"] == "invalidArguments")
            #expect(response("s")?.arguments["type"] == "unsupportedSort", "§7.4.2: created is the sort")
            // §7.3: create and update are forbidden; there is nothing to destroy.
            let set = try #require(response("set")?.arguments)
            #expect(set["notCreated"]?.objectValue?["x"]?.objectValue?["type"] == "forbidden")
            #expect(set["notUpdated"]?.objectValue?["n1"]?.objectValue?["type"] == "forbidden")
            #expect(set["notDestroyed"]?.objectValue?["n2"]?.objectValue?["type"] == "notFound")
            #expect(set["newState"] == .string(state))
        }
    }
}
