/// The arguments of `Foo/get` (RFC 8620 §5.1), read once here so that data types only look records up.
public struct GetRequest: Sendable, Hashable {
    public var accountId: String
    /// The ids to look up, each once, `#creationId` references resolved; nil asks for every record. Holds
    /// only valid `Id`s, so a data type never sees a malformed id; the others go to `notFound`.
    public private(set) var ids: [String]?
    /// The properties to return besides `id`; nil for all.
    public var properties: Set<String>?
    /// The ids as requested (resolved, each once), valid or not, to compute `notFound`.
    private var requestedIds: [String]?
    private var maxObjectsInGet: Int

    /// Reads the standard arguments, rejecting any property outside `knownProperties` (`id` is always known)
    /// as §5.1 requires; nil for a type whose objects may carry any property (JSContact's vendor
    /// properties). The caller reads any arguments of its own, then calls `finish()`.
    public init<Caller>(
        _ arguments: inout Arguments, context: MethodContext<Caller>, knownProperties: Set<String>?
    ) throws(MethodError) {
        accountId = try arguments.accountId()
        maxObjectsInGet = context.limits.maxObjectsInGet
        if let ids = try arguments.stringArray("ids") {
            guard ids.count <= maxObjectsInGet else {
                throw .requestTooLarge("At most \(maxObjectsInGet) ids may be requested at once.")
            }
            requestedIds = context.resolvedIds(ids)
            self.ids = requestedIds?.filter(Id.isValid)
        }
        if let properties = try arguments.stringArray("properties") {
            let unknown = properties.filter { $0 != "id" && knownProperties?.contains($0) == false }
            guard unknown.isEmpty else {
                throw .invalidArguments("Unknown properties: \(unknown.joined(separator: ", ")).")
            }
            self.properties = Set(properties)
        }
    }

    /// The response for `records`, the records found for `ids` (every record when `ids` is null, which must
    /// then stay within `maxObjectsInGet`): each projected to `properties`, the missing ids in `notFound`.
    public func response(state: String, records: [JSONObject]) throws(MethodError) -> GetResponse {
        try response(
            state: state, list: records.map { .object(project($0)) },
            found: Set(records.compactMap { $0["id"]?.stringValue }))
    }

    /// The response for records kept as JSON text, `id` included, which go into the response as they are
    /// when every property is asked for, and otherwise cut down to the requested ones without being read.
    public func response(state: String, encoded records: [(id: String, record: EncodedJSON)]) throws(MethodError)
        -> GetResponse
    {
        let keys = properties.map { $0.union(["id"]) }
        return try response(
            state: state,
            list: records.map { record in
                guard let keys else { return .encoded(record.record) }
                return record.record.picking(keys).map { .encoded($0) }
                    ?? .object(project(record.record.value.objectValue ?? [:]))
            },
            found: Set(records.map(\.id)))
    }

    private func response(state: String, list: [JSONValue], found: Set<String>) throws(MethodError) -> GetResponse {
        if requestedIds == nil, list.count > maxObjectsInGet {
            throw .requestTooLarge("There are more than \(maxObjectsInGet) records; ask for them by id.")
        }
        return GetResponse(
            accountId: accountId, state: state, list: list,
            notFound: (requestedIds ?? []).filter { !found.contains($0) })
    }

    /// `record` with only the requested properties, and always its `id`.
    public func project(_ record: JSONObject) -> JSONObject {
        guard let properties else { return record }
        return record.filter { $0.key == "id" || properties.contains($0.key) }
    }
}

/// The response of `Foo/get` (RFC 8620 §5.1).
public struct GetResponse: Sendable, Hashable {
    public var accountId: String
    public var state: String
    /// Objects, or objects kept as JSON text (`JSONValue.encoded`).
    public var list: [JSONValue]
    public var notFound: [String]

    public init(accountId: String, state: String, list: [JSONValue], notFound: [String]) {
        self.accountId = accountId
        self.state = state
        self.list = list
        self.notFound = notFound
    }

    public var arguments: JSONObject {
        [
            "accountId": .string(accountId),
            "state": .string(state),
            "list": .array(list),
            "notFound": JSONValue(notFound),
        ]
    }
}
