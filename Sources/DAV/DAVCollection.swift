import Foundation

/// An address book or calendar as found on the server.
public struct DAVCollection: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case addressBook
        case calendar
    }

    public var url: URL
    public var kind: Kind
    public var displayName: String?
    public var description: String?
    public var color: String?
    /// Apple's `calendar-order` (`http://apple.com/ns/ical/`), when the server holds an integer there.
    public var order: Int?
    /// The `calendar-timezone` property (RFC 4791 §5.2.2) as the server holds it: a VCALENDAR text
    /// with one VTIMEZONE. Nil when absent or empty.
    public var timeZone: String?
    public var ctag: String?
    public var syncToken: String?
    /// Whether the server lists `DAV:sync-collection` in supported-report-set (RFC 6578 §3.1).
    public var supportsSyncCollection: Bool
    /// Privilege names (e.g. `read`, `write`, `bind`, `unbind`, `all`) from current-user-privilege-set.
    public var privileges: Set<String>

    /// What a collection listing asks for: the JMAP-visible properties, capabilities and rights.
    /// No getctag or sync-token: Radicale computes both over every item of every collection (0.8 s
    /// for 10,000 cards), and the per-collection sync reads them anyway.
    public static let listingProperties: [XMLName] = [
        .resourceType, .displayName, .supportedReportSet, .currentUserPrivilegeSet, .addressbookDescription,
        .calendarDescription, .calendarColor, .calendarOrder, .calendarTimezone,
    ]

    /// The listing properties plus getctag and sync-token, for `jmap-gateway check`.
    public static let properties: [XMLName] = listingProperties + [.getCTag, .syncToken]

    /// Reads a collection from its PROPFIND response; nil when it is neither address book nor calendar.
    init?(response: Multistatus.Response, baseURL: URL) {
        guard let resourceType = response.property(.resourceType),
            let url = URL(string: DAVHref.normalize(response.href, relativeTo: baseURL))
        else { return nil }
        if resourceType.child(.addressbook) != nil {
            kind = .addressBook
            description = response.property(.addressbookDescription)?.trimmedText
        } else if resourceType.child(.calendar) != nil {
            kind = .calendar
            description = response.property(.calendarDescription)?.trimmedText
        } else {
            return nil
        }
        self.url = url
        displayName = response.property(.displayName)?.trimmedText
        color = response.property(.calendarColor)?.trimmedText
        // Apple clients write the order as a decimal integer; anything else is no order.
        order = response.property(.calendarOrder).flatMap { Int($0.trimmedText) }
        // Radicale keeps a property cleared by an empty `set` as empty text.
        timeZone = response.property(.calendarTimezone).map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
        ctag = response.property(.getCTag)?.trimmedText
        syncToken = response.property(.syncToken)?.trimmedText
        supportsSyncCollection =
            response.property(.supportedReportSet)?.descendants(.dav("sync-collection")).isEmpty == false
        privileges = Self.privileges(response)
    }

    /// The local names of the current-user-privilege-set (RFC 3744 §5.4), e.g. `read`, `write`, `bind`.
    static func privileges(_ response: Multistatus.Response) -> Set<String> {
        Set(
            response.property(.currentUserPrivilegeSet)?.descendants(.dav("privilege")).flatMap {
                $0.children.map(\.name.name)
            } ?? [])
    }
}
