import JMAPCore

/// `urn:ietf:params:jmap:contacts` (RFC 9610 §1.4.1).
public enum ContactsCapability {
    public static let uri = "urn:ietf:params:jmap:contacts"

    /// A DAV resource lives in exactly one collection, so a card is in exactly one address book.
    /// `mayCreateAddressBook` stays false until AddressBook/set exists: a client must not be told it may
    /// create what no method here can create.
    static let accountCapability: JSONObject = ["maxAddressBooksPerCard": 1, "mayCreateAddressBook": false]
}
