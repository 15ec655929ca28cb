/// The arguments of `Foo/changes` (RFC 8620 §5.2).
public struct ChangesRequest: Sendable, Hashable {
    public var accountId: String
    public var sinceState: String
    /// The most ids to return across created, updated and destroyed; nil lets the server choose.
    public var maxChanges: Int?

    /// Reads the standard arguments; the caller reads any of its own, then calls `finish()`.
    public init(_ arguments: inout Arguments) throws(MethodError) {
        accountId = try arguments.accountId()
        sinceState = try arguments.requiredString("sinceState")
        maxChanges = try arguments.unsignedInt("maxChanges")
        if maxChanges == 0 { throw .invalidArguments("`maxChanges` must be greater than 0.") }
    }

    /// The response taking the client from `sinceState` to `newState`. The data type picks `changes` so
    /// that they fit `maxChanges`, stopping at an intermediate state with `hasMoreChanges` if need be.
    public func response(newState: String, hasMoreChanges: Bool, changes: ChangeSet) -> ChangesResponse {
        ChangesResponse(
            accountId: accountId, oldState: sinceState, newState: newState, hasMoreChanges: hasMoreChanges,
            created: changes.created, updated: changes.updated, destroyed: changes.destroyed
        )
    }
}

/// The response of `Foo/changes` (RFC 8620 §5.2).
public struct ChangesResponse: Sendable, Hashable {
    public var accountId: String
    public var oldState: String
    public var newState: String
    public var hasMoreChanges: Bool
    public var created: [String]
    public var updated: [String]
    public var destroyed: [String]

    public init(
        accountId: String, oldState: String, newState: String, hasMoreChanges: Bool,
        created: [String], updated: [String], destroyed: [String]
    ) {
        self.accountId = accountId
        self.oldState = oldState
        self.newState = newState
        self.hasMoreChanges = hasMoreChanges
        self.created = created
        self.updated = updated
        self.destroyed = destroyed
    }

    public var arguments: JSONObject {
        [
            "accountId": .string(accountId),
            "oldState": .string(oldState),
            "newState": .string(newState),
            "hasMoreChanges": .bool(hasMoreChanges),
            "created": JSONValue(created),
            "updated": JSONValue(updated),
            "destroyed": JSONValue(destroyed),
        ]
    }
}
