/// A namespaced XML element name, as DAV properties are identified.
public struct XMLName: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(_ namespace: String, _ name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "{\(namespace)}\(name)" }
}

/// The namespaces DAV servers use.
public enum DAVNamespace {
    public static let dav = "DAV:"
    public static let carddav = "urn:ietf:params:xml:ns:carddav"
    public static let caldav = "urn:ietf:params:xml:ns:caldav"
    public static let calendarServer = "http://calendarserver.org/ns/"
    public static let apple = "http://apple.com/ns/ical/"
}

extension XMLName {
    public static func dav(_ name: String) -> Self { .init(DAVNamespace.dav, name) }
    public static func carddav(_ name: String) -> Self { .init(DAVNamespace.carddav, name) }
    public static func caldav(_ name: String) -> Self { .init(DAVNamespace.caldav, name) }

    public static let currentUserPrincipal = dav("current-user-principal")
    public static let displayName = dav("displayname")
    public static let resourceType = dav("resourcetype")
    public static let getETag = dav("getetag")
    public static let getContentType = dav("getcontenttype")
    public static let syncToken = dav("sync-token")
    public static let supportedReportSet = dav("supported-report-set")
    public static let currentUserPrivilegeSet = dav("current-user-privilege-set")
    public static let href = dav("href")
    public static let collection = dav("collection")
    public static let principal = dav("principal")
    public static let getCTag = XMLName(DAVNamespace.calendarServer, "getctag")
    public static let addressbookHomeSet = carddav("addressbook-home-set")
    public static let addressbook = carddav("addressbook")
    public static let addressbookDescription = carddav("addressbook-description")
    public static let addressData = carddav("address-data")
    public static let calendarHomeSet = caldav("calendar-home-set")
    public static let calendar = caldav("calendar")
    public static let calendarDescription = caldav("calendar-description")
    public static let calendarData = caldav("calendar-data")
    public static let calendarTimezone = caldav("calendar-timezone")
    public static let calendarUserAddressSet = caldav("calendar-user-address-set")
    public static let supportedCalendarComponentSet = caldav("supported-calendar-component-set")
    public static let calendarColor = XMLName(DAVNamespace.apple, "calendar-color")
    public static let calendarOrder = XMLName(DAVNamespace.apple, "calendar-order")
}

/// The structural elements of requests and multistatus answers.
extension XMLName {
    static let multistatus = dav("multistatus")
    static let response = dav("response")
    static let propstat = dav("propstat")
    static let prop = dav("prop")
    static let status = dav("status")
    static let error = dav("error")
}
