import DAV
import Foundation
import JMAPCore
import Store
import Testing

@testable import Gateway

/// What Calendar/set accepts (draft-ietf-jmap-calendars-27 §4), checked without a server: every bad value
/// is an invalidProperties SetError naming the property (RFC 8620 §5.3), never a crash.
@Suite struct CalendarValidationTests {
    /// The properties of a create with `extra` added to a valid name.
    func validated(_ extra: JSONObject, defaults: Bool = true) throws(SetError) -> CalendarWriter.Properties {
        try CalendarWriter.validated(extra.merging(["name": "Work"]) { new, _ in new }, defaults: defaults)
    }

    func invalid(_ extra: JSONObject, defaults: Bool = true) -> [String]? {
        do {
            _ = try validated(extra, defaults: defaults)
            return nil
        } catch {
            return error.type == "invalidProperties" ? error.properties : [error.type]
        }
    }

    @Test func validCalendarHasItsDefaults() throws {
        let properties = try validated([:])
        #expect(properties.name == "Work")
        #expect(properties.sortOrder == 0)
        #expect(properties.isSubscribed && properties.isVisible)
        #expect(properties.includeInAvailability == "all")
        #expect(properties.color == nil && properties.timeZone == nil && properties.defaultAlertsWithTime == nil)
    }

    /// §4: "a case-insensitive color name taken from the set of names defined in Section 4.3 of CSS Color
    /// Module Level 3, or an RGB value in hexadecimal notation" (§4.2.1: #rgb or #rrggbb).
    @Test(arguments: ["#abc", "#A1B2C3", "red", "DarkSlateGrey", "LIGHTGOLDENRODYELLOW"])
    func colorsCSS3Allows(color: String) throws {
        #expect(try validated(["color": .string(color)]).color == color)
    }

    @Test(arguments: ["", "#abcd", "#GGGGGG", "rebeccapurple", "transparent", "rgb(1,2,3)", "#FF0000FF", "red "])
    func colorsCSS3DoesNotAllow(color: String) {
        #expect(invalid(["color": .string(color)]) == ["color"])
    }

    @Test func colorsGoToTheServerAsHex() {
        #expect(CalendarColor.davValue("Orange") == "#FFA500")
        #expect(CalendarColor.davValue("#abc") == "#aabbcc")
        #expect(CalendarColor.davValue("#123456") == "#123456")
        #expect(CalendarColor.names.count == 147)
        // What Apple clients write comes back without its alpha; what no JMAP client could send is no color.
        #expect(CalendarColor.jmapValue("#FF8800FF") == "#FF8800")
        #expect(CalendarColor.jmapValue("navy") == "navy")
        #expect(CalendarColor.jmapValue("hsl(0, 100%, 50%)") == nil)
    }

