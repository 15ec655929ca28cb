/// The arguments of `Foo/set` (RFC 8620 §5.3).
public struct SetRequest: Sendable, Hashable {
    public var accountId: String
    public var ifInState: String?
    /// Creation id to the object to create.
    public var create: [String: JSONObject]
    /// Id to the patch for that record. Keys may be `#creationId`s, resolved by `perform` once the creates
    /// are done, so that they can name records created in this very call (§5.3).
    public var update: [String: PatchObject]
    /// Ids to destroy, possibly `#creationId`s, resolved like the keys of `update`.
    public var destroy: [String]

    public init(
        accountId: String, ifInState: String? = nil, create: [String: JSONObject] = [:],
        update: [String: PatchObject] = [:], destroy: [String] = []
    ) {
        self.accountId = accountId
        self.ifInState = ifInState
        self.create = create
        self.update = update
        self.destroy = destroy
    }

    /// Reads the standard arguments and checks them against `maxObjectsInSet`. The caller reads any
    /// arguments of its own, then calls `finish()`.
    public init<Caller>(_ arguments: inout Arguments, context: MethodContext<Caller>) throws(MethodError) {
        self.init(
            accountId: try arguments.accountId(),
            ifInState: try arguments.string("ifInState"),
            create: try arguments.objectMap("create") ?? [:],
            update: try arguments.objectMap("update")?.mapValues(PatchObject.init) ?? [:],
            destroy: try arguments.stringArray("destroy") ?? []
        )
        try checkCreationIds(create)
        try checkObjectCount(create.count + update.count + destroy.count, limits: context.limits)
    }

    /// Rejects the call with `stateMismatch` unless `ifInState` is absent or equals `current`.
    public func checkState(current: String) throws(MethodError) {
        try checkExpectedState(ifInState, current: current, argument: "ifInState")
    }

    /// Runs the whole call (§5.3): reads the state and checks `ifInState`, then makes each create, update
    /// and destroy on its own, a `SetError` rejecting that record only, and reads the new state. Creates
    /// come first and register their creation ids, so later updates and destroys — in this call and later
    /// ones — can name them. An update of a record also being destroyed is skipped with `willDestroy`;
    /// ids that do not resolve are `notFound` without reaching the data type.
    public func perform<Caller>(
        context: inout MethodContext<Caller>,
        state: () async throws(MethodError) -> String,
        create createRecord: (_ object: JSONObject, _ context: MethodContext<Caller>) async throws(SetError)
            -> CreatedRecord,
        update updateRecord: (_ id: String, _ patch: PatchObject, _ context: MethodContext<Caller>)
            async throws(SetError) -> JSONObject,
        destroy destroyRecord: (_ id: String, _ context: MethodContext<Caller>) async throws(SetError) -> Void
    ) async throws(MethodError) -> SetResponse {
        let oldState = try await state()
        try checkState(current: oldState)
        var response = SetResponse(accountId: accountId, oldState: oldState, newState: oldState)
        await performCreates(
            create, context: &context, created: &response.created, notCreated: &response.notCreated,
            body: createRecord)

        let destroyIds = context.resolvedIds(destroy)
        let destroying = Set(destroyIds)
        for (key, patch) in update.sorted(by: { $0.key < $1.key }) {
            let id = context.resolvedId(key)
            do throws(SetError) {
                guard Id.isValid(id) else { throw .notFound(id: id) }
                guard !destroying.contains(id) else { throw .willDestroy("The record is destroyed by this call.") }
                response.updated[id] = try await updateRecord(id, patch, context)
            } catch {
                response.notUpdated[id] = error
            }
        }
        for id in destroyIds {
            do throws(SetError) {
                guard Id.isValid(id) else { throw .notFound(id: id) }
                try await destroyRecord(id, context)
                response.destroyed.append(id)
            } catch {
                response.notDestroyed[id] = error
            }
        }
        response.newState = try await state()
        return response
    }
}

/// What a data type reports for a record it created: its id, and the properties the client did not send
/// (server-set ones and defaults), which §5.3 returns in `created`.
public struct CreatedRecord: Sendable, Hashable {
    public var id: String
    public var properties: JSONObject

    public init(id: String, properties: JSONObject = [:]) {
        self.id = id
        self.properties = properties
    }

    /// The entry in `created`: the properties and the id.
    var object: JSONObject {
        properties.merging(["id": .string(id)]) { _, id in id }
    }
}

