/// The arguments of `Foo/queryChanges` (RFC 8620 §5.6), generic over the data type's FilterCondition.
public struct QueryChangesRequest<Condition: Sendable>: Sendable {
    public var accountId: String
    public var filter: Filter<Condition>?
    public var sort: [Comparator]
    public var sinceQueryState: String
    /// The most items across `removed` and `added`; nil for no limit.
    public var maxChanges: Int?
    /// The last id the client has cached; added items after it are left out.
    public var upToId: String?
    public var calculateTotal: Bool

    /// Reads the standard arguments as `QueryRequest` does. The caller reads any arguments of its own, then
    /// calls `finish()`.
    public init(
        _ arguments: inout Arguments, sortable: Set<String>, condition: (JSONObject) throws(MethodError) -> Condition
    ) throws(MethodError) {
        accountId = try arguments.accountId()
        filter = try arguments.filter(condition: condition)
        sort = try arguments.sort(sortable: sortable)
        sinceQueryState = try arguments.requiredString("sinceQueryState")
        maxChanges = try arguments.unsignedInt("maxChanges")
        upToId = try arguments.string("upToId")
        calculateTotal = try arguments.bool("calculateTotal", default: false)
    }

    /// The response, by the simple approach §5.6 allows: every id in `changes` is `removed` (ids that were
    /// not in the old results are allowed), and every changed id in `ids`, the current full results, is
    /// `added` back at its index. With an `upToId` in the results that did not change itself, added items
    /// after it are left out. More items than `maxChanges` is `tooManyChanges`.
    public func response(newQueryState: String, changes: ChangeSet, ids: [String]) throws(MethodError)
        -> QueryChangesResponse
    {
        let upToIndex = upToId.flatMap { changes.kind(of: $0) == nil ? ids.firstIndex(of: $0) : nil }
        let cached = upToIndex.map { ids[...$0] } ?? ids[...]
        let added = cached.indices.compactMap { index in
            changes.kind(of: ids[index]) == nil ? nil : AddedItem(id: ids[index], index: index)
        }
        let removed = changes.ids
        if let maxChanges, removed.count + added.count > maxChanges {
            throw .tooManyChanges("There are \(removed.count + added.count) changes, more than \(maxChanges).")
        }
        return QueryChangesResponse(
            accountId: accountId, oldQueryState: sinceQueryState, newQueryState: newQueryState,
            total: calculateTotal ? ids.count : nil, removed: removed, added: added
        )
    }
}

extension QueryChangesRequest: Equatable where Condition: Equatable {}
extension QueryChangesRequest: Hashable where Condition: Hashable {}

/// An id added to query results, at its index in the new results (RFC 8620 §5.6).
public struct AddedItem: Sendable, Hashable {
    public var id: String
    public var index: Int

    public init(id: String, index: Int) {
        self.id = id
        self.index = index
    }

    public var json: JSONValue {
        ["id": .string(id), "index": .int(index)]
    }
}

/// The response of `Foo/queryChanges` (RFC 8620 §5.6).
public struct QueryChangesResponse: Sendable, Hashable {
    public var accountId: String
    public var oldQueryState: String
    public var newQueryState: String
    /// Only when `calculateTotal` was asked for.
    public var total: Int?
    public var removed: [String]
    /// Sorted by index, lowest first.
    public var added: [AddedItem]

    public init(
        accountId: String, oldQueryState: String, newQueryState: String, total: Int? = nil, removed: [String],
        added: [AddedItem]
    ) {
        self.accountId = accountId
        self.oldQueryState = oldQueryState
        self.newQueryState = newQueryState
        self.total = total
        self.removed = removed
        self.added = added
    }

    public var arguments: JSONObject {
        var arguments: JSONObject = [
            "accountId": .string(accountId),
            "oldQueryState": .string(oldQueryState),
            "newQueryState": .string(newQueryState),
            "removed": JSONValue(removed),
            "added": .array(added.map(\.json)),
        ]
        if let total { arguments["total"] = .int(total) }
        return arguments
    }
}
