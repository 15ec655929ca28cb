import DAV
import Foundation

/// What the user may do in their DAV homes, read at login: JMAP's `mayCreateAddressBook` (RFC 9610 §1.3)
/// comes from it rather than being promised blindly.
public struct HomePrivileges: Sendable, Hashable {
    /// The current-user-privilege-set of the address book home; nil when there is no such home.
    public var addressBookHome: Set<String>?

    public init(addressBookHome: Set<String>?) {
        self.addressBookHome = addressBookHome
    }

    /// Making a collection needs `bind` on its parent (RFC 3744 §3.9), which `write` and `all` contain.
    /// A server that reports no privileges at all is not read as a refusal: MKCOL will tell.
    public var mayCreateAddressBook: Bool {
        guard let privileges = addressBookHome else { return false }
        return privileges.isEmpty || !privileges.isDisjoint(with: ["bind", "write", "all"])
    }

    /// Reads the privileges of the principal's address book home. Best effort: a failure leaves them
    /// unknown (empty) rather than failing a login the server accepted.
    static func read(_ discovery: DAVDiscovery, principal: URL) async -> HomePrivileges {
        do {
            guard let home = try await discovery.principal(at: principal).addressbookHomes.first else {
                return HomePrivileges(addressBookHome: nil)
            }
            return HomePrivileges(addressBookHome: try await discovery.privileges(of: home))
        } catch {
            return HomePrivileges(addressBookHome: [])
        }
    }
}
