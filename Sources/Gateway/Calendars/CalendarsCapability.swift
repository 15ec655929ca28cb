import JMAPCore

/// `urn:ietf:params:jmap:calendars` and its companions (draft-ietf-jmap-calendars-27 §1.5).
public enum CalendarsCapability {
    public static let uri = "urn:ietf:params:jmap:calendars"
    /// CalendarEvent/parse (§1.5.3).
    public static let parse = "urn:ietf:params:jmap:calendars:parse"
    /// Principal/get (RFC 9670 §2).
    public static let principals = "urn:ietf:params:jmap:principals"
    /// Principal/getAvailability (§1.5.2).
    public static let availability = "urn:ietf:params:jmap:principals:availability"
    /// The Principal that owns an account (RFC 9670 §1.5.2): an account capability only, never in the
    /// session's capabilities.
    public static let principalsOwner = "urn:ietf:params:jmap:principals:owner"

    /// The widest window CalendarEvent/query expands recurrences over (`maxExpandedQueryDuration`), and
    /// Principal/getAvailability covers (`maxAvailabilityDuration`): a year of instances of every series.
    static let maxExpandedQueryDays = 366
    /// The range of date-times the gateway accepts (`minDateTime`, `maxDateTime`): what iCalendar's
    /// four-digit years can hold.
    static let minDateTime = "0001-01-01T00:00:00Z"
    static let maxDateTime = "9999-12-31T23:59:59Z"

    /// A DAV resource lives in exactly one collection, so an event is in exactly one calendar. The
    /// gateway sends no scheduling messages (no iMIP; the servers here do no RFC 6638 implicit
    /// scheduling), which the draft has no member for: `sendsSchedulingMessages` says so, and
    /// CalendarEvent/set refuses `sendSchedulingMessages` for events with other participants.
    static func accountCapability(_ privileges: HomePrivileges) -> JSONObject {
        [
            "maxCalendarsPerEvent": 1,
            "minDateTime": .string(minDateTime),
            "maxDateTime": .string(maxDateTime),
            "maxExpandedQueryDuration": .string("P\(maxExpandedQueryDays)D"),
            "maxParticipantsPerEvent": .null,
            "mayCreateCalendar": .bool(privileges.mayCreateCalendar),
            "sendsSchedulingMessages": false,
        ]
    }

    /// RFC 9670 §1.5.1: the Principal in the account that is the user, whose own Principal is the only one.
    static func principalsCapability(principalId: String) -> JSONObject {
        ["currentUserPrincipalId": .string(principalId)]
    }

    /// RFC 9670 §1.5.2: the account belongs to the user's Principal, which lives in the same account.
    static func ownerCapability(accountId: String, principalId: String) -> JSONObject {
        ["accountIdForPrincipal": .string(accountId), "principalId": .string(principalId)]
    }

    /// §1.5.2: Principal/getAvailability covers what CalendarEvent/query expands.
    static var availabilityCapability: JSONObject {
        ["maxAvailabilityDuration": .string("P\(maxExpandedQueryDays)D")]
    }
}
