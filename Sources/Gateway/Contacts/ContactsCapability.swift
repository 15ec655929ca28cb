import JMAPCore

/// `urn:ietf:params:jmap:contacts` (RFC 9610 §1.4.1).
public enum ContactsCapability {
    public static let uri = "urn:ietf:params:jmap:contacts"

    /// A DAV resource lives in exactly one collection, so a card is in exactly one address book.
    /// `mayCreateAddressBook` is true: the homes of the servers we front let their owner MKCOL (a server
    /// that refuses answers 403, which AddressBook/set reports as `forbidden`).
    static let accountCapability: JSONObject = ["maxAddressBooksPerCard": 1, "mayCreateAddressBook": true]
}
