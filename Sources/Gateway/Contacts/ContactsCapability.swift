import JMAPCore

/// `urn:ietf:params:jmap:contacts` (RFC 9610 §1.4.1).
public enum ContactsCapability {
    public static let uri = "urn:ietf:params:jmap:contacts"

    /// A DAV resource lives in exactly one collection, so a card is in exactly one address book.
    static func accountCapability(_ privileges: HomePrivileges) -> JSONObject {
        ["maxAddressBooksPerCard": 1, "mayCreateAddressBook": .bool(privileges.mayCreateAddressBook)]
    }
}