    /// §4: the trigger of a default alert "MUST NOT be an AbsoluteTrigger".
    @Test func absoluteTriggerInDefaultAlertsIsInvalid() {
        let alert: JSONObject = [
            "@type": "Alert", "trigger": ["@type": "AbsoluteTrigger", "when": "2026-01-01T09:00:00Z"],
        ]
        #expect(invalid(["defaultAlertsWithTime": ["a1": .object(alert)]]) == ["defaultAlertsWithTime/a1/trigger"])
        #expect(
            invalid(["defaultAlertsWithoutTime": ["a1": .object(alert)]]) == ["defaultAlertsWithoutTime/a1/trigger"])
    }

    /// jscalendarbis-17 §3.5.1: an OffsetTrigger (the default type) needs a SignedDuration offset and a
    /// relativeTo of start or end; an UnknownTrigger is kept; the map's keys are Ids.
    @Test func defaultAlertsAreAlerts() throws {
        let offset: JSONObject = ["trigger": ["offset": "-PT15M", "relativeTo": "end"], "action": "display"]
        let unknown: JSONObject = ["trigger": ["@type": "com.example:Trigger", "x": 1]]
        let valid = try validated(["defaultAlertsWithTime": ["a1": .object(offset), "a2": .object(unknown)]])
        #expect(valid.defaultAlertsWithTime?.keys.sorted() == ["a1", "a2"])
        #expect(try validated(["defaultAlertsWithTime": nil]).defaultAlertsWithTime == nil)

        #expect(
            invalid(["defaultAlertsWithTime": ["a1": ["trigger": ["offset": "15 minutes"]]]]) == [
                "defaultAlertsWithTime/a1/trigger"
            ])
        #expect(
            invalid(["defaultAlertsWithTime": ["a1": ["trigger": ["offset": "PT1H", "relativeTo": "middle"]]]]) == [
                "defaultAlertsWithTime/a1/trigger"
            ])
        #expect(
            invalid(["defaultAlertsWithTime": ["a1": ["action": "display"]]]) == ["defaultAlertsWithTime/a1/trigger"])
        #expect(
            invalid(["defaultAlertsWithTime": ["a1": ["@type": "Event", "trigger": ["offset": "PT0S"]]]]) == [
                "defaultAlertsWithTime/a1/@type"
            ])
        #expect(
            invalid(["defaultAlertsWithTime": ["not an id": ["trigger": ["offset": "PT0S"]]]]) == [
                "defaultAlertsWithTime/not an id"
            ])
        #expect(invalid(["defaultAlertsWithTime": ["a1", "a2"]]) == ["defaultAlertsWithTime"])
        // §4: ids are unique across all default alerts, this calendar's two maps included.
        let alert: JSONValue = ["trigger": ["offset": "PT0S"]]
        #expect(
            invalid(["defaultAlertsWithTime": ["a1": alert], "defaultAlertsWithoutTime": ["a1": alert]]) == [
                "defaultAlertsWithoutTime/a1"
            ])
    }

    /// §4: includeInAvailability "MUST be one of" all, attending, none.
    @Test func includeInAvailabilityIsOneOfThree() throws {
        for value in ["all", "attending", "none"] {
            #expect(try validated(["includeInAvailability": .string(value)]).includeInAvailability == value)
        }
        #expect(invalid(["includeInAvailability": "sometimes"]) == ["includeInAvailability"])
        #expect(invalid(["includeInAvailability": "All"]) == ["includeInAvailability"])
        #expect(invalid(["includeInAvailability": nil]) == ["includeInAvailability"])
    }

    /// §4: name 1–255 octets, sortOrder 0 <= n < 2^31, timeZone an IANA id; shareWith only null (mayShare
    /// is false: forbidden); unknown properties are invalid.
    @Test func otherProperties() throws {
        #expect(invalid(["name": ""]) == ["name"])
        #expect(invalid(["name": .string(String(repeating: "é", count: 128))]) == ["name"])
        #expect(invalid(["sortOrder": -1]) == ["sortOrder"])
        #expect(invalid(["sortOrder": .int(1 << 31)]) == ["sortOrder"])
        #expect(try validated(["sortOrder": .int((1 << 31) - 1)]).sortOrder == (1 << 31) - 1)
        #expect(try validated(["timeZone": "Asia/Kolkata"]).timeZone == "Asia/Kolkata")
        #expect(invalid(["timeZone": "CEST"]) == ["timeZone"])
        #expect(invalid(["isVisible": "yes", "colour": "red"]) == ["colour", "isVisible"])
        #expect(invalid(["shareWith": ["p1": ["mayReadItems": true]]]) == ["forbidden"])
        #expect(try validated(["shareWith": nil, "myRights": [:], "isDefault": false]).name == "Work")
        #expect(throws: SetError.self) { try CalendarWriter.validated([:], defaults: true) }
        #expect(try CalendarWriter.validated([:], defaults: false).name == nil)
    }

    /// The per-user properties round-trip through the cache's JSON, and an untouched calendar stores none.
    @Test func userPropertiesRoundTrip() {
        #expect(CalendarUserProperties().data == nil)
        var user = CalendarUserProperties()
        user.isVisible = false
        user.includeInAvailability = "none"
        user.defaultAlertsWithTime = ["a1": ["trigger": ["offset": "-PT5M"]]]
        user.sortOrder = 3
        #expect(CalendarUserProperties(user.data) == user)
        #expect(CalendarUserProperties(Data("not json".utf8)) == CalendarUserProperties())
    }

    /// A server that refuses calendar-order or calendar-color (both test servers take them) leaves the
    /// value with the user, and it then wins over whatever the server reports; one it took is the
    /// server's again.
    @Test func refusedServerPropertiesAreKeptForTheUser() throws {
        let properties = try validated(["sortOrder": 7, "color": "#123456", "timeZone": "Europe/Rome"])
        var user = CalendarUserProperties()
        user.timeZone = "Europe/Paris"
        properties.writeUserProperties(
            into: &user, refused: [.calendarOrder], changed: [.calendarOrder, .calendarColor, .calendarTimezone])
        #expect(user.sortOrder == 7)
        #expect(user.color == nil)
        #expect(user.timeZone == nil, "the server took the new time zone")
        var calendar = StoredCollection(
            id: "c1", href: "https://h/c1/", kind: .calendar, displayName: "Work", color: "#123456FF", order: 4,
            timeZone: "Europe/Rome")
        calendar.settings.userProperties = user.data
        let json = CalendarMethods.json(for: calendar, isDefault: true)
        #expect(json["sortOrder"] == 7)
        #expect(json["color"] == "#123456")
        #expect(json["timeZone"] == "Europe/Rome")
        #expect(json["isDefault"] == true)
        // An order outside what JMAP allows is clamped (§4: 0 <= sortOrder < 2^31).
        calendar.settings.userProperties = nil
        calendar.order = -5
        #expect(CalendarMethods.json(for: calendar, isDefault: false)["sortOrder"] == 0)
    }

    /// CalendarRights (§4) follow the DAV privileges; §4.1 hides a calendar of which only free-busy may be read.
    @Test func rightsFollowThePrivileges() {
        let readOnly = CalendarMethods.rights(["read"])
        #expect(readOnly["mayReadItems"] == true && readOnly["mayReadFreeBusy"] == true)
        #expect(readOnly["mayWriteAll"] == false && readOnly["mayRSVP"] == false && readOnly["mayDelete"] == false)
        let owner = CalendarMethods.rights(["read", "write"])
        #expect(owner.values.filter { $0 == true }.count == 7, "everything but mayShare")
        #expect(owner["mayShare"] == false)
        let freeBusy = CalendarMethods.rights(["read-free-busy"])
        #expect(freeBusy["mayReadFreeBusy"] == true && freeBusy["mayReadItems"] == false)
        let hidden = StoredCollection(id: "c1", href: "https://h/c1/", kind: .calendar, privileges: ["read-free-busy"])
        #expect(!CalendarMethods.isReadable(hidden))
    }
}
