/// The arguments of `Foo/copy` (RFC 8620 §5.4), the only way to move records between accounts.
public struct CopyRequest: Sendable, Hashable {
    public var fromAccountId: String
    public var ifFromInState: String?
    public var accountId: String
    public var ifInState: String?
    /// Creation id to the record to copy: its `id` in the from account (a `#creationId` already resolved)
    /// and any properties the copy should have instead of the original's.
    public var create: [String: JSONObject]
    public var onSuccessDestroyOriginal: Bool
    public var destroyFromIfInState: String?

    /// Reads the standard arguments and checks them against `maxObjectsInSet`. The caller reads any
    /// arguments of its own, then calls `finish()`.
    public init<Caller>(_ arguments: inout Arguments, context: MethodContext<Caller>) throws(MethodError) {
        fromAccountId = try arguments.accountId("fromAccountId")
        ifFromInState = try arguments.string("ifFromInState")
        accountId = try arguments.accountId()
        ifInState = try arguments.string("ifInState")
        guard let objects = try arguments.objectMap("create") else {
            throw .invalidArguments("`create` is required.")
        }
        create = objects
        onSuccessDestroyOriginal = try arguments.bool("onSuccessDestroyOriginal", default: false)
        destroyFromIfInState = try arguments.string("destroyFromIfInState")
        guard fromAccountId != accountId else {
            throw .invalidArguments("`fromAccountId` and `accountId` must differ.")
        }
        try checkCreationIds(create)
        try checkObjectCount(create.count, limits: context.limits)
        // Resolved now, before this call's own creates could reuse a creation id (§5.3: the latest wins).
        for (creationId, object) in objects {
            guard case .string(let id)? = object["id"] else {
                throw .invalidArguments("`create/\(creationId)` must have the `id` of the record to copy.")
            }
            create[creationId]?["id"] = .string(context.resolvedId(id))
        }
    }

    /// Rejects the call with `stateMismatch` unless `ifInState` is absent or equals `current`.
    public func checkState(current: String) throws(MethodError) {
        try checkExpectedState(ifInState, current: current, argument: "ifInState")
    }

    /// Rejects the call with `stateMismatch` unless `ifFromInState` is absent or equals `current`.
    public func checkFromState(current: String) throws(MethodError) {
        try checkExpectedState(ifFromInState, current: current, argument: "ifFromInState")
    }

    /// The from account must exist and support `capability`, answered with the `fromAccount…` errors of
    /// §5.4; the target account must be writable.
    public func checkAccounts<Caller>(in context: MethodContext<Caller>, capability: String) throws(MethodError) {
        guard let fromAccount = context.caller.accounts[fromAccountId] else {
            throw .fromAccountNotFound("No account with id \(fromAccountId).")
        }
        guard fromAccount.accountCapabilities[capability] != nil else {
            throw .fromAccountNotSupportedByMethod("Account \(fromAccountId) does not support \(capability).")
        }
        _ = try context.writableAccount(accountId, capability: capability)
    }

    /// Runs the copies (§5.4): checks `ifFromInState` (reading `fromState` only then) and `ifInState`, then
    /// makes each copy on its own through `copy`, given the original's id and the properties to override;
    /// a `SetError` rejects that record only. Each copy registers its creation id like a /set create.
    public func perform<Caller>(
        context: inout MethodContext<Caller>,
        fromState: () async throws(MethodError) -> String,
        state: () async throws(MethodError) -> String,
        copy: (_ fromId: String, _ overrides: JSONObject, _ context: MethodContext<Caller>) async throws(SetError)
            -> CreatedRecord
    ) async throws(MethodError) -> CopyResponse {
        if ifFromInState != nil { try checkFromState(current: try await fromState()) }
        let oldState = try await state()
        try checkState(current: oldState)
        var response = CopyResponse(
            fromAccountId: fromAccountId, accountId: accountId, oldState: oldState, newState: oldState)
        await performCreates(
            create, context: &context, created: &response.created, notCreated: &response.notCreated
        ) { object, context async throws(SetError) in
            let fromId = object["id"]?.stringValue ?? ""
            guard Id.isValid(fromId) else { throw .notFound(id: fromId) }
            var overrides = object
            overrides["id"] = nil
            return try await copy(fromId, overrides, context)
        }
        response.newState = try await state()
        return response
    }

    /// The responses of the call (§5.4): the `Foo/copy` response, then with `onSuccessDestroyOriginal` the
    /// implicit `Foo/set` that destroys the originals of the records copied, made through `set` (the data
    /// type's /set) with `destroyFromIfInState` as its `ifInState`. Should that /set fail, its error is the
    /// second response: the copies are made already.
    public func responses<Caller>(
        _ response: CopyResponse, dataType: String, context: inout MethodContext<Caller>,
        set: (SetRequest, inout MethodContext<Caller>) async throws(MethodError) -> SetResponse
    ) async -> [MethodResponse] {
        let copyResponse = MethodResponse(name: dataType + "/copy", arguments: response.arguments)
        guard onSuccessDestroyOriginal else { return [copyResponse] }
        let originals = response.created.keys.sorted().compactMap { create[$0]?["id"]?.stringValue }
        let destroy = SetRequest(accountId: fromAccountId, ifInState: destroyFromIfInState, destroy: originals)
        do throws(MethodError) {
            let setResponse = try await set(destroy, &context)
            return [copyResponse, MethodResponse(name: dataType + "/set", arguments: setResponse.arguments)]
        } catch {
            return [copyResponse, MethodResponse(name: "error", arguments: error.arguments)]
        }
    }
}

/// The response of `Foo/copy` (RFC 8620 §5.4). Empty maps go out as `null`.
public struct CopyResponse: Sendable, Hashable {
    public var fromAccountId: String
    public var accountId: String
    public var oldState: String?
    public var newState: String
    /// Creation id to the copy's id and its other server-set properties.
    public var created: [String: JSONObject] = [:]
    public var notCreated: [String: SetError] = [:]

    public init(fromAccountId: String, accountId: String, oldState: String?, newState: String) {
        self.fromAccountId = fromAccountId
        self.accountId = accountId
        self.oldState = oldState
        self.newState = newState
    }

    public var arguments: JSONObject {
        [
            "fromAccountId": .string(fromAccountId),
            "accountId": .string(accountId),
            "oldState": JSONValue(oldState, JSONValue.string),
            "newState": .string(newState),
            "created": .nonEmpty(created.mapValues(JSONValue.object)),
            "notCreated": .nonEmpty(notCreated.mapValues(\.json)),
        ]
    }
}
