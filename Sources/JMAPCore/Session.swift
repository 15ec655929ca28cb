/// An account as the session object describes it (RFC 8620 §2).
public struct Account: Sendable, Hashable {
    public var name: String
    public var isPersonal: Bool
    public var isReadOnly: Bool
    /// Capability URI to the account-level capability object.
    public var accountCapabilities: [String: JSONObject]

    public init(
        name: String, isPersonal: Bool = true, isReadOnly: Bool = false, accountCapabilities: [String: JSONObject]
    ) {
        self.name = name
        self.isPersonal = isPersonal
        self.isReadOnly = isReadOnly
        self.accountCapabilities = accountCapabilities
    }

    public var json: JSONValue {
        [
            "name": .string(name),
            "isPersonal": .bool(isPersonal),
            "isReadOnly": .bool(isReadOnly),
            "accountCapabilities": .object(accountCapabilities.mapValues { .object($0) }),
        ]
    }
}

/// The session resource (RFC 8620 §2).
public struct Session: Sendable, Hashable {
    public var capabilities: [String: JSONObject]
    public var accounts: [String: Account]
    public var primaryAccounts: [String: String]
    public var username: String
    public var apiUrl: String
    public var downloadUrl: String
    public var uploadUrl: String
    public var eventSourceUrl: String

    public init(
        capabilities: [String: JSONObject], accounts: [String: Account], primaryAccounts: [String: String],
        username: String, apiUrl: String, downloadUrl: String, uploadUrl: String, eventSourceUrl: String
    ) {
        self.capabilities = capabilities
        self.accounts = accounts
        self.primaryAccounts = primaryAccounts
        self.username = username
        self.apiUrl = apiUrl
        self.downloadUrl = downloadUrl
        self.uploadUrl = uploadUrl
        self.eventSourceUrl = eventSourceUrl
    }

    private var jsonWithoutState: JSONObject {
        [
            "capabilities": .object(capabilities.mapValues { .object($0) }),
            "accounts": .object(accounts.mapValues(\.json)),
            "primaryAccounts": .object(primaryAccounts.mapValues { .string($0) }),
            "username": .string(username),
            "apiUrl": .string(apiUrl),
            "downloadUrl": .string(downloadUrl),
            "uploadUrl": .string(uploadUrl),
            "eventSourceUrl": .string(eventSourceUrl),
        ]
    }

    /// Changes whenever anything else in the session does (§2: `state`), derived from the
    /// content so that every gateway instance computes the same value.
    public var state: String {
        let bytes = (try? JSONCoding.encode(JSONValue.object(jsonWithoutState))) ?? .init()
        return StableHash.hex(of: bytes)
    }

    public var json: JSONValue {
        var object = jsonWithoutState
        object["state"] = .string(state)
        return .object(object)
    }
}
