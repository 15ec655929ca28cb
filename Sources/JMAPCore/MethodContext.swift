/// What a method sees besides its arguments: the caller, the request's `using`, the limits, and
/// the creation ids of the request so far (RFC 8620 §3.3, §5.3).
public struct MethodContext<Caller: JMAPCaller>: Sendable {
    public let caller: Caller
    public let using: Set<String>
    public let limits: CoreLimits
    /// Creation id (without `#`) to the id the server assigned, across all calls of the request.
    public var createdIds: [String: String]

    public init(caller: Caller, using: Set<String>, limits: CoreLimits, createdIds: [String: String] = [:]) {
        self.caller = caller
        self.using = using
        self.limits = limits
        self.createdIds = createdIds
    }

    /// The account named by `accountId`, checked to exist and to support `capability`.
    public func account(_ accountId: String, capability: String) throws(MethodError) -> Account {
        guard let account = caller.accounts[accountId] else {
            throw .accountNotFound("No account with id \(accountId).")
        }
        guard account.accountCapabilities[capability] != nil else {
            throw .accountNotSupportedByMethod("Account \(accountId) does not support \(capability).")
        }
        return account
    }

    /// As `account(_:capability:)`, and the account must be writable.
    public func writableAccount(_ accountId: String, capability: String) throws(MethodError) -> Account {
        let account = try account(accountId, capability: capability)
        if account.isReadOnly { throw .accountReadOnly("Account \(accountId) is read-only.") }
        return account
    }

    /// Resolves `#creationId` to the id created earlier in this request; other ids pass through.
    /// Nil when the creation id is unknown.
    public func resolve(id: String) -> String? {
        guard id.hasPrefix("#") else { return id }
        return createdIds[String(id.dropFirst())]
    }
}
