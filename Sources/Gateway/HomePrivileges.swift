import DAV
import Foundation

/// What the user may do in their DAV homes, read at login: JMAP's `mayCreateAddressBook` (RFC 9610 §1.3)
/// comes from it rather than being promised blindly.
public struct HomePrivileges: Sendable, Hashable {
    /// The current-user-privilege-set of the address book home; nil when there is no such home.
    public var addressBookHome: Set<String>?
    /// The current-user-privilege-set of the calendar home; nil when there is no such home.
    public var calendarHome: Set<String>?

    public init(addressBookHome: Set<String>?, calendarHome: Set<String>? = nil) {
        self.addressBookHome = addressBookHome
        self.calendarHome = calendarHome
    }

    public var mayCreateAddressBook: Bool { Self.mayCreateCollection(in: addressBookHome) }
    public var mayCreateCalendar: Bool { Self.mayCreateCollection(in: calendarHome) }

    /// Making a collection needs `bind` on its parent (RFC 3744 §3.9), which `write` and `all` contain.
    /// A server that reports no privileges at all is not read as a refusal: MKCOL will tell.
    private static func mayCreateCollection(in home: Set<String>?) -> Bool {
        guard let privileges = home else { return false }
        return privileges.isEmpty || !privileges.isDisjoint(with: ["bind", "write", "all"])
    }

    /// Reads the privileges of the principal's homes. Best effort: a failure leaves them unknown (empty)
    /// rather than failing a login the server accepted.
    static func read(_ discovery: DAVDiscovery, principal: URL) async -> HomePrivileges {
        do {
            let found = try await discovery.principal(at: principal)
            async let books = privileges(of: found.addressbookHomes.first, discovery)
            async let calendars = privileges(of: found.calendarHomes.first, discovery)
            return HomePrivileges(addressBookHome: await books, calendarHome: await calendars)
        } catch {
            return HomePrivileges(addressBookHome: [], calendarHome: [])
        }
    }

    private static func privileges(of home: URL?, _ discovery: DAVDiscovery) async -> Set<String>? {
        guard let home else { return nil }
        return (try? await discovery.privileges(of: home)) ?? []
    }
}