/// The response of `Foo/set` (RFC 8620 §5.3). Empty maps and lists go out as `null`.
public struct SetResponse: Sendable, Hashable {
    public var accountId: String
    public var oldState: String?
    public var newState: String
    /// Creation id to the record's id and the properties the client did not send.
    public var created: [String: JSONObject] = [:]
    /// Id to the properties that changed beyond what the patch asked; empty (sent as `null`) when none did.
    public var updated: [String: JSONObject] = [:]
    public var destroyed: [String] = []
    public var notCreated: [String: SetError] = [:]
    public var notUpdated: [String: SetError] = [:]
    public var notDestroyed: [String: SetError] = [:]

    public init(accountId: String, oldState: String?, newState: String) {
        self.accountId = accountId
        self.oldState = oldState
        self.newState = newState
    }

    public var arguments: JSONObject {
        Self.results(
            created: created, updated: updated, destroyed: destroyed, notCreated: notCreated,
            notUpdated: notUpdated, notDestroyed: notDestroyed
        ).merging([
            "accountId": .string(accountId),
            "oldState": JSONValue(oldState, JSONValue.string),
            "newState": .string(newState),
        ]) { _, state in state }
    }

    /// The six outcome members of a /set response, empty ones as `null`; on their own for
    /// PushSubscription/set, which has no account and no state (RFC 8620 §7.2.2).
    public static func results(
        created: [String: JSONObject], updated: [String: JSONObject], destroyed: [String],
        notCreated: [String: SetError], notUpdated: [String: SetError], notDestroyed: [String: SetError]
    ) -> JSONObject {
        [
            "created": .nonEmpty(created.mapValues(JSONValue.object)),
            "updated": .nonEmpty(updated.mapValues { $0.isEmpty ? .null : .object($0) }),
            "destroyed": destroyed.isEmpty ? .null : JSONValue(destroyed),
            "notCreated": .nonEmpty(notCreated.mapValues(\.json)),
            "notUpdated": .nonEmpty(notUpdated.mapValues(\.json)),
            "notDestroyed": .nonEmpty(notDestroyed.mapValues(\.json)),
        ]
    }
}

// MARK: - Shared with /copy

extension JSONValue {
    /// `null` for an empty map, as the /set and /copy responses send them (§5.3, §5.4).
    static func nonEmpty(_ map: JSONObject) -> JSONValue {
        map.isEmpty ? .null : .object(map)
    }
}

extension Arguments {
    /// An `Id[Foo]` argument such as `create`: every value an object. Nil when absent or null.
    mutating func objectMap(_ key: String) throws(MethodError) -> [String: JSONObject]? {
        guard let map = try object(key) else { return nil }
        var objects: [String: JSONObject] = [:]
        for (id, value) in map {
            guard case .object(let object) = value else {
                throw .invalidArguments("Every value of `\(key)` must be an object.")
            }
            objects[id] = object
        }
        return objects
    }
}

extension SetError {
    /// `notFound` for an id that names no record.
    static func notFound(id: String) -> Self {
        .notFound("No record with id \(id).")
    }
}

/// Creation ids are `Id`s (§5.3: `create` is `Id[Foo]`).
func checkCreationIds(_ create: [String: JSONObject]) throws(MethodError) {
    if let invalid = create.keys.sorted().first(where: { !Id.isValid($0) }) {
        throw .invalidArguments("`\(invalid)` is not a valid creation id.")
    }
}

/// §5.3 and §5.4: `requestTooLarge` beyond `maxObjectsInSet`.
func checkObjectCount(_ count: Int, limits: CoreLimits) throws(MethodError) {
    if count > limits.maxObjectsInSet {
        throw .requestTooLarge("At most \(limits.maxObjectsInSet) records may be changed in one call.")
    }
}

/// `stateMismatch` unless `expected` is absent or equals `current`.
func checkExpectedState(_ expected: String?, current: String, argument: String) throws(MethodError) {
    if let expected, expected != current {
        throw .stateMismatch("`\(argument)` is \(expected) but the current state is \(current).")
    }
}

/// Makes each create on its own, in creation-id order so that responses are stable, and registers each
/// new id in the request's creation ids (§3.3).
func performCreates<Caller, Input>(
    _ creates: [String: Input], context: inout MethodContext<Caller>, created: inout [String: JSONObject],
    notCreated: inout [String: SetError],
    body: (Input, MethodContext<Caller>) async throws(SetError) -> CreatedRecord
) async {
    for (creationId, input) in creates.sorted(by: { $0.key < $1.key }) {
        do throws(SetError) {
            let record = try await body(input, context)
            context.createdIds[creationId] = record.id
            created[creationId] = record.object
        } catch {
            notCreated[creationId] = error
        }
    }
}
